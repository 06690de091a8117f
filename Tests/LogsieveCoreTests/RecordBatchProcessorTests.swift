import Foundation
import Testing
@testable import LogsieveCore

/// Records that stand alone (Kafka message values) through one and several
/// workers: each record's outcome and output must be those of one
/// processor that runs every stage itself, one record at a time.
@Suite struct RecordBatchProcessorTests {
    struct Result: Equatable {
        var outcome: RecordBatchProcessor.Outcome
        var output: [UInt8]
    }

    /// The enrich test events, one record per line, and some records that
    /// only a message can carry: pretty-printed JSON, two NDJSON lines, a
    /// truncated object, whitespace, and a value that is empty.
    static let records: [[UInt8]] = {
        var records = ParallelEnrichTests.input.split(separator: ASCII.newline, omittingEmptySubsequences: false).map(Array.init)
        for index in stride(from: 0, to: records.count, by: 211) {
            records.insert(Array("{\n  \"password\": \"p\(index)\",\n  \"eventType\": \"user.session.start\"\n}\n".utf8), at: index)
            records.insert(Array("{\"cookie\": \"sid=a\(index)\"}\n{\"cookie\": \"sid=b\(index)\"}".utf8), at: index)
            records.insert(Array("{\"authorization\": \"Bearer tok\(index)abcdefgh\", \"x\": [1, ".utf8), at: index)
            records.insert(Array(" \t ".utf8), at: index)
            records.insert([], at: index)
        }
        return records
    }()

    private static func makeWorkers(_ count: Int, pipeline text: String, enricher: Enricher) throws -> [EventProcessor] {
        let expression = try PipelineExpression.parse(text).ensuringRedaction()
        return (0..<count).map { _ in
            let redactor = Redactor(configuration: RedactorConfiguration(), fingerprinter: Fingerprinter(key: testKey))
            return EventProcessor(pipeline: Pipeline(expression: expression, redactor: redactor, enricher: enricher), redactor: redactor)
        }
    }

    private static func makeEnricher() -> Enricher {
        Enricher(configuration: EnrichmentConfiguration(), fingerprinter: Fingerprinter(key: testKey), maxDepth: RedactorConfiguration().maxDepth)
    }

    /// Runs the records in batches of `batchSize` through `workerCount` workers.
    private func runBatches(pipeline: String, workerCount: Int, batchSize: Int) throws -> ([Result], ProcessingStats, Int, EnrichmentStats) {
        let enricher = Self.makeEnricher()
        let processor = RecordBatchProcessor(workers: try Self.makeWorkers(workerCount, pipeline: pipeline, enricher: enricher),
                                             parallelThreshold: 0)
        var results: [Result] = []
        var start = 0
        while start < Self.records.count {
            let batch = Self.records[start..<min(start + batchSize, Self.records.count)]
            let buffers = batch.map { record -> UnsafeMutableRawBufferPointer in
                let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: record.count, alignment: 1)
                buffer.copyMemory(from: UnsafeRawBufferPointer(start: record, count: record.count))
                return buffer
            }
            defer { buffers.forEach { $0.deallocate() } }
            processor.prepare(buffers.map { UnsafeRawBufferPointer($0) })
            for index in buffers.indices {
                let (outcome, bytes) = processor.result(at: index)
                results.append(Result(outcome: outcome, output: Array(bytes)))
            }
            processor.finish()
            start += batchSize
        }
        return (results, processor.stats, processor.counts.total, enricher.stats)
    }

    /// Runs each record alone through one processor that runs every stage itself.
    private func runDirect(pipeline: String) throws -> [Result] {
        let processor = try Self.makeWorkers(1, pipeline: pipeline, enricher: Self.makeEnricher())[0]
        let output = ByteBuffer()
        return Self.records.map { record in
            output.removeAll()
            let invalidBefore = processor.stats.invalidRecords
            record.withUnsafeBytes { bytes in
                var framed = FramedRecord.external(kind: record.contains(ASCII.newline) ? .multiLineValue : .line, bytes: bytes, lineNumber: 1)
                if processor.process(framed, to: output) == .continuesOnNextLine {
                    framed.kind = .unterminatedValue
                    _ = processor.process(framed, to: output)
                }
            }
            var bytes = output.toArray()
            if bytes.last == ASCII.newline { bytes.removeLast() }
            if processor.stats.invalidRecords > invalidBefore { return Result(outcome: .invalid, output: bytes) }
            return Result(outcome: bytes.isEmpty ? .nothing : .events, output: bytes)
        }
    }

    @Test func severalWorkersEqualOne() throws {
        for pipeline in ParallelEnrichTests.pipelines {
            let serial = try runBatches(pipeline: pipeline, workerCount: 1, batchSize: 4096)
            for batchSize in [2, 97] {
                let parallel = try runBatches(pipeline: pipeline, workerCount: 3, batchSize: batchSize)
                #expect(parallel.0 == serial.0, "\(pipeline), batches of \(batchSize)")
                #expect(parallel.1 == serial.1, "\(pipeline), batches of \(batchSize)")
                #expect(parallel.2 == serial.2, "\(pipeline), batches of \(batchSize)")
                #expect(parallel.3 == serial.3, "\(pipeline), batches of \(batchSize)")
            }
        }
    }

    @Test func equalsOneProcessorPerRecord() throws {
        for pipeline in ParallelEnrichTests.pipelines {
            let direct = try runDirect(pipeline: pipeline)
            let batched = try runBatches(pipeline: pipeline, workerCount: 2, batchSize: 300).0
            #expect(batched.count == direct.count)
            for (index, (left, right)) in zip(batched, direct).enumerated() where left != right {
                Issue.record("\(pipeline): record \(index) differs: \(String(decoding: left.output, as: UTF8.self)) against \(String(decoding: right.output, as: UTF8.self))")
                break
            }
        }
    }

    @Test func outcomesOfSpecialRecords() throws {
        let (results, stats, _, enrichment) = try runBatches(pipeline: "redact | enrich", workerCount: 2, batchSize: 64)
        #expect(results.count == Self.records.count)
        for (record, result) in zip(Self.records, results) {
            let text = String(decoding: record, as: UTF8.self)
            let output = String(decoding: result.output, as: UTF8.self)
            if text.trimmingCharacters(in: .whitespaces).isEmpty {
                #expect(result.outcome == .nothing)
            } else if text.hasSuffix("[1, ") {
                #expect(result.outcome == .invalid)
                #expect(output.contains("logsieve_invalid"))
                #expect(!output.contains("tok"))
            } else if text.contains("sid=b") {
                // Two NDJSON lines stay two events in one output value.
                #expect(result.outcome == .events)
                #expect(output.split(separator: "\n").count == 2)
                #expect(!output.contains("sid=a"))
                #expect(!output.contains("sid=b"))
            }
            #expect(!output.contains("102sess"), "\(text)")
            #expect(!output.contains("hunter"), "\(text)")
            #expect(result.output.last != ASCII.newline)
        }
        #expect(stats.invalidRecords > 0)
        #expect(enrichment.eventsRecognized > 1000)
        #expect(results.contains { String(decoding: $0.output, as: UTF8.self).contains("session.network_changed") })
    }
}
