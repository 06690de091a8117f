import Foundation
import Glibc

/// `-o tcp://HOST:PORT` or `-o unix:PATH`: a `ByteSink` that sends to a
/// stream socket from a thread of its own, through a bounded buffer.
///
/// `write` copies into the buffer and returns at once while there is room.
/// When the buffer is full, `write` waits, so the caller stops reading its
/// input until the peer takes more: input is paused, never dropped. The
/// sender connects on first use and reconnects after a failure, with a
/// backoff from 100 ms doubling to 5 s. Bytes are removed from the buffer
/// only once a whole line was handed to the kernel, so after a reconnect a
/// partly sent line is sent again from its start and no line is split
/// across connections.
///
/// While the peer takes no bytes (unreachable, or connected but not
/// reading), a warning is logged after `stallWarningDelay` seconds and then
/// every `stallWarningInterval` seconds until bytes move again.
///
/// NOTE: bytes the kernel accepted on a connection that then failed may be
/// lost, because a stream socket does not say what the peer received.
public final class SocketSink: ByteSink, @unchecked Sendable {
    public let address: SocketAddress
    public var name: String { address.description }
    let capacity: Int
    let drainTimeout: Double
    private let metrics: SidecarMetrics
    private let log: @Sendable (String) -> Void

    /// Guards everything below.
    private let condition = NSCondition()
    private var buffer: [UInt8] = []
    /// The index of the first byte not yet removed from `buffer`.
    private var head = 0
    /// Bytes after `head` already sent on the current connection: the
    /// start of a line that is not sent whole yet.
    private var sentInLine = 0
    private var closing = false
    private var abandoned = false
    private var senderFinished = false
    private var connectedOnce = false
    /// Lines that could not be delivered before the drain timeout.
    private var undelivered = 0
    private var delivered = 0
    private var stopDeadline: Date?
    private var isClosed = false

    /// Seconds without progress before the first stall warning.
    static let stallWarningDelay = 10.0
    /// Seconds between stall warnings while the stall lasts.
    static let stallWarningInterval = 60.0

    /// - Parameters:
    ///   - capacity: the maximum bytes held (`--output-buffer-bytes`).
    ///   - drainTimeout: seconds that `close` and a stop signal wait for
    ///     the peer to take the rest.
    public init(address: SocketAddress, capacity: Int, drainTimeout: Double, metrics: SidecarMetrics,
                log: @escaping @Sendable (String) -> Void) {
        self.address = address
        self.capacity = capacity
        self.drainTimeout = drainTimeout
        self.metrics = metrics
        self.log = log
        buffer.reserveCapacity(capacity)
        let thread = Thread { [self] in sendUntilClosed() }
        thread.name = "logsieve output socket"
        thread.start()
    }

    /// Lines that were not delivered: set after `close`, or after a stop
    /// signal made `write` give up waiting.
    public var undeliveredLines: Int {
        condition.withLock { undelivered }
    }

    /// Bytes the kernel accepted for the peer so far, counted at line ends.
    public var bytesDelivered: Int {
        condition.withLock { delivered }
    }

    public func write(_ bytes: UnsafeRawBufferPointer) throws(IOFailure) {
        precondition(!isClosed, "write(_:) called on the closed sink \(name)")
        condition.lock()
        defer { condition.unlock() }
        // A write larger than the whole buffer waits for an empty buffer.
        while pendingCount > 0 && pendingCount + bytes.count > capacity {
            if StopSignal.current != nil {
                let deadline = stopDeadline ?? Date().addingTimeInterval(drainTimeout)
                stopDeadline = deadline
                if Date() >= deadline || abandoned {
                    undelivered += Self.lineCount(bytes)
                    return
                }
            }
            _ = condition.wait(until: Date().addingTimeInterval(0.2))
        }
        compact(incoming: bytes.count)
        buffer.append(contentsOf: bytes)
        condition.broadcast()
    }

    public func flush() throws(IOFailure) {}

