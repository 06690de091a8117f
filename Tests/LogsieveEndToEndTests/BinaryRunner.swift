import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Paths of the package, its fixtures and the logsieve binaries.
enum Binaries {
    /// The package root, three levels above this file
    /// (`Tests/LogsieveEndToEndTests/BinaryRunner.swift`).
    static let packageRoot: String = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()
        .deletingLastPathComponent()
        .deletingLastPathComponent()
        .path

    /// The binary under test: `LOGSIEVE_BINARY`, else the debug build that
    /// `swift test` builds before it runs this target.
    static var logsieve: String {
        if let path = ProcessInfo.processInfo.environment["LOGSIEVE_BINARY"], !path.isEmpty {
            return path
        }
        return packageRoot + "/.build/debug/logsieve"
    }

    /// The release build, which `swift test` does not build.
    static let release = packageRoot + "/.build/release/logsieve"

    /// `LOGSIEVE_SANITIZER`: the sanitizer of this test run (`address`,
    /// `thread`), set by `.ci/run`, or nil in a plain run.
    static var sanitizer: String? {
        guard let name = ProcessInfo.processInfo.environment["LOGSIEVE_SANITIZER"], !name.isEmpty else { return nil }
        return name
    }

    static func fixture(_ relativePath: String) -> String {
        packageRoot + "/Tests/Fixtures/" + relativePath
    }

    /// Finds `name` on `PATH` and returns its path, or nil when it is not
    /// installed.
    static func command(named name: String) -> String? {
        let searchPath = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in searchPath.split(separator: ":") {
            let candidate = "\(directory)/\(name)"
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }
}

/// What a test feeds to the child's standard input.
enum StandardInput: Sendable {
    case bytes([UInt8])
    /// Bytes produced while the child runs, on a thread of their own, so
    /// that an input larger than memory can be streamed. The closure
    /// stops early when `InputWriter.write` returns false.
    case generated(@Sendable (InputWriter) -> Void)

    static func text(_ text: String) -> StandardInput { .bytes(Array(text.utf8)) }
    static let empty = StandardInput.bytes([])
}

/// The write end of the child's standard input.
struct InputWriter: Sendable {
    let descriptor: Int32

    /// Writes all of `bytes`. Returns false when the child closed its
    /// standard input (EPIPE) or another error ended the write.
    @discardableResult
    func write(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let written = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 && errno == EINTR { continue }
            if written <= 0 { return false }
            offset += written
        }
        return true
    }

    @discardableResult
    func write(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { write($0) }
    }

    @discardableResult
    func write(_ text: String) -> Bool {
        write(Array(text.utf8))
    }
}

/// How a run ended and what it wrote.
struct RunResult: Sendable {
    /// The exit status, or nil when a signal ended the process.
    var exitStatus: Int32?
    var terminationSignal: Int32?
    /// True when the run exceeded its timeout and was killed.
    var timedOut: Bool
    var standardOutput: [UInt8]
    var standardError: [UInt8]
    /// The child's peak resident set size (`ru_maxrss` from `wait4`).
    var peakResidentBytes: Int

    var output: String { String(decoding: standardOutput, as: UTF8.self) }
    var errors: String { String(decoding: standardError, as: UTF8.self) }
    var outputLines: [String] { Self.lines(of: output) }
    var errorLines: [String] { Self.lines(of: errors) }

    /// Splits `text` into lines without their newlines. A final line
    /// without a newline still counts.
    static func lines(of text: String) -> [String] {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        return lines
    }
}

struct SpawnFailure: Error, CustomStringConvertible {
    let description: String
}

/// Environment variables that tests set explicitly, so a value in the
/// developer's shell never leaks into a run.
private let controlledVariables = ["LOGSIEVE_HMAC_KEY", "LOGSIEVE_HMAC_KEY_FILE", "LOGSIEVE_BINARY"]

/// A fixed fingerprint key for runs that compare fingerprints or expect
/// no key warning.
let testKeyEnvironment = ["LOGSIEVE_HMAC_KEY": "logsieve-end-to-end-key-0123456789abcdef"]

