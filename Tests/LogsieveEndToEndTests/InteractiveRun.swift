import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A running logsieve whose standard input the test writes piece by piece
/// and whose standard output it reads line by line, as `tail -f | logsieve`
/// would see it. Standard error is drained in the background.
final class InteractiveRun {
    let child: ChildProcess
    private var input: Int32
    private var output: Int32
    private let errors: PipeDrain
    private var pending: [UInt8] = []
    private var readOutput: [UInt8] = []

    /// Starts the binary. With `input`, a thread feeds standard input and
    /// closes it. Without it, the test writes with `write` and `closeInput`.
    init(_ arguments: [String], input: StandardInput? = nil, environment: [String: String] = testKeyEnvironment)
        throws
    {
        child = try ChildProcess(executable: Binaries.logsieve, arguments: arguments, environment: environment)
        output = child.takeStandardOutput()
        errors = PipeDrain(descriptor: child.takeStandardError())
        if let input {
            feed(input, to: child.takeStandardInput())
            self.input = -1
        } else {
            self.input = child.takeStandardInput()
        }
    }

    deinit {
        if input >= 0 { close(input) }
        if output >= 0 { close(output) }
    }

    /// Writes `text` to standard input and keeps it open.
    @discardableResult
    func write(_ text: String) -> Bool {
        precondition(input >= 0, "standard input is closed or fed by a thread")
        return InputWriter(descriptor: input).write(text)
    }

    func closeInput() {
        if input >= 0 { close(input) }
        input = -1
    }

    /// Reads the next output line and returns it without its newline, or
    /// nil when `timeout` passes first or the output ends.
    func readLine(timeout: Duration) -> String? {
        let deadline = ContinuousClock.now + timeout
        while true {
            if let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: pending[..<newline], as: UTF8.self)
                pending.removeSubrange(...newline)
                return line
            }
            let remaining = deadline - ContinuousClock.now
            guard remaining > .zero, output >= 0 else { return nil }
            var descriptor = pollfd(fd: output, events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, max(remaining.milliseconds, 1))
            if ready < 0 && errno == EINTR { continue }
            if ready <= 0 { return nil }
            guard readAvailable() > 0 else { return nil }
        }
    }

    /// Closes the read end of standard output, as `head` does when it has
    /// read enough.
    func closeOutput() {
        if output >= 0 { close(output) }
        output = -1
    }

    /// Standard error written so far.
    var errorsSoFar: String { String(decoding: errors.snapshot, as: UTF8.self) }

    /// Closes standard input if the test still has it open, reads the rest of
    /// standard output unless it was closed, and waits for the exit.
    func finish(timeout: Duration = .seconds(60)) -> RunResult {
        closeInput()
        let deadline = ContinuousClock.now + timeout
        while output >= 0 {
            let remaining = deadline - ContinuousClock.now
            guard remaining > .zero else { break }
            var descriptor = pollfd(fd: output, events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, max(remaining.milliseconds, 1))
            if ready < 0 && errno == EINTR { continue }
            if ready <= 0 || readAvailable() <= 0 { break }
        }
        let remaining = max(deadline - ContinuousClock.now, .milliseconds(1))
        return child.waitForExit(timeout: remaining, standardOutput: readOutput, standardError: errors)
    }

    /// Reads what standard output has now. Returns the byte count, 0 at
    /// end of file, or -1 on an error.
    private func readAvailable() -> Int {
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(output, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count > 0 {
                pending.append(contentsOf: chunk[..<count])
                readOutput.append(contentsOf: chunk[..<count])
            }
            return count
        }
    }
}
