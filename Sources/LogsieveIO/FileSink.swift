/// A `ByteSink` that writes to a file descriptor directly.
///
/// It keeps no buffer, because the caller batches its writes, and a buffer
/// here would only add a copy and delay output on a pipe.
final class FileSink: ByteSink {
    let name: String
    private let descriptor: FileDescriptor
    /// False for standard output, which belongs to the process.
    private let ownsDescriptor: Bool
    private var isClosed = false

    init(descriptor: FileDescriptor, name: String, ownsDescriptor: Bool) {
        self.descriptor = descriptor
        self.name = name
        self.ownsDescriptor = ownsDescriptor
    }

    deinit {
        // A sink dropped without close() still releases its descriptor, but
        // the error, if any, is lost.
        try? close()
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws(IOFailure) {
        precondition(!isClosed, "write(_:) called on the closed sink \(name)")
        do {
            try descriptor.writeAll(bytes)
        } catch {
            throw error.failure("write", name)
        }
    }

    func flush() throws(IOFailure) {
        // Every write already reached the operating system.
    }

    func close() throws(IOFailure) {
        guard !isClosed else { return }
        isClosed = true
        guard ownsDescriptor else { return }
        // Some file systems (NFS, FUSE) report a failed write only at close.
        do {
            try descriptor.close()
        } catch {
            throw error.failure("close", name)
        }
    }
}
