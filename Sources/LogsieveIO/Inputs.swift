import Glibc

/// Opens inputs: files or standard input, plain or compressed.
public enum Inputs {
    /// Opens a file, or standard input for nil or `-`.
    ///
    /// The first bytes select the format: zstd (magic `28 B5 2F FD`, or a
    /// skippable frame) and gzip (`1F 8B`) return a decompressing source, and
    /// anything else, including a file shorter than a magic number, passes
    /// through unchanged. Detection reads ahead and keeps those bytes, so it
    /// works on pipes. Concatenated zstd frames and multi-member gzip files
    /// decompress fully. Corrupt or truncated compressed input throws
    /// `.corruptInput`, with the byte offset in the compressed input.
    ///
    /// - Throws: `IOFailure` with operation `open` when the file cannot be
    ///   opened, or `read` when its first bytes cannot be read.
    public static func open(path: String?) throws(IOFailure) -> ByteSource {
        guard let path, path != "-" else {
            return try open(descriptor: .standardInput, name: "standard input", ownsDescriptor: false)
        }
        let descriptor: FileDescriptor
        do {
            // Opening a FIFO waits for a writer, so a stop signal must end the wait.
            let raw = try retryingInterrupts(stopsOnSignal: true) { Glibc.open(path, O_RDONLY | O_CLOEXEC) }
            descriptor = FileDescriptor(rawValue: raw)
        } catch {
            throw error.failure("open", path)
        }
        return try open(descriptor: descriptor, name: path, ownsDescriptor: true)
    }

    /// Wraps an open descriptor in a source that detects the compression.
    /// The descriptor is closed if detection fails and `ownsDescriptor` is true.
    static func open(descriptor: FileDescriptor, name: String, ownsDescriptor: Bool) throws(IOFailure) -> ByteSource {
        let file = FileSource(descriptor: descriptor, name: name, ownsDescriptor: ownsDescriptor)
        let (format, prefix) = try detectFormat(of: file)
        let source = PrefixedSource(prefix: prefix, base: file)
        switch format {
        case .none:
            return source
        case .zstd:
            return try ZstdSource(compressed: source)
        case .gzip:
            return try GzipSource(compressed: source)
        }
    }

    /// Reads until the first bytes decide the format or the input ends, and
    /// returns the format with the bytes read.
    private static func detectFormat(of source: ByteSource) throws(IOFailure) -> (CompressionFormat, [UInt8]) {
        var prefix: [UInt8] = []
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: CompressionFormat.magicLength, alignment: 1)
        defer { chunk.deallocate() }
        while true {
            if let format = CompressionFormat.detect(prefix) {
                return (format, prefix)
            }
            // A read returns what is available without waiting for the whole
            // request, so a pipe may deliver the magic number in pieces.
            let missing = CompressionFormat.magicLength - prefix.count
            let count = try source.read(into: UnsafeMutableRawBufferPointer(rebasing: chunk[..<missing]))
            if count == 0 {
                return (.none, prefix)
            }
            prefix += chunk[..<count]
        }
    }
}