    /// Waits up to `drainTimeout` for the peer to take the buffer, then
    /// stops the sender. What is left is counted in `undeliveredLines`.
    public func close() throws(IOFailure) {
        guard !isClosed else { return }
        isClosed = true
        condition.lock()
        closing = true
        condition.broadcast()
        let deadline = Date().addingTimeInterval(drainTimeout)
        while pendingCount > 0 && Date() < deadline && !senderFinished {
            _ = condition.wait(until: min(deadline, Date().addingTimeInterval(0.1)))
        }
        if pendingCount > 0 {
            undelivered += buffer.withUnsafeBytes { Self.lineCount(UnsafeRawBufferPointer(rebasing: $0[head...])) }
            head = buffer.count
            sentInLine = 0
        }
        abandoned = true
        condition.broadcast()
        while !senderFinished {
            _ = condition.wait(until: Date().addingTimeInterval(0.1))
        }
        condition.unlock()
    }

    private var pendingCount: Int { buffer.count - head }

    /// Moves the pending bytes to the front once the removed part is large.
    private func compact(incoming: Int) {
        guard head > 0, head >= buffer.count / 2 || buffer.count + incoming > capacity else { return }
        buffer.removeSubrange(..<head)
        head = 0
    }

    /// Complete lines plus a trailing partial line.
    private static func lineCount(_ bytes: UnsafeRawBufferPointer) -> Int {
        var count = 0
        for byte in bytes where byte == 0x0A { count += 1 }
        if let last = bytes.last, last != 0x0A { count += 1 }
        return count
    }

    // MARK: The sender thread

    private func sendUntilClosed() {
        // SIGTERM and SIGINT must reach the thread that reads the input, so
        // that a read waiting there returns, and never this one.
        var signals = sigset_t()
        sigemptyset(&signals)
        sigaddset(&signals, SIGTERM)
        sigaddset(&signals, SIGINT)
        pthread_sigmask(SIG_BLOCK, &signals, nil)

        var descriptor: Int32 = -1
        var backoff = 0.1
        var failuresSinceConnect = 0
        let chunkSize = 64 * 1024
        var chunk = [UInt8](repeating: 0, count: chunkSize)
        var stall = StallWarning(delay: Self.stallWarningDelay, interval: Self.stallWarningInterval)
        var lastError = "the peer is not reading"
        while true {
            condition.lock()
            if pendingCount == sentInLine { stall.progressed() }
            while pendingCount == sentInLine && !closing && !abandoned {
                _ = condition.wait(until: Date().addingTimeInterval(0.5))
                // Notice a peer that closed while there is nothing to send,
                // so that the old connection is released at once.
                if descriptor >= 0 && peerHasClosed(descriptor) {
                    log("the output \(name) closed the connection; reconnecting when there is output")
                    Glibc.close(descriptor)
                    descriptor = -1
                    sentInLine = 0
                }
            }
            if abandoned || (closing && pendingCount == 0) {
                senderFinished = true
                condition.broadcast()
                condition.unlock()
                break
            }
            let start = head + sentInLine
            let count = min(chunkSize, buffer.count - start)
            chunk.withUnsafeMutableBytes { target in
                buffer.withUnsafeBytes { source in
                    target.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[start..<(start + count)]))
                }
            }
            let waiting = pendingCount
            condition.unlock()
            guard count > 0 else { continue }
            if let seconds = stall.secondsToReport() {
                let state = descriptor >= 0 ? "connected, but the peer is not reading" : lastError
                log("the output \(name) has taken no bytes for \(seconds) s (\(state)); \(waiting) byte(s) wait in the output buffer, and input is paused while it is full")
            }

            if descriptor < 0 {
                do {
                    descriptor = try connect()
                    if connectedOnce {
                        metrics.update { $0.outputReconnects += 1 }
                        log("reconnected to the output \(name) after \(failuresSinceConnect) failed attempt(s)")
                    }
                    connectedOnce = true
                    failuresSinceConnect = 0
                    backoff = 0.1
                } catch {
                    metrics.update { $0.outputConnectFailures += 1 }
                    lastError = "cannot connect: \(String(cString: strerror(error.code)))"
                    if failuresSinceConnect == 0 {
                        log("cannot connect to the output \(name): \(String(cString: strerror(error.code))); retrying with backoff")
                    }
                    failuresSinceConnect += 1
                    pause(seconds: backoff)
                    backoff = min(backoff * 2, 5)
                    continue
                }
            }

