import Glibc

/// A stream socket address from the command line: `tcp://HOST:PORT` or
/// `unix:/path.sock`.
public enum SocketAddress: Equatable, Sendable, CustomStringConvertible {
    /// A TCP address. HOST is a numeric IPv4 or IPv6 address (IPv6 in
    /// brackets) or a name that `getaddrinfo` resolves.
    case tcp(host: String, port: UInt16)
    case unix(path: String)

    /// Parses `tcp://HOST:PORT` or `unix:PATH`. Returns nil for any other text,
    /// so that a file name is never taken for a socket by accident.
    public init?(_ text: String) {
        if text.hasPrefix("unix:") {
            var path = String(text.dropFirst(5))
            // Also accept the URL form unix:///path.
            if path.hasPrefix("//") { path.removeFirst(2) }
            // sun_path has room for 108 bytes including the terminating zero.
            guard !path.isEmpty, path.utf8.count < 108 else { return nil }
            self = .unix(path: path)
            return
        }
        guard text.hasPrefix("tcp://") else { return nil }
        let rest = text.dropFirst(6)
        guard let colon = rest.lastIndex(of: ":") else { return nil }
        var host = String(rest[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty, let port = UInt16(rest[rest.index(after: colon)...]) else { return nil }
        self = .tcp(host: host, port: port)
    }

    /// True for text that names a socket (`tcp://` or `unix:`), valid or not.
    public static func looksLikeSocket(_ text: String) -> Bool {
        text.hasPrefix("tcp://") || text.hasPrefix("unix:")
    }

    public var description: String {
        switch self {
        case .tcp(let host, let port):
            return host.contains(":") ? "tcp://[\(host)]:\(port)" : "tcp://\(host):\(port)"
        case .unix(let path):
            return "unix:\(path)"
        }
    }
}

/// The C socket calls behind the listener, the connections and the output
/// socket, each throwing `Errno` instead of returning -1.
enum Socket {
    /// Resolves a TCP address to `sockaddr` bytes with `getaddrinfo`.
    static func resolve(host: String, port: UInt16, passive: Bool) throws(IOFailure) -> (family: Int32, address: [UInt8]) {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = passive ? AI_PASSIVE : 0
        var list: UnsafeMutablePointer<addrinfo>? = nil
        let result = getaddrinfo(host, String(port), &hints, &list)
        guard result == 0, let first = list else {
            let message = String(cString: gai_strerror(result))
            throw IOFailure(reason: .unsupported(message), path: "tcp://\(host):\(port)", operation: "resolve")
        }
        defer { freeaddrinfo(list) }
        let bytes = UnsafeRawBufferPointer(start: first.pointee.ai_addr, count: Int(first.pointee.ai_addrlen))
        return (first.pointee.ai_family, Array(bytes))
    }

    /// Returns the `sockaddr_un` bytes for `path`.
    static func unixAddress(_ path: String) -> [UInt8] {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            for (index, byte) in path.utf8.enumerated() where index < buffer.count - 1 { buffer[index] = byte }
        }
        return withUnsafeBytes(of: &address) { Array($0) }
    }

    /// Creates a stream socket with close-on-exec, non-blocking when asked.
    static func create(family: Int32, nonBlocking: Bool) throws(Errno) -> Int32 {
        var type = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
        if nonBlocking { type |= Int32(SOCK_NONBLOCK.rawValue) }
        return try retryingInterrupts { Glibc.socket(family, type, 0) }
    }

    static func setNonBlocking(_ descriptor: Int32) {
        let flags = fcntl(descriptor, F_GETFL)
        _ = fcntl(descriptor, F_SETFL, flags | O_NONBLOCK)
    }

    /// Connects `descriptor`, waiting at most `timeoutMilliseconds`.
    static func connect(_ descriptor: Int32, to address: [UInt8], timeoutMilliseconds: Int32) throws(Errno) {
        setNonBlocking(descriptor)
        let result = address.withUnsafeBytes { buffer in
            Glibc.connect(descriptor, buffer.baseAddress!.assumingMemoryBound(to: sockaddr.self), socklen_t(buffer.count))
        }
        if result == 0 { return }
        let code = errno
        guard code == EINPROGRESS || code == EINTR else { throw Errno(code: code) }
        var request = pollfd(fd: descriptor, events: Int16(POLLOUT), revents: 0)
        let ready = poll(&request, 1, timeoutMilliseconds)
        if ready == 0 { throw Errno(code: ETIMEDOUT) }
        if ready < 0 { throw Errno(code: errno) }
        var failure: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        getsockopt(descriptor, SOL_SOCKET, SO_ERROR, &failure, &length)
        if failure != 0 { throw Errno(code: failure) }
    }

    /// Returns the port a TCP socket is bound to, for a listener on port 0.
    static func boundPort(_ descriptor: Int32) -> UInt16? {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let result = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        guard result == 0 else { return nil }
        switch Int32(storage.ss_family) {
        case AF_INET:
            return withUnsafeBytes(of: &storage) { UInt16(bigEndian: $0.load(fromByteOffset: 2, as: UInt16.self)) }
        case AF_INET6:
            return withUnsafeBytes(of: &storage) { UInt16(bigEndian: $0.load(fromByteOffset: 2, as: UInt16.self)) }
        default:
            return nil
        }
    }
}
