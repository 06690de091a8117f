import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Standard-input mode under SIGTERM, SIGINT and a reader that stops
/// reading standard output.
@Suite struct SignalAndBackpressureTests {
    /// Writes two complete events and the first half of a third, waits for
    /// the two to come out, then sends `signal`. logsieve must write no half
    /// line, keep the secret out, and exit with `expectedStatus`.
    @Test(arguments: [(SIGTERM, Int32(0)), (SIGINT, Int32(130))])
    func signalEndsCleanly(signal: Int32, expectedStatus: Int32) throws {
        let run = try InteractiveRun([])
        run.write(#"{"n":1,"password":"hunter2hunter2"}"# + "\n" + #"{"n":2}"# + "\n")
        #expect(run.readLine(timeout: .seconds(30)) == #"{"n":1,"password":"[REDACTED:password]"}"#)
        #expect(run.readLine(timeout: .seconds(30)) == #"{"n":2}"#)
        run.write(#"{"n":3,"token":"half-written-tok"#)
        // Give logsieve time to read the partial line before the signal.
        usleep(200_000)
        #expect(kill(run.child.pid, signal) == 0)

        let result = run.finish(timeout: .seconds(30))
        #expect(!result.timedOut)
        #expect(result.terminationSignal == nil)
        #expect(result.exitStatus == expectedStatus, "\(result.errors)")
        let rest = String(decoding: result.standardOutput, as: UTF8.self)
        #expect(rest.isEmpty || rest.hasSuffix("\n"), "no half line: \(rest.debugDescription)")
        #expect(!rest.contains("half-written-tok"))
        #expect(!result.errors.contains("half-written-tok"))
    }

    /// When nothing reads standard output, logsieve must stop reading its
    /// input instead of buffering it: the writer blocks, and logsieve's
    /// peak RSS (`VmHWM`) stays bounded.
    @Test func stalledOutputBoundsMemory() throws {
        let line = Array((#"{"authorization":"Bearer abcdefghijklmnop0123456789","pad":""# + String(repeating: "x", count: 900) + "\"}\n").utf8)
        let total = 1 << 30
        let written = LockedCounter()
        let input = StandardInput.generated { writer in
            while written.value < total {
                guard line.withUnsafeBytes({ writer.write($0) }) else { return }
                written.add(line.count)
            }
        }
        let run = try InteractiveRun([], input: input)
        #expect(run.readLine(timeout: .seconds(30)) != nil)
        // Output is not read from here on; wait until the writer stalls.
        var previous = -1
        for _ in 0..<60 where written.value != previous {
            previous = written.value
            sleep(1)
        }
        let stalledAt = written.value
        sleep(2)
        #expect(written.value == stalledAt, "the input kept flowing with output unread")
        #expect(stalledAt < total / 4, "logsieve read \(stalledAt) bytes with its output unread")
        let peakKiB = try peakResidentKiB(of: run.child.pid)
        #expect(peakKiB < 256 * 1024, "VmHWM \(peakKiB) KiB")
        print("NOTICE: stalled output: input stopped after \(stalledAt) bytes, VmHWM \(peakKiB) KiB")

        run.closeOutput()
        let result = run.finish(timeout: .seconds(60))
        #expect(!result.timedOut)
        #expect(result.exitStatus == 0, "\(result.errors)")
    }

    private func peakResidentKiB(of pid: pid_t) throws -> Int {
        let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
        let line = try #require(status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") })
        return try #require(Int(line.split(separator: " ", omittingEmptySubsequences: true)[1]))
    }
}

/// A counter shared between the feeding thread and the test.
final class LockedCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0

    var value: Int { lock.withLock { count } }

    func add(_ amount: Int) { lock.withLock { count += amount } }
}
