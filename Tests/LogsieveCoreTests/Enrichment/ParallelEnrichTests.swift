import Foundation
import Testing
@testable import LogsieveCore

/// `enrich` behind redaction on several workers: the output and the counts
/// must be those of one worker, and sessions must be keyed on the MACs that
/// each worker's redactor recorded.
@Suite struct ParallelEnrichTests {
    struct Run {
        var output: [UInt8]
        var stats: ProcessingStats
        var redactions: Int
        var enrichment: EnrichmentStats
        var enricher: Enricher
    }

    /// Runs `input` through `workerCount` workers that share one enricher,
    /// reading `readSize` bytes at a time.
    private func runParallel(
        _ input: [UInt8], pipeline text: String, workerCount: Int, readSize: Int,
        configuration: RedactorConfiguration = RedactorConfiguration()
    ) throws -> Run {
        let expression = try PipelineExpression.parse(text).ensuringRedaction()
        let enricher = Enricher(configuration: EnrichmentConfiguration(), fingerprinter: Fingerprinter(key: testKey),
                                maxDepth: configuration.maxDepth)
        let workers = (0..<workerCount).map { _ -> EventProcessor in
            let redactor = Redactor(configuration: configuration, fingerprinter: Fingerprinter(key: testKey))
            let pipeline = Pipeline(expression: expression, redactor: redactor, enricher: enricher)
            return EventProcessor(pipeline: pipeline, redactor: redactor)
        }
        let processor = ParallelEventProcessor(workers: workers, parallelThreshold: 0)
        let framer = NDJSONFramer(maxLineBytes: 1 << 20, readSize: readSize)
        let output = ByteBuffer()
        framer.startInput()
        var offset = 0
        while offset < input.count {
            let space = framer.writableSpace()
            let length = min(readSize, input.count - offset, space.count)
            input.withUnsafeBytes { space.baseAddress!.copyMemory(from: $0.baseAddress! + offset, byteCount: length) }
            framer.didRead(length)
            offset += length
            framer.drain(atEndOfInput: false) { processor.process($0, to: output) }
            processor.flush(to: output)
        }
        framer.drain(atEndOfInput: true) { processor.process($0, to: output) }
        processor.flush(to: output)
        return Run(output: output.toArray(), stats: processor.stats, redactions: processor.counts.total,
                   enrichment: enricher.stats, enricher: enricher)
    }

    static let sessionCount = 40

    static func sessionID(_ session: Int) -> String { "102sess\(session)AbCdEfGhIjKlMn" }

    /// Okta events of 40 sessions, one second apart, among them network
    /// moves and admin grants that `enrich` flags, pretty-printed events
    /// over several lines, two events on one line, invalid and blank lines.
    static let input: [UInt8] = {
        var text = ""
        for index in 0..<2400 {
            let session = index % sessionCount
            var event = OktaEvent()
            event.user = "user\(session)@example.com"
            event.session = sessionID(session)
            let seconds = 9 * 3600 + index
            event.published = String(format: "2024-05-01T%02d:%02d:%02d.000Z", seconds / 3600, seconds / 60 % 60, seconds % 60)
            if index >= sessionCount { event.eventType = "user.authentication.sso" }
            if index % 97 == 11 {
                event.ip = "203.0.113.\(index % 200)"
                event.asNumber = 64500 + index % 7
                event.country = "Netherlands"
                event.latitude = 52.37
                event.longitude = 4.89
            }
            if index % 113 == 17 {
                event.eventType = "user.account.privilege.grant"
                event.targets = [["type": "User", "id": "00u\(index)", "alternateId": "new\(index)@example.com"]]
            }
            switch index % 50 {
            case 7:
                let object = try! JSONSerialization.jsonObject(with: Data(event.json.utf8))
                let pretty = try! JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
                text += String(decoding: pretty, as: UTF8.self) + "\n"
            case 19:
                var other = event
                other.eventType = "user.session.access_admin_app"
                text += event.json + " " + other.json + "\n"
            case 23:
                text += #"{"eventType": "user.session.start", "password": hunter\#(index)}"# + "\n"
            case 31:
                text += "\n"
            default:
                text += event.json + "\n"
            }
        }
        return Array(text.utf8)
    }()

    static let pipelines = [
        "redact | enrich",
        "redact | enrich | select(has(.logsieve))",
        #"select(.eventType != "user.session.access_admin_app") | redact | del(.client.device) | enrich | del(.uuid)"#,
    ]

