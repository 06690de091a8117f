import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Checks `condition` every 20 ms until it is true or `timeout` passes.
/// Returns whether it became true. Used to wait for a running child, never to
/// assert on timing.
func waitUntil(timeout: Duration, _ condition: () -> Bool) -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if condition() { return true }
        usleep(20_000)
    }
    return condition()
}

extension InteractiveRun {
    /// Returns the port from the `listening on tcp://127.0.0.1:PORT` line on stderr.
    func listeningPort(timeout: Duration = .seconds(30)) -> UInt16? {
        var port: UInt16?
        _ = waitUntil(timeout: timeout) {
            let text = errorsSoFar
            guard let range = text.range(of: "listening on tcp://127.0.0.1:") else { return false }
            port = UInt16(text[range.upperBound...].prefix { $0.isNumber })
            return port != nil
        }
        return port
    }

    /// Waits until a `listening on unix:` line is on stderr.
    func waitForUnixListener(timeout: Duration = .seconds(30)) -> Bool {
        waitUntil(timeout: timeout) { errorsSoFar.contains("listening on unix:") }
    }

    /// Reads `count` output lines, or fewer when `timeout` passes first.
    func readLines(_ count: Int, timeout: Duration = .seconds(30)) -> [String] {
        let deadline = ContinuousClock.now + timeout
        var lines: [String] = []
        while lines.count < count {
            let remaining = deadline - ContinuousClock.now
            guard remaining > .zero, let line = readLine(timeout: remaining) else { break }
            lines.append(line)
        }
        return lines
    }

    /// Sends SIGTERM and waits for the exit.
    func terminate(timeout: Duration = .seconds(60)) -> RunResult {
        kill(child.pid, SIGTERM)
        return finish(timeout: timeout)
    }

    /// The child's peak resident set (VmHWM in /proc/PID/status) in KiB.
    var peakResidentKilobytes: Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(child.pid)/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            return Int(line.split(separator: " ")[1])
        }
        return nil
    }
}

/// Fills a `sockaddr_in` for 127.0.0.1:`port` and passes it to `body`.
private func withLoopbackAddress<Result>(port: UInt16, _ body: (UnsafePointer<sockaddr>, socklen_t) -> Result) -> Result {
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = port.bigEndian
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    return withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
}

private func withUnixAddress<Result>(_ path: String, _ body: (UnsafePointer<sockaddr>, socklen_t) -> Result) -> Result {
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    withUnsafeMutableBytes(of: &address.sun_path) { buffer in
        for (index, byte) in path.utf8.enumerated() where index < buffer.count - 1 { buffer[index] = byte }
    }
    return withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
    }
}

struct SocketTestFailure: Error, CustomStringConvertible {
    let description: String
}

/// A blocking client socket that a test writes to, as a log shipper would.
final class TestClient {
    private(set) var descriptor: Int32

    init(tcpPort port: UInt16) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        let result = withLoopbackAddress(port: port) { connect(descriptor, $0, $1) }
        guard result == 0 else {
            let message = String(cString: strerror(errno))
            Glibc.close(descriptor)
            throw SocketTestFailure(description: "connect to 127.0.0.1:\(port) failed: \(message)")
        }
    }

    init(unixPath path: String) throws {
        descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        let result = withUnixAddress(path) { connect(descriptor, $0, $1) }
        guard result == 0 else {
            let message = String(cString: strerror(errno))
            Glibc.close(descriptor)
            throw SocketTestFailure(description: "connect to \(path) failed: \(message)")
        }
    }

    deinit { close() }

    @discardableResult
    func send(_ text: String) -> Bool {
        InputWriter(descriptor: descriptor).write(text)
    }

    func close() {
        if descriptor >= 0 { Glibc.close(descriptor) }
        descriptor = -1
    }

    /// Returns whether the peer closes the connection within `timeout`.
    func seesEndOfStream(timeout: Duration) -> Bool {
        var request = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        guard poll(&request, 1, timeout.milliseconds) > 0 else { return false }
        var byte: UInt8 = 0
        return recv(descriptor, &byte, 1, 0) <= 0
    }
}

/// Every socket here is close-on-exec: a logsieve that another test
/// spawns must not inherit it and keep its port or connection open.
///
/// A TCP server on 127.0.0.1 that accepts connections and collects what
/// they send, on a thread of its own. Reading can be paused, to act as a
/// peer that stops reading.
final class TestServer: @unchecked Sendable {
    let port: UInt16
    private let listener: Int32
    private let lock = NSLock()
    private var received: [UInt8] = []
    private var reading: Bool
    private var stopped = false
    private var connections: [Int32] = []
    private let finished = DispatchSemaphore(value: 0)

    /// Listens on `port` again after an earlier server on it stopped,
    /// retrying for up to 10 seconds while the old connections close.
    static func restart(port: UInt16) throws -> TestServer {
        let deadline = ContinuousClock.now + .seconds(10)
        while true {
            do {
                return try TestServer(port: port)
            } catch where ContinuousClock.now < deadline {
                usleep(100_000)
            }
        }
    }

    /// Listens on `port` (0 for any free port) and starts serving.
    init(port: UInt16 = 0, reading: Bool = true) throws {
        self.reading = reading
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        var reuse: Int32 = 1
        setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size))
        let bound = withLoopbackAddress(port: port) { bind(descriptor, $0, $1) }
        guard bound == 0, listen(descriptor, 16) == 0 else {
            let message = String(cString: strerror(errno))
            Glibc.close(descriptor)
            throw SocketTestFailure(description: "listen on 127.0.0.1:\(port) failed: \(message)")
        }
        var address = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        listener = descriptor
        self.port = UInt16(bigEndian: address.sin_port)
        Thread.detachNewThread { [self] in serve() }
    }

    deinit { stop() }

    var address: String { "tcp://127.0.0.1:\(port)" }

    /// The complete lines received so far, in order.
    var lines: [String] {
        let bytes = lock.withLock { received }
        var lines = RunResult.lines(of: String(decoding: bytes, as: UTF8.self))
        if bytes.last != UInt8(ascii: "\n"), !lines.isEmpty { lines.removeLast() }
        return lines
    }

    var byteCount: Int { lock.withLock { received.count } }

    func setReading(_ value: Bool) {
        lock.withLock { reading = value }
    }

    /// Closes the listener and every connection, as a server that stops.
    func stop() {
        let wasStopped = lock.withLock {
            defer { stopped = true }
            return stopped
        }
        guard !wasStopped else { return }
        finished.wait()
    }

    private func serve() {
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while !lock.withLock({ stopped }) {
            var requests = [pollfd(fd: listener, events: Int16(POLLIN), revents: 0)]
            let isReading = lock.withLock { reading }
            if isReading {
                requests += connections.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            }
            guard poll(&requests, nfds_t(requests.count), 50) > 0 else { continue }
            if requests[0].revents != 0 {
                let client = accept(listener, nil, nil)
                if client >= 0 {
                    // Children spawned by other tests must not inherit it.
                    _ = fcntl(client, F_SETFD, FD_CLOEXEC)
                    connections.append(client)
                }
            }
            for request in requests.dropFirst() where request.revents != 0 {
                let count = buffer.withUnsafeMutableBytes { read(request.fd, $0.baseAddress, $0.count) }
                if count > 0 {
                    lock.withLock { received.append(contentsOf: buffer[..<count]) }
                } else if count == 0 || errno != EINTR {
                    Glibc.close(request.fd)
                    connections.removeAll { $0 == request.fd }
                }
            }
        }
        for connection in connections { Glibc.close(connection) }
        Glibc.close(listener)
        finished.signal()
    }
}