            let sent = send(descriptor, chunk, count)
            if sent < 0 {
                let code = Int32(-sent)
                let reason = code == ECONNRESET ? "the peer closed the connection" : String(cString: strerror(code))
                log("lost the connection to the output \(name): \(reason); reconnecting")
                Glibc.close(descriptor)
                descriptor = -1
                condition.withLock { sentInLine = 0 }
                continue
            }
            if sent > 0 {
                stall.progressed()
                metrics.update { $0.bytesSent += sent }
                condition.withLock { advance(by: sent) }
            }
        }
        if descriptor >= 0 { Glibc.close(descriptor) }
    }

    /// Records `count` more bytes sent and removes the lines now complete.
    private func advance(by count: Int) {
        let sentEnd = head + sentInLine + count
        var lineEnd: Int? = nil
        var index = sentEnd - 1
        while index >= head + sentInLine {
            if buffer[index] == 0x0A { lineEnd = index + 1; break }
            index -= 1
        }
        if let lineEnd {
            let lines = buffer.withUnsafeBytes { Self.lineCount(UnsafeRawBufferPointer(rebasing: $0[head..<lineEnd])) }
            metrics.update { $0.linesDelivered += lines }
            delivered += lineEnd - head
            head = lineEnd
            sentInLine = sentEnd - lineEnd
        } else {
            sentInLine += count
        }
        condition.broadcast()
    }

    private func connect() throws(Errno) -> Int32 {
        let family: Int32
        let socketAddress: [UInt8]
        switch address {
        case .tcp(let host, let port):
            do {
                (family, socketAddress) = try Socket.resolve(host: host, port: port, passive: false)
            } catch {
                throw Errno(code: EHOSTUNREACH)
            }
        case .unix(let path):
            (family, socketAddress) = (AF_UNIX, Socket.unixAddress(path))
        }
        let descriptor = try Socket.create(family: family, nonBlocking: true)
        do {
            try Socket.connect(descriptor, to: socketAddress, timeoutMilliseconds: 2000)
        } catch {
            Glibc.close(descriptor)
            throw error
        }
        return descriptor
    }

    /// Sends up to `count` bytes, waiting at most 200 ms for the socket to
    /// take any. Returns the count sent (0 on timeout), or -errno.
    private func send(_ descriptor: Int32, _ bytes: [UInt8], _ count: Int) -> Int {
        // POLLRDHUP (0x2000 on Linux) reports a peer that closed its side,
        // so a restarted server is noticed before bytes go into the old
        // connection. logsieve never expects data from the peer.
        let peerClosed = Int16(0x2000) | Int16(POLLHUP) | Int16(POLLERR)
        var request = pollfd(fd: descriptor, events: Int16(POLLOUT) | Int16(0x2000), revents: 0)
        let ready = poll(&request, 1, 200)
        if ready <= 0 { return 0 }
        if request.revents & peerClosed != 0 { return -Int(ECONNRESET) }
        let sent = bytes.withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, count, Int32(MSG_NOSIGNAL)) }
        if sent >= 0 { return sent }
        let code = errno
        return code == EAGAIN || code == EWOULDBLOCK || code == EINTR ? 0 : -Int(code)
    }

    /// Returns whether the peer closed its side: POLLRDHUP (0x2000 on Linux), a
    /// hang-up or an error, checked without waiting.
    private func peerHasClosed(_ descriptor: Int32) -> Bool {
        var request = pollfd(fd: descriptor, events: Int16(0x2000), revents: 0)
        return poll(&request, 1, 0) > 0 && request.revents & (Int16(0x2000) | Int16(POLLHUP) | Int16(POLLERR)) != 0
    }

    /// Sleeps for the backoff, waking early when the sink is abandoned.
    private func pause(seconds: Double) {
        condition.lock()
        let until = Date().addingTimeInterval(seconds)
        while !abandoned && Date() < until {
            _ = condition.wait(until: until)
        }
        condition.unlock()
    }
}