/// Runs the logsieve binary under test and collects what it writes.
func runLogsieve(
    _ arguments: [String], input: StandardInput = .empty, environment: [String: String] = testKeyEnvironment,
    timeout: Duration = .seconds(120)
) throws -> RunResult {
    try runProgram(Binaries.logsieve, arguments, input: input, environment: environment, timeout: timeout)
}

/// Runs `executable`, feeding `input` and draining standard output and
/// standard error on their own threads while it runs. Kills the child
/// with SIGKILL when `timeout` passes.
func runProgram(
    _ executable: String, _ arguments: [String], input: StandardInput = .empty,
    environment: [String: String] = [:], timeout: Duration = .seconds(120)
) throws -> RunResult {
    let child = try ChildProcess(executable: executable, arguments: arguments, environment: environment)
    let output = PipeDrain(descriptor: child.takeStandardOutput())
    let errors = PipeDrain(descriptor: child.takeStandardError())
    feed(input, to: child.takeStandardInput())
    return child.waitForExit(timeout: timeout, standardOutput: output.wait(), standardError: errors)
}

/// Writes `input` to `descriptor` on a thread of its own and closes it.
func feed(_ input: StandardInput, to descriptor: Int32) {
    let writer = InputWriter(descriptor: descriptor)
    Thread.detachNewThread {
        switch input {
        case .bytes(let bytes):
            writer.write(bytes)
        case .generated(let produce):
            produce(writer)
        }
        close(descriptor)
    }
}

/// A child process started with `posix_spawn`, with pipes on its
/// standard input, output and error.
final class ChildProcess: @unchecked Sendable {
    let pid: pid_t
    private var standardInput: Int32
    private var standardOutput: Int32
    private var standardError: Int32

    private let exited = DispatchSemaphore(value: 0)
    private var waitStatus: Int32 = 0
    private var usage = rusage()

    init(executable: String, arguments: [String], environment: [String: String]) throws {
        _ = ignoreBrokenPipeSignal

        // Tests run in parallel. Creating the pipes and spawning under one
        // lock, with FD_CLOEXEC set in between, keeps each child from
        // inheriting the pipes of another, which would hold them open.
        spawnLock.lock()
        defer { spawnLock.unlock() }
        let input = try makePipe()
        let output = try makePipe()
        let errors = try makePipe()

        var fileActions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&fileActions)
        defer { posix_spawn_file_actions_destroy(&fileActions) }
        posix_spawn_file_actions_adddup2(&fileActions, input.read, 0)
        posix_spawn_file_actions_adddup2(&fileActions, output.write, 1)
        posix_spawn_file_actions_adddup2(&fileActions, errors.write, 2)

