import Foundation
import Testing

/// Large inputs, run against the release build only, because the memory
/// bound they check is a property of the optimised binary that users run.
/// `swift test` does not build the release binary, so without
/// `swift build -c release` first these tests are skipped, and the skip
/// and its reason show in the test report. They use whatever release
/// binary is there, so rebuild it after changing the sources. A sanitizer
/// run (`LOGSIEVE_SANITIZER` set, as `.ci/run` does) skips them, because
/// they measure the release binary, which the plain run already tests.
@Suite(
    .enabled(
        if: FileManager.default.isExecutableFile(atPath: Binaries.release),
        "no release build at .build/release/logsieve; run swift build -c release first"),
    .enabled(if: Binaries.sanitizer == nil, "skipped in the \(Binaries.sanitizer ?? "") sanitizer run; the plain run covers them"))
struct SizeTests {
    /// A single line of 300 MiB, generated while it is written so the test
    /// never keeps it in memory, followed by a valid event. With
    /// `--max-line-bytes 16M` the line must become an envelope without
    /// text, the valid event must come through, and logsieve's peak RSS
    /// must stay under 128 MiB.
    @Test func overlongLineInBoundedMemory() throws {
        let prefix = Array(#"{"password":""#.utf8)
        let suffix = Array(#""}"#.utf8)
        let chunk = [UInt8](repeating: UInt8(ascii: "A"), count: 1 << 20)
        let chunkCount = 300
        let lineBytes = prefix.count + chunkCount * chunk.count + suffix.count
        let validEvent = #"{"n":2,"authorization":"Bearer \#(SecretEvents.bearer)"}"#

        let input = StandardInput.generated { writer in
            guard writer.write(prefix) else { return }
            for _ in 0..<chunkCount {
                guard writer.write(chunk) else { return }
            }
            writer.write(suffix + [UInt8(ascii: "\n")] + Array(validEvent.utf8) + [UInt8(ascii: "\n")])
        }
        let result = try runProgram(
            Binaries.release, ["--max-line-bytes", "16M", "--stats"], input: input,
            environment: testKeyEnvironment, timeout: .seconds(300))
        #expect(!result.timedOut)
        #expect(result.exitStatus == 0)

        let lines = result.outputLines
        #expect(lines.count == 2)
        let envelope = try #require(lines.first)
        let object = try JSONSerialization.jsonObject(with: Data(envelope.utf8)) as? [String: Any]
        let invalid = try #require(object?["logsieve_invalid"] as? [String: Any], "\(envelope.prefix(200))")
        #expect(invalid["text"] is NSNull)
        #expect(invalid["bytes"] as? Int == lineBytes)
        #expect(invalid["line"] as? Int == 1)
        #expect(envelope.utf8.count < 1000)

        let event = try #require(lines.last)
        #expect(event.hasPrefix(#"{"n":2,"authorization":"Bearer [REDACTED:bearer:"#))
        #expect(!event.contains(SecretEvents.bearer))
        #expect(result.errorLines.contains("logsieve: stats: invalid records: 1 (1 over --max-line-bytes)"))

        // ru_maxrss from wait4 would include this test process's own memory,
        // which Linux carries into the child's count across exec, so the
        // child's own VmHWM from --stats is the measure.
        let peakLine = result.errorLines.first { $0.hasPrefix("logsieve: stats: peak memory: ") }
        let peakKilobytes = try #require(peakLine.flatMap { Int($0.split(separator: " ")[4]) }, "\(result.errorLines)")
        print("size: a \(lineBytes >> 20) MiB line peaked at \(peakKilobytes >> 10) MiB resident")
        #expect(peakKilobytes < 128 << 10, "peak RSS \(peakKilobytes >> 10) MiB")
    }

    /// A single line of 2 GiB with the default `--max-line-bytes` of 32 MiB
    /// must become an envelope without text, and the event after it must
    /// come through. As for the shorter line above, the peak RSS (`VmHWM`
    /// from `--stats`) must stay under 128 MiB.
    @Test func twoGigabyteLineWithDefaultLimit() throws {
        let prefix = Array(#"{"token":""#.utf8)
        let chunk = [UInt8](repeating: UInt8(ascii: "B"), count: 4 << 20)
        let chunkCount = 512
        let lineBytes = prefix.count + chunkCount * chunk.count + 2
        let input = StandardInput.generated { writer in
            guard writer.write(prefix) else { return }
            for _ in 0..<chunkCount {
                guard writer.write(chunk) else { return }
            }
            writer.write(Array(#""}"#.utf8) + [UInt8(ascii: "\n")] + Array(#"{"n":2}"#.utf8) + [UInt8(ascii: "\n")])
        }
        let result = try runProgram(Binaries.release, ["--stats"], input: input, environment: testKeyEnvironment,
                                    timeout: .seconds(600))
        #expect(!result.timedOut)
        #expect(result.exitStatus == 0)

        let lines = result.outputLines
        #expect(lines.count == 2)
        let envelope = try #require(lines.first)
        let object = try JSONSerialization.jsonObject(with: Data(envelope.utf8)) as? [String: Any]
        let invalid = try #require(object?["logsieve_invalid"] as? [String: Any], "\(envelope.prefix(200))")
        #expect(invalid["text"] is NSNull)
        #expect(invalid["bytes"] as? Int == lineBytes)
        #expect(lines.last == #"{"n":2}"#)

        let peakLine = result.errorLines.first { $0.hasPrefix("logsieve: stats: peak memory: ") }
        let peakKilobytes = try #require(peakLine.flatMap { Int($0.split(separator: " ")[4]) }, "\(result.errorLines)")
        print("size: a \(lineBytes >> 20) MiB line peaked at \(peakKilobytes >> 10) MiB resident")
        #expect(peakKilobytes < 128 << 10, "peak RSS \(peakKilobytes >> 10) MiB")
    }

    @Test func millionTinyLines() throws {
        let lineCount = 1_000_000
        let line = Array(#"{"a":1}"#.utf8) + [UInt8(ascii: "\n")]
        let linesPerChunk = 10_000
        let chunk = Array([[UInt8]](repeating: line, count: linesPerChunk).joined())

        let input = StandardInput.generated { writer in
            for _ in 0..<(lineCount / linesPerChunk) {
                guard writer.write(chunk) else { return }
            }
        }
        let started = ContinuousClock.now
        let result = try runProgram(
            Binaries.release, [], input: input, environment: testKeyEnvironment, timeout: .seconds(300))
        print("size: \(lineCount) lines took \(ContinuousClock.now - started)")
        #expect(!result.timedOut)
        #expect(result.exitStatus == 0)
        #expect(result.errors.isEmpty)

        let newlines = result.standardOutput.reduce(0) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 }
        #expect(newlines == lineCount)
        #expect(result.standardOutput.count == lineCount * line.count)

        // Without secrets every byte passes through unchanged. The arrays
        // are compared outside #expect, which would print all 8 MB.
        let expected = Array([[UInt8]](repeating: chunk, count: lineCount / linesPerChunk).joined())
        let unchanged = result.standardOutput == expected
        #expect(unchanged, "the output differs from the input")
    }
}
