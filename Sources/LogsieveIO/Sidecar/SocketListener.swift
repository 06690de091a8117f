import Glibc

/// A non-blocking listening socket for `--listen`.
public final class SocketListener {
    /// The address it listens on, with the port filled in for port 0.
    public let address: SocketAddress
    public let descriptor: Int32
    private var isClosed = false

    private init(address: SocketAddress, descriptor: Int32) {
        self.address = address
        self.descriptor = descriptor
    }

    deinit { close() }

    /// Binds and listens on `address`.
    ///
    /// A Unix socket file is created with `mode` (the umask is cleared for
    /// the `bind` call, so the mode is exact). An existing socket file is
    /// replaced only when connecting to it is refused, because then no
    /// process listens on it any more. Any other file at the path is an error.
    public static func listen(on address: SocketAddress, mode: mode_t, backlog: Int32 = 128) throws(IOFailure) -> SocketListener {
        let name = address.description
        let family: Int32
        let socketAddress: [UInt8]
        switch address {
        case .tcp(let host, let port):
            (family, socketAddress) = try Socket.resolve(host: host, port: port, passive: true)
        case .unix(let path):
            try removeStaleSocket(path)
            (family, socketAddress) = (AF_UNIX, Socket.unixAddress(path))
        }
        let descriptor: Int32
        do {
            descriptor = try Socket.create(family: family, nonBlocking: true)
        } catch {
            throw error.failure("create a socket for", name)
        }
        var reuse: Int32 = 1
        if family != AF_UNIX {
            setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size))
        }

        // The socket file gets its mode from the umask at bind time, so the
        // umask is set for that call only. NOTE: umask is process-wide, and
        // a file created by another thread during this call gets it too.
        let previousMask = family == AF_UNIX ? umask(~mode & 0o777) : 0
        let bound = socketAddress.withUnsafeBytes { buffer in
            bind(descriptor, buffer.baseAddress!.assumingMemoryBound(to: sockaddr.self), socklen_t(buffer.count))
        }
        let bindError = errno
        if family == AF_UNIX { umask(previousMask) }
        guard bound == 0 else {
            Glibc.close(descriptor)
            throw Errno(code: bindError).failure("bind", name)
        }
        if case .unix(let path) = address { chmod(path, mode) }
        guard Glibc.listen(descriptor, backlog) == 0 else {
            let code = errno
            Glibc.close(descriptor)
            throw Errno(code: code).failure("listen on", name)
        }

        var actual = address
        if case .tcp(let host, 0) = address, let port = Socket.boundPort(descriptor) {
            actual = .tcp(host: host, port: port)
        }
        return SocketListener(address: actual, descriptor: descriptor)
    }

    /// Removes a Unix socket file that nothing listens on.
    private static func removeStaleSocket(_ path: String) throws(IOFailure) {
        var status = stat()
        guard lstat(path, &status) == 0 else { return }
        guard status.st_mode & S_IFMT == S_IFSOCK else {
            throw IOFailure(reason: .unsupported("the path exists and is not a socket; remove it or choose another path"),
                            path: "unix:\(path)", operation: "listen on")
        }
        let probe: Int32
        do {
            probe = try Socket.create(family: AF_UNIX, nonBlocking: false)
        } catch {
            throw error.failure("create a socket for", "unix:\(path)")
        }
        defer { Glibc.close(probe) }
        do {
            try Socket.connect(probe, to: Socket.unixAddress(path), timeoutMilliseconds: 1000)
        } catch where error.code == ECONNREFUSED {
            unlink(path)
            return
        } catch {
            throw error.failure("check the existing socket", "unix:\(path)")
        }
        throw IOFailure(reason: .unsupported("another process listens on it"), path: "unix:\(path)", operation: "listen on")
    }

    /// Accepts one pending connection, or returns nil when there is none.
    public func accept() throws(IOFailure) -> SocketConnection? {
        while true {
            // accept4 is not visible to Swift through Glibc, so the flags are set after accept.
            let client = Glibc.accept(descriptor, nil, nil)
            if client >= 0 {
                Socket.setNonBlocking(client)
                _ = fcntl(client, F_SETFD, FD_CLOEXEC)
                return SocketConnection(descriptor: client, listener: address)
            }
            let code = errno
            switch code {
            case EINTR:
                continue
            case EAGAIN, EWOULDBLOCK, ECONNABORTED, EPROTO:
                // The client went away before it was accepted, or none is waiting.
                return nil
            default:
                throw Errno(code: code).failure("accept on", address.description)
            }
        }
    }

    /// Closes the socket and removes a Unix socket file. A second call does nothing.
    public func close() {
        guard !isClosed else { return }
        isClosed = true
        Glibc.close(descriptor)
        if case .unix(let path) = address { unlink(path) }
    }
}

/// One accepted, non-blocking client connection.
public final class SocketConnection {
    public let descriptor: Int32
    /// The listener's address, for messages.
    public let listener: SocketAddress
    private var isClosed = false

    public enum ReadResult: Equatable {
        case bytes(Int)
        case wouldBlock
        case endOfStream
    }

    init(descriptor: Int32, listener: SocketAddress) {
        self.descriptor = descriptor
        self.listener = listener
    }

    deinit { close() }

    /// Reads what is available without waiting.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(IOFailure) -> ReadResult {
        while true {
            let count = Glibc.read(descriptor, buffer.baseAddress, buffer.count)
            if count > 0 { return .bytes(count) }
            if count == 0 { return .endOfStream }
            let code = errno
            switch code {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: return .wouldBlock
            default: throw Errno(code: code).failure("read from a client of", listener.description)
            }
        }
    }

    public func close() {
        guard !isClosed else { return }
        isClosed = true
        Glibc.close(descriptor)
    }
}
