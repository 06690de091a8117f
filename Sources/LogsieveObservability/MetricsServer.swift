import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The HTTP/1.1 endpoint of `--metrics`: `/metrics`, `/healthz`, `/readyz`.
///
/// A thread of its own accepts connections and hands each to a short-lived
/// thread, so one slow client does not hold up another. The pipeline waits
/// for a scrape only while the registry's lock is held to copy the values. Each connection gets `ioTimeout` seconds to
/// send its request and to take the response, a request is at most
/// `HTTPRequest.maxBytes`, and at most `maxConnections` are served at once
/// (the next ones get 503). Every response closes the connection.
public final class MetricsServer: Sendable {
    public struct StartError: Error, Sendable {
        public let message: String
    }

    /// The bound address, with the port the kernel chose for `tcp://…:0`.
    public let address: ListenAddress
    let registry: MetricsRegistry
    let health: HealthState
    let log: Logger
    private let listener: Int32
    private let openConnections = Atomic<Int>(0)
    static let maxConnections = 16
    static let ioTimeout = 5

    /// Binds and listens; `start()` begins accepting.
    public init(address: ListenAddress, registry: MetricsRegistry = .shared, health: HealthState = .shared, log: Logger)
        throws(StartError)
    {
        guard var socketAddress = SocketAddress(address) else {
            throw StartError(message: "invalid metrics address \(address)")
        }
        let descriptor = socket(socketAddress.family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else {
            throw StartError(message: "cannot create the metrics socket: \(String(cString: strerror(errno)))")
        }
        var one: Int32 = 1
        setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        let bound = withUnsafePointer(to: &socketAddress.storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socketAddress.length) }
        }
        guard bound == 0, listen(descriptor, 64) == 0 else {
            let reason = String(cString: strerror(errno))
            close(descriptor)
            throw StartError(message: "cannot listen for metrics on \(address): \(reason)")
        }
        var actual = address
        actual.port = SocketAddress.boundPort(of: descriptor) ?? address.port
        self.address = actual
        self.registry = registry
        self.health = health
        self.log = log
        listener = descriptor
        registry.register(.residentMemory)
    }

    public func start() {
        let thread = Thread { [self] in acceptLoop() }
        thread.name = "logsieve-metrics"
        thread.start()
    }

    private func acceptLoop() {
        while true {
            let connection = accept(listener, nil, nil)
            if connection < 0 {
                if errno == EINTR || errno == ECONNABORTED { continue }
                // EMFILE and the like: wait, rather than spin, until a descriptor frees up.
                log.logLimited(.error, "metrics endpoint cannot accept a connection: \(String(cString: strerror(errno)))")
                usleep(100_000)
                continue
            }
            // Glibc's accept4 is not visible to Swift; no exec runs in this
            // process, so the flag set afterwards closes no window.
            _ = fcntl(connection, F_SETFD, FD_CLOEXEC)
            setTimeouts(connection)
            if openConnections.add(1, ordering: .relaxed).newValue > Self.maxConnections {
                openConnections.subtract(1, ordering: .relaxed)
                log.logLimited(.warning, "metrics endpoint busy; rejected a connection",
                               [("peer", SocketAddress.peerDescription(of: connection)),
                                ("limit", String(Self.maxConnections))])
                send(HTTPResponse(status: 503, body: "too many connections\n"), to: connection, includesBody: true)
                close(connection)
                continue
            }
            Thread.detachNewThread { [self] in
                serve(connection)
                close(connection)
                openConnections.subtract(1, ordering: .relaxed)
            }
        }
    }

    private func setTimeouts(_ connection: Int32) {
        var timeout = timeval(tv_sec: Self.ioTimeout, tv_usec: 0)
        setsockopt(connection, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(connection, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    private func serve(_ connection: Int32) {
        let request: HTTPRequest
        switch HTTPRequest.read(from: connection) {
        case .success(let parsed):
            request = parsed
        case .failure(let failure):
            log.logLimited(.debug, "metrics endpoint rejected a request: \(failure.reason)",
                           [("peer", SocketAddress.peerDescription(of: connection))])
            if let status = failure.status {
                send(HTTPResponse(status: status, body: failure.reason + "\n"), to: connection, includesBody: true)
            }
            return
        }
        guard request.method == "GET" || request.method == "HEAD" else {
            var response = HTTPResponse(status: 405, body: "only GET and HEAD\n")
            response.headers.append(("Allow", "GET, HEAD"))
            send(response, to: connection, includesBody: true)
            return
        }
        send(response(for: request.path), to: connection, includesBody: request.method == "GET")
    }

    func response(for path: String) -> HTTPResponse {
        switch path {
        case "/metrics":
            if let resident = ProcessMetrics.residentBytes() { registry.set(.residentMemory, to: resident) }
            var response = HTTPResponse(status: 200, body: registry.exposition())
            response.contentType = PrometheusText.contentType
            return response
        case "/healthz":
            if let reason = health.wedgedReason() { return HTTPResponse(status: 503, body: reason + "\n") }
            return HTTPResponse(status: 200, body: "ok\n")
        case "/readyz":
            if health.isReady { return HTTPResponse(status: 200, body: "ready\n") }
            return HTTPResponse(status: 503, body: "not ready: \(health.reasonNotReady)\n")
        default:
            return HTTPResponse(status: 404, body: "not found; the endpoints are /metrics, /healthz and /readyz\n")
        }
    }

    private func send(_ response: HTTPResponse, to connection: Int32, includesBody: Bool) {
        var bytes = Array(response.head().utf8)
        if includesBody { bytes += Array(response.body.utf8) }
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.send(connection, buffer.baseAddress! + offset, buffer.count - offset, Int32(MSG_NOSIGNAL))
                if written < 0 && errno == EINTR { continue }
                guard written > 0 else { return }
                offset += written
            }
        }
    }
}
