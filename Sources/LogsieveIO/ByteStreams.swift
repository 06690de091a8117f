/// A source of bytes.
public protocol ByteSource: AnyObject {
    /// The file path, or `standard input`, for error messages.
    var name: String { get }

    /// Reads up to `buffer.count` bytes into `buffer` and returns the count.
    ///
    /// Returns 0 only at the end of the input, so `buffer` must not be empty.
    /// A read interrupted by a signal (`EINTR`) is retried inside.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(IOFailure) -> Int

    /// Releases the file descriptor and any decompression context. Reading
    /// after `close` is a programming error.
    func close()
}

/// A sink of bytes.
public protocol ByteSink: AnyObject {
    /// The file path, or `standard output`, for error messages.
    var name: String { get }

    /// Writes all of `bytes` or throws. A closed pipe (`EPIPE`) throws
    /// `.brokenPipe`; the caller must ignore `SIGPIPE` to receive it.
    func write(_ bytes: UnsafeRawBufferPointer) throws(IOFailure)

    /// Passes any bytes held by this sink on to the operating system. It does
    /// not call `fsync`.
    func flush() throws(IOFailure)

    /// Finishes the output (a compressed sink ends its frame) and closes the
    /// file. A second call does nothing.
    func close() throws(IOFailure)
}
