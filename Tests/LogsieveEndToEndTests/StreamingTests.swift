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

    /// Records split across reads must give the same output as when the
    /// whole input arrives at once: the sample, a pretty-printed value and
    /// an invalid line, written in pieces of 1 to 512 bytes with pauses.
    @Test func chunkingKeepsOutput() throws {
        var input = Array(try Data(contentsOf: URL(fileURLWithPath: SecretEvents.samplePath)))
        input += Array(#"{"password": "\#(SecretEvents.password)", "#.utf8) + [UInt8(ascii: "\n")]
        input += Array("{\n  \"authorization\": \"Bearer \(SecretEvents.bearer)\",\n  \"n\": [1,\n 2]\n}\n".utf8)
        input += Array(SecretEvents.ndjson.utf8)

        let whole = try runLogsieve([], input: .bytes(input))
        #expect(whole.exitStatus == 0)

        let seed = UInt64.random(in: 0...UInt64.max)
        let pieces = StandardInput.generated { [input] writer in
            var random = SplitMix64(seed: seed)
            var offset = 0
            while offset < input.count {
                let length = min(Int.random(in: 1...512, using: &random), input.count - offset)
                guard writer.write(Array(input[offset..<(offset + length)])) else { return }
                offset += length
                if Int.random(in: 0..<8, using: &random) == 0 { usleep(500) }
            }
        }
        let chunked = try runLogsieve([], input: pieces)
        #expect(chunked.exitStatus == 0)
        #expect(chunked.output == whole.output, "pieces from seed \(seed)")
        #expect(whole.outputLines.count == 32 + 1 + 1 + SecretEvents.lineCount)
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

/// A small seeded generator (SplitMix64), so a failing split of the input
/// can be reproduced from the seed in the failure message.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }
}
