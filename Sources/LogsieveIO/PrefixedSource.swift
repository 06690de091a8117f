/// A `ByteSource` that returns bytes already read from `base` before it
/// reads from `base` again.
///
/// Format detection reads the first bytes of the input, and a pipe cannot
/// seek back, so those bytes are kept here instead of being lost.
final class PrefixedSource: ByteSource {
    private let base: ByteSource
    private var prefix: [UInt8]
    private var prefixOffset = 0

    var name: String { base.name }

    init(prefix: [UInt8], base: ByteSource) {
        self.prefix = prefix
        self.base = base
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(IOFailure) -> Int {
        precondition(!buffer.isEmpty, "read(into:) needs a non-empty buffer, because 0 means end of input")
        guard prefixOffset < prefix.count else {
            return try base.read(into: buffer)
        }

        // Return only the prefix, without a second read from `base`, because
        // on a pipe that read could wait for more input while these bytes
        // are already available.
        let count = min(buffer.count, prefix.count - prefixOffset)
        prefix.withUnsafeBytes { bytes in
            buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[prefixOffset..<prefixOffset + count]))
        }
        prefixOffset += count
        if prefixOffset == prefix.count {
            prefix = []
            prefixOffset = 0
        }
        return count
    }

    func close() {
        base.close()
    }
}