        // The test process ignores SIGPIPE; the child gets the default
        // action back, as it would have under a shell.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaultSignals = sigset_t()
        sigemptyset(&defaultSignals)
        sigaddset(&defaultSignals, SIGPIPE)
        var noBlockedSignals = sigset_t()
        sigemptyset(&noBlockedSignals)
        posix_spawnattr_setsigdefault(&attributes, &defaultSignals)
        posix_spawnattr_setsigmask(&attributes, &noBlockedSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        var inherited = ProcessInfo.processInfo.environment
        for name in controlledVariables { inherited[name] = nil }
        let fullEnvironment = inherited.merging(environment) { $1 }
        let argumentStrings = [executable] + arguments
        let environmentStrings = fullEnvironment.map { "\($0.key)=\($0.value)" }

        var argv: [UnsafeMutablePointer<CChar>?] = argumentStrings.map { strdup($0) } + [nil]
        var envp: [UnsafeMutablePointer<CChar>?] = environmentStrings.map { strdup($0) } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }

        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &fileActions, &attributes, &argv, &envp)
        close(input.read)
        close(output.write)
        close(errors.write)
        guard result == 0 else {
            close(input.write)
            close(output.read)
            close(errors.read)
            throw SpawnFailure(description: "posix_spawn \(executable) failed: \(String(cString: strerror(result)))")
        }
        self.pid = pid
        let childPID = pid
        standardInput = input.write
        standardOutput = output.read
        standardError = errors.read

        Thread.detachNewThread { [self] in
            var status: Int32 = 0
            var childUsage = rusage()
            while wait4(childPID, &status, 0, &childUsage) < 0 && errno == EINTR {}
            waitStatus = status
            usage = childUsage
            exited.signal()
        }
    }

    /// Hands the write end of standard input to the caller, who closes it.
    func takeStandardInput() -> Int32 { take(&standardInput) }
    func takeStandardOutput() -> Int32 { take(&standardOutput) }
    func takeStandardError() -> Int32 { take(&standardError) }

    private func take(_ descriptor: inout Int32) -> Int32 {
        precondition(descriptor >= 0, "each pipe end is handed out once")
        defer { descriptor = -1 }
        return descriptor
    }

    /// Waits for the child to exit, killing it after `timeout`, and
    /// collects its result. `standardOutput` is what the caller read.
    func waitForExit(timeout: Duration, standardOutput: @autoclosure () -> [UInt8], standardError: PipeDrain)
        -> RunResult
    {
        var timedOut = false
        if exited.wait(timeout: .now() + timeout.timeInterval) == .timedOut {
            timedOut = true
            kill(pid, SIGKILL)
            exited.wait()
        }
        let output = standardOutput()
        let errors = standardError.wait()
        let exitedNormally = waitStatus & 0x7f == 0
        return RunResult(
            exitStatus: exitedNormally ? (waitStatus >> 8) & 0xff : nil,
            terminationSignal: exitedNormally ? nil : waitStatus & 0x7f,
            timedOut: timedOut,
            standardOutput: output,
            standardError: errors,
            peakResidentBytes: usage.ru_maxrss * 1024
        )
    }

    /// True once the child has exited.
    func hasExited(within timeout: Duration) -> Bool {
        guard exited.wait(timeout: .now() + timeout.timeInterval) == .success else { return false }
        exited.signal()
        return true
    }
}

/// Reads a descriptor to the end on a thread of its own, so a child that
/// writes a lot never blocks on a full pipe, then closes it.
final class PipeDrain: @unchecked Sendable {
    private let lock = NSLock()
    private var bytes: [UInt8] = []
    private let finished = DispatchSemaphore(value: 0)

    init(descriptor: Int32) {
        Thread.detachNewThread { [self] in
            var chunk = [UInt8](repeating: 0, count: 1 << 16)
            while true {
                let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
                if count < 0 && errno == EINTR { continue }
                if count <= 0 { break }
                lock.withLock { bytes.append(contentsOf: chunk[..<count]) }
            }
            close(descriptor)
            finished.signal()
        }
    }

    /// The bytes read so far, while the child may still be writing.
    var snapshot: [UInt8] { lock.withLock { bytes } }

    /// Waits for end of file and returns everything read.
    func wait() -> [UInt8] {
        finished.wait()
        finished.signal()
        return snapshot
    }
}

private let spawnLock = NSLock()

/// Creates a pipe whose ends are closed on exec. Glibc's `pipe2` is not
/// visible to Swift, so the flag is set afterwards, under `spawnLock`.
private func makePipe() throws -> (read: Int32, write: Int32) {
    var descriptors: [Int32] = [-1, -1]
    guard pipe(&descriptors) == 0 else {
        throw SpawnFailure(description: "pipe failed: \(String(cString: strerror(errno)))")
    }
    for descriptor in descriptors {
        _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
    }
    return (descriptors[0], descriptors[1])
}

/// Writing to a child that has exited must fail with EPIPE instead of
/// killing the test process.
private let ignoreBrokenPipeSignal: Void = {
    signal(SIGPIPE, SIG_IGN)
}()

extension Duration {
    var timeInterval: TimeInterval {
        let parts = components
        return TimeInterval(parts.seconds) + TimeInterval(parts.attoseconds) / 1e18
    }

    var milliseconds: Int32 {
        Int32(clamping: Int64(timeInterval * 1000))
    }
}