    @Test func outputEqualsOneWorker() throws {
        for pipeline in Self.pipelines {
            let serial = try runParallel(Self.input, pipeline: pipeline, workerCount: 1, readSize: 1 << 20)
            for readSize in [4096, 64 * 1024] {
                let parallel = try runParallel(Self.input, pipeline: pipeline, workerCount: 3, readSize: readSize)
                #expect(parallel.output == serial.output, "\(pipeline), read size \(readSize)")
                #expect(parallel.stats == serial.stats, "\(pipeline), read size \(readSize)")
                #expect(parallel.redactions == serial.redactions, "\(pipeline), read size \(readSize)")
                #expect(parallel.enrichment == serial.enrichment, "\(pipeline), read size \(readSize)")
            }
            #expect(serial.stats.invalidRecords > 0, "\(pipeline)")
        }
    }

    @Test func outputEqualsUndeferredProcessor() throws {
        // EventProcessor on its own runs every stage itself, as before the
        // ordered stages were split off.
        let direct = try runPipeline(bytes: Self.input, pipeline: "redact | enrich")
        let parallel = try runParallel(Self.input, pipeline: "redact | enrich", workerCount: 3, readSize: 4096)
        #expect(parallel.output == direct)
    }

    @Test func flagsAndSessionKeys() throws {
        let run = try runParallel(Self.input, pipeline: "redact | enrich", workerCount: 3, readSize: 4096)
        let output = String(decoding: run.output, as: UTF8.self)
        #expect(output.components(separatedBy: "session.network_changed").count > 20)
        #expect(output.components(separatedBy: "admin.sensitive_action").count > 10)
        #expect(!output.contains("102sess"))

        // Keyed on the MAC of the raw session id, which only the redactor
        // that replaced it had; the marker text would give another key.
        let fingerprinter = Fingerprinter(key: testKey)
        for session in 0..<Self.sessionCount {
            let key = Enricher.mac(of: Self.sessionID(session), with: fingerprinter)
            #expect(run.enricher.store.sessions.value(for: key) != nil, "session \(session)")
        }
        #expect(run.enricher.store.sessions.count == Self.sessionCount)
    }

    @Test func invalidRecordLeavesNoState() throws {
        // The first value of the second line is valid, but the line is not,
        // so it becomes one envelope and its move must not reach the state.
        var start = OktaEvent()
        start.published = "2024-05-01T09:00:00.000Z"
        var moved = EnrichStateTests.moved("2024-05-01T09:01:00.000Z")
        let broken = moved.json + #" {"password": hunter2}"#
        moved.published = "2024-05-01T09:02:00.000Z"
        let input = Array((start.json + "\n" + broken + "\n" + moved.json + "\n").utf8)
        for workerCount in [1, 3] {
            let run = try runParallel(input, pipeline: "redact | enrich", workerCount: workerCount, readSize: 4096)
            let members = enrichmentMembers(String(decoding: run.output, as: UTF8.self))
            #expect(members.count == 3)
            #expect(flags(members[2]).contains("session.network_changed"), "\(workerCount) workers")
            #expect(run.enrichment.eventsRecognized == 2, "\(workerCount) workers")
            #expect(run.stats.invalidRecords == 1, "\(workerCount) workers")
        }
    }

    @Test func stageFailureAfterEnrichIsEnvelope() throws {
        // The enrich member is five levels deep, so a select after it fails
        // under --max-depth 4 on a flagged event, but not on the others.
        var configuration = RedactorConfiguration()
        configuration.maxDepth = 4
        var start = OktaEvent()
        start.published = "2024-05-01T09:00:00.000Z"
        let moved = EnrichStateTests.moved("2024-05-01T09:01:00.000Z")
        let input = Array((start.json + "\n" + moved.json + "\n").utf8)
        let pipeline = "redact | enrich | select(has(.logsieve.flags))"
        let serial = try runParallel(input, pipeline: pipeline, workerCount: 1, readSize: 4096, configuration: configuration)
        let lines = String(decoding: serial.output, as: UTF8.self).split(separator: "\n")
        #expect(lines.count == 1)
        #expect(lines.first?.contains("logsieve_invalid") == true)
        #expect(lines.first?.contains("102abcd") == false)
        #expect(serial.stats.invalidRecords == 1)
        #expect(serial.stats.eventsIn == 1)
        #expect(serial.stats.eventsDropped == 1)

        let parallel = try runParallel(input, pipeline: pipeline, workerCount: 3, readSize: 4096, configuration: configuration)
        #expect(parallel.output == serial.output)
        #expect(parallel.stats == serial.stats)
    }
}
