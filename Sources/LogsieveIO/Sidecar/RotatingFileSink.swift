import Glibc

/// `-o FILE --rotate-bytes N --rotate-keep K`: appends to FILE and, before
/// FILE would grow past N bytes, renames FILE.K-1 to FILE.K, ..., FILE to
/// FILE.1 and starts a new FILE with mode 0600. FILE.K is replaced.
///
/// Rotation happens only at a line boundary, so no line is split across
/// files. A single line longer than N goes into a file of its own, and
/// that file is renamed when the next bytes are written. The
/// caller must write whole lines, as `OutputWriter` does.
public final class RotatingFileSink: ByteSink {
    public let name: String
    let maxBytes: Int
    let keep: Int
    let options: OutputOptions
    private var descriptor: FileDescriptor
    private var size: Int
    private var isClosed = false
    /// Called after each rotation.
    private let didRotate: () -> Void

    /// Opens FILE for appending, creating it with `options.mode` if missing.
    /// A path that is a symbolic link is rejected unless `options.allowSymlink`.
    public init(path: String, maxBytes: Int, keep: Int, options: OutputOptions, didRotate: @escaping () -> Void) throws(IOFailure) {
        precondition(maxBytes > 0 && keep > 0)
        name = path
        self.maxBytes = maxBytes
        self.keep = keep
        self.options = options
        self.didRotate = didRotate
        descriptor = try Self.openForAppend(path, options)
        var status = stat()
        size = fstat(descriptor.rawValue, &status) == 0 ? Int(status.st_size) : 0
    }

    deinit { try? close() }

    private static func openForAppend(_ path: String, _ options: OutputOptions) throws(IOFailure) -> FileDescriptor {
        var flags = O_WRONLY | O_CREAT | O_APPEND
        if !options.allowSymlink { flags |= O_NOFOLLOW }
        do {
            return try FileDescriptor.open(path, flags, mode: options.mode)
        } catch where error.code == ELOOP && !options.allowSymlink {
            throw IOFailure(reason: .refusedSymlink, path: path, operation: "create")
        } catch {
            throw error.failure("create", path)
        }
    }

    public func write(_ bytes: UnsafeRawBufferPointer) throws(IOFailure) {
        precondition(!isClosed, "write(_:) called on the closed sink \(name)")
        var remaining = bytes
        while !remaining.isEmpty {
            if size + remaining.count <= maxBytes {
                try append(remaining)
                return
            }
            // Write the whole lines that still fit, then rotate.
            let room = maxBytes - size
            var cut = 0
            if room > 0, let newline = lastNewline(in: UnsafeRawBufferPointer(rebasing: remaining[..<room])) {
                cut = newline + 1
            } else if size == 0 {
                // A line longer than maxBytes in an empty file: it goes alone.
                cut = (firstNewline(in: remaining) ?? (remaining.count - 1)) + 1
            }
            if cut > 0 {
                try append(UnsafeRawBufferPointer(rebasing: remaining[..<cut]))
                remaining = UnsafeRawBufferPointer(rebasing: remaining[cut...])
            }
            // Rotate only when more bytes must go out, so a long line stays
            // in FILE until the next write would grow FILE further.
            if !remaining.isEmpty {
                try rotate()
            }
        }
    }

    private func append(_ bytes: UnsafeRawBufferPointer) throws(IOFailure) {
        do {
            try descriptor.writeAll(bytes)
        } catch {
            throw error.failure("write", name)
        }
        size += bytes.count
    }

    /// Renames FILE to FILE.1 (shifting the older files up to FILE.keep)
    /// and creates a new, empty FILE.
    private func rotate() throws(IOFailure) {
        do {
            try descriptor.close()
        } catch {
            throw error.failure("close", name)
        }
        for index in stride(from: keep - 1, through: 1, by: -1) {
            _ = Glibc.rename("\(name).\(index)", "\(name).\(index + 1)")
        }
        if Glibc.rename(name, "\(name).1") != 0 {
            let code = errno
            throw Errno(code: code).failure("rename \(name) to", "\(name).1")
        }
        descriptor = try Self.openForAppend(name, options)
        size = 0
        didRotate()
    }

    private func lastNewline(in bytes: UnsafeRawBufferPointer) -> Int? {
        var index = bytes.count - 1
        while index >= 0 {
            if bytes[index] == 0x0A { return index }
            index -= 1
        }
        return nil
    }

    private func firstNewline(in bytes: UnsafeRawBufferPointer) -> Int? {
        guard !bytes.isEmpty, let found = memchr(bytes.baseAddress!, 0x0A, bytes.count) else { return nil }
        return bytes.baseAddress!.distance(to: UnsafeRawPointer(found))
    }

    public func flush() throws(IOFailure) {}

    public func close() throws(IOFailure) {
        guard !isClosed else { return }
        isClosed = true
        do {
            try descriptor.close()
        } catch {
            throw error.failure("close", name)
        }
    }
}
