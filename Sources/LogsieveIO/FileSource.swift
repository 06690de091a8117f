/// A `ByteSource` that reads a file descriptor directly, without a buffer of
/// its own, because the caller already reads in large blocks.
final class FileSource: ByteSource {
    let name: String
    private let descriptor: FileDescriptor
    /// False for standard input, which belongs to the process.
    private let ownsDescriptor: Bool
    private var isClosed = false

    init(descriptor: FileDescriptor, name: String, ownsDescriptor: Bool) {
        self.descriptor = descriptor
        self.name = name
        self.ownsDescriptor = ownsDescriptor
    }

    deinit {
        close()
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(IOFailure) -> Int {
        precondition(!buffer.isEmpty, "read(into:) needs a non-empty buffer, because 0 means end of input")
        precondition(!isClosed, "read(into:) called on the closed source \(name)")
        do {
            return try descriptor.read(into: buffer)
        } catch {
            throw error.failure("read", name)
        }
    }

    func close() {
        guard !isClosed else { return }
        isClosed = true
        if ownsDescriptor {
            // A failed close after reading loses no data, so the error is dropped.
            try? descriptor.close()
        }
    }
}
