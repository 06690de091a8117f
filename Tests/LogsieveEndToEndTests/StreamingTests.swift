import Foundation
import Testing

/// logsieve in the middle of a pipeline: `tail -f | logsieve` and
/// `logsieve | head`.
@Suite struct StreamingTests {
    /// Each line must come out while standard input is still open, as
    /// `tail -f | logsieve` needs.
    @Test func lineFlushedWhileInputOpen() throws {
        let run = try InteractiveRun([])
        let events = SecretEvents.ndjson.split(separator: "\n").map(String.init)

        for (index, event) in events.enumerated() {
            let started = ContinuousClock.now
            #expect(run.write(event + "\n"))
            let line = run.readLine(timeout: .seconds(2))
            #expect(line != nil, "event \(index + 1) was not written within 2 seconds")
            #expect(line.map(isJSON) == true)
            #expect(line?.contains("[REDACTED:") == true)
            print("streaming: event \(index + 1) came out after \(ContinuousClock.now - started)")
        }

        run.closeInput()
        let result = run.finish()
        #expect(result.exitStatus == 0)
        #expect(result.errors.isEmpty)
        #expect(RunResult.lines(of: String(decoding: result.standardOutput, as: UTF8.self)).count == events.count)
    }

    /// The reader goes away after one line, as `logsieve | head -1` does.
    /// logsieve must end with status 0 and write nothing but the key
    /// warning to stderr.
    @Test func closedOutputEndsQuietly() throws {
        let sample = try Data(contentsOf: URL(fileURLWithPath: SecretEvents.samplePath))
        let repeats = 64 << 20 / max(sample.count, 1)
        let input = StandardInput.generated { writer in
            for _ in 0..<repeats {
                guard sample.withUnsafeBytes({ writer.write($0) }) else { return }
            }
        }

        let run = try InteractiveRun([], input: input, environment: [:])
        let first = run.readLine(timeout: .seconds(30))
        #expect(first.map(isJSON) == true)
        run.closeOutput()

        let result = run.finish(timeout: .seconds(60))
        #expect(!result.timedOut)
        #expect(result.terminationSignal == nil)
        #expect(result.exitStatus == 0)
        #expect(result.errorLines.count == 1, "\(result.errors)")
        #expect(result.errorLines.first?.hasPrefix(FingerprintKeyTests.keyWarning) == true)
    }
}
