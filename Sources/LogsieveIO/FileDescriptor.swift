import Glibc

/// An `errno` value from a failed system call.
struct Errno: Error, Equatable {
    var code: Int32

    /// Converts the error into an `IOFailure` for `operation` on `path`.
    /// `EPIPE` becomes `.brokenPipe` so that callers can stop quietly when
    /// the reader of a pipeline goes away.
    func failure(_ operation: String, _ path: String) -> IOFailure {
        let reason: IOFailure.Reason
        if code == EPIPE {
            reason = .brokenPipe
        } else if code == EINTR, let signal = StopSignal.current {
            reason = .interrupted(signal: signal)
        } else {
            reason = .system(errno: code)
        }
        return IOFailure(reason: reason, path: path, operation: operation)
    }
}

/// Calls `body` until it returns something other than -1 or fails with an
/// error other than `EINTR`. Every retried system call goes through here.
/// With `stopsOnSignal`, an `EINTR` after a stop signal is thrown instead of
/// retried, so that a read waiting for input returns to its caller.
@inline(__always)
func retryingInterrupts<Result: FixedWidthInteger>(
    stopsOnSignal: Bool = false, _ body: () -> Result
) throws(Errno) -> Result {
    while true {
        let result = body()
        if result != -1 {
            return result
        }
        let code = errno
        if code != EINTR || (stopsOnSignal && StopSignal.current != nil) {
            throw Errno(code: code)
        }
    }
}

/// A thin wrapper around a file descriptor. Each method is one C call that
/// throws `Errno` instead of returning -1.
struct FileDescriptor {
    var rawValue: Int32

    static let standardInput = FileDescriptor(rawValue: STDIN_FILENO)
    static let standardOutput = FileDescriptor(rawValue: STDOUT_FILENO)

    /// Opens `path`. The corresponding C function is `open`, and `mode` only
    /// applies to a file that `O_CREAT` creates.
    static func open(_ path: String, _ flags: Int32, mode: mode_t = 0) throws(Errno) -> FileDescriptor {
        let raw = try retryingInterrupts { Glibc.open(path, flags | O_CLOEXEC, mode) }
        return FileDescriptor(rawValue: raw)
    }

    /// Reads at most `buffer.count` bytes and returns the count, 0 at end of file.
    ///
    /// A descriptor that another process set to non-blocking mode (a shared
    /// pipe or terminal) returns `EAGAIN`, so this waits with `poll` and tries
    /// again to keep the blocking contract.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(Errno) -> Int {
        while true {
            if StopSignal.current != nil { throw Errno(code: EINTR) }
            do {
                return try retryingInterrupts(stopsOnSignal: true) { Glibc.read(rawValue, buffer.baseAddress, buffer.count) }
            } catch where error.code == EAGAIN || error.code == EWOULDBLOCK {
                try waitUntilReady(events: Int16(POLLIN))
            }
        }
    }

    /// Writes every byte of `bytes`, calling `write` again after a short write.
    func writeAll(_ bytes: UnsafeRawBufferPointer) throws(Errno) {
        var offset = 0
        while offset < bytes.count {
            let remaining = UnsafeRawBufferPointer(rebasing: bytes[offset...])
            do {
                offset += try retryingInterrupts { Glibc.write(rawValue, remaining.baseAddress, remaining.count) }
            } catch where error.code == EAGAIN || error.code == EWOULDBLOCK {
                try waitUntilReady(events: Int16(POLLOUT))
            }
        }
    }

    /// Flushes the file's data and metadata to the storage device.
    func sync() throws(Errno) {
        _ = try retryingInterrupts { fsync(rawValue) }
    }

    /// Closes the descriptor.
    ///
    /// `close` is not retried on `EINTR`, because Linux has already released
    /// the descriptor by then and a retry could close one that another
    /// thread just opened.
    func close() throws(Errno) {
        if Glibc.close(rawValue) == -1 {
            let code = errno
            if code != EINTR {
                throw Errno(code: code)
            }
        }
    }

    private func waitUntilReady(events: Int16) throws(Errno) {
        var request = pollfd(fd: rawValue, events: events, revents: 0)
        _ = try retryingInterrupts(stopsOnSignal: true) { poll(&request, 1, -1) }
    }
}
