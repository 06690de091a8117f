import Glibc

private let newline = UInt8(ascii: "\n")

/// A read position in a followed file: the file's identity and a byte
/// offset in it.
public struct FilePosition: Equatable, Sendable {
    public var device: UInt64
    public var inode: UInt64
    public var offset: Int64

    public init(device: UInt64, inode: UInt64, offset: Int64) {
        self.device = device
        self.inode = inode
        self.offset = offset
    }
}

/// A file read with `tail -F` semantics for `--follow`. The path is
/// checked by polling. A new file at the path (rotation by rename and
/// re-create) and a file shorter than the offset read (truncation) are
/// reported, so that the caller can finish the old file first.
///
/// A truncation followed by writes past the old offset before the next
/// check (`copytruncate`, then a burst of writes) is noticed because the
/// last bytes read before the offset changed (see `tailMatches`).
/// A read that resumes inside a line, whose start is unknown, discards the
/// bytes up to the next newline, so that a cut line's tail (the rest of a
/// secret) is never scanned as free text.
///
/// NOTE: a truncation and rewrite that leaves the last `tailLength` bytes
/// before the offset unchanged is still not noticed, nor one that happens
/// between the check and the next read. Lines written to the old file after
/// it was renamed and its rest was read are lost.
public final class FollowedFile {
    public let path: String
    private var descriptor: Int32 = -1
    private var device: UInt64 = 0
    private var inode: UInt64 = 0
    /// The offset of the next byte `read` returns.
    public private(set) var readOffset: Int64 = 0
    private var resume: FilePosition?
    /// The last bytes read, which end at `readOffset`. At most `tailLength`.
    private var tail: [UInt8] = []
    static let tailLength = 64
    /// Set when reading starts inside a line: `read` discards bytes up to
    /// and including the next newline.
    private var discardsUntilNewline = false
    /// Line fragments discarded because their start was unknown.
    public private(set) var discardedFragments = 0
    /// Bytes in those fragments.
    public private(set) var discardedBytes = 0

    public enum Change: Equatable {
        case none
        /// Another file is at the path now; the open one was renamed or removed.
        case replaced
        /// The open file is shorter than the offset read so far.
        case truncated
    }

    /// Follows `path`, resuming at `resume` if that position is in the file
    /// at the path or, after a rotation while logsieve was stopped, in
    /// `path.1`. Otherwise reading starts at the beginning of the file.
    public init(path: String, resume: FilePosition?) {
        self.path = path
        self.resume = resume
        if let resume, !identity(of: path, matches: resume), identity(of: path + ".1", matches: resume) {
            // Finish the rotated file first; the next change check then
            // reports the file at the path as a replacement.
            _ = open(path + ".1")
        }
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
    }

    public var isOpen: Bool { descriptor >= 0 }

    /// Returns the identity of the open file with `offset`, or nil when none is open.
    public func position(offset: Int64) -> FilePosition? {
        isOpen ? FilePosition(device: device, inode: inode, offset: offset) : nil
    }

    /// Opens the file at the path if none is open and one exists there.
    /// Returns false while there is no file to read.
    @discardableResult
    public func openIfPresent() -> Bool {
        if descriptor >= 0 { return true }
        return open(path)
    }

    private func open(_ name: String) -> Bool {
        let opened = Glibc.open(name, O_RDONLY | O_CLOEXEC)
        guard opened >= 0 else { return false }
        var status = stat()
        guard fstat(opened, &status) == 0 else {
            close(opened)
            return false
        }
        descriptor = opened
        device = UInt64(status.st_dev)
        inode = UInt64(status.st_ino)
        readOffset = 0
        tail = []
        discardsUntilNewline = false
        if let resume, resume.device == device, resume.inode == inode, resume.offset <= Int64(status.st_size) {
            if lseek(opened, off_t(resume.offset), SEEK_SET) >= 0 {
                readOffset = resume.offset
                // The saved offset is always after a newline. Any other byte
                // before it means the file was rewritten while logsieve was
                // stopped, and the line containing the offset is cut.
                if resume.offset > 0 {
                    let before = bytes(at: resume.offset - 1, count: 1)
                    if before == [newline] {
                        tail = before
                    } else {
                        discardsUntilNewline = true
                    }
                }
            }
        }
        resume = nil
        return true
    }

    /// Reads `count` bytes at `offset` without moving the read position.
    /// Returns fewer bytes at the end of the file or on an error.
    private func bytes(at offset: Int64, count: Int) -> [UInt8] {
        var result = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            let readCount = result.withUnsafeMutableBytes {
                pread(descriptor, $0.baseAddress! + filled, count - filled, off_t(offset) + off_t(filled))
            }
            if readCount < 0 && errno == EINTR { continue }
            if readCount <= 0 { break }
            filled += readCount
        }
        return Array(result[..<filled])
    }

    /// Returns whether the bytes before `readOffset` are still the bytes read there.
    private func tailMatches() -> Bool {
        guard !tail.isEmpty else { return true }
        return bytes(at: readOffset - Int64(tail.count), count: tail.count) == tail
    }

    private func remember(_ read: UnsafeRawBufferPointer) {
        if read.count >= Self.tailLength {
            tail = Array(read[(read.count - Self.tailLength)...])
        } else {
            tail.append(contentsOf: read)
            if tail.count > Self.tailLength { tail.removeFirst(tail.count - Self.tailLength) }
        }
    }

    private func identity(of name: String, matches position: FilePosition) -> Bool {
        var status = stat()
        return stat(name, &status) == 0 && UInt64(status.st_dev) == position.device
            && UInt64(status.st_ino) == position.inode
    }

    /// Reads what the file contains past the offset. Returns 0 at its current
    /// end. While a cut line is being discarded, its bytes are not returned.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(IOFailure) -> Int {
        guard descriptor >= 0 else { return 0 }
        while true {
            let count = Glibc.read(descriptor, buffer.baseAddress, buffer.count)
            if count < 0 {
                let code = errno
                if code == EINTR { continue }
                throw Errno(code: code).failure("read", path)
            }
            readOffset += Int64(count)
            remember(UnsafeRawBufferPointer(rebasing: buffer[..<count]))
            guard discardsUntilNewline, count > 0 else { return count }

            let bytes = UnsafeMutableRawBufferPointer(rebasing: buffer[..<count])
            guard let newline = bytes.firstIndex(of: newline) else {
                discardedBytes += count
                continue
            }
            discardsUntilNewline = false
            discardedFragments += 1
            discardedBytes += newline + 1
            let remainder = count - newline - 1
            if remainder > 0 {
                memmove(buffer.baseAddress!, buffer.baseAddress! + newline + 1, remainder)
                return remainder
            }
        }
    }

    /// Returns whether the open file was truncated: it is shorter than the
    /// offset, or the bytes before the offset are not the ones read there.
    public func isTruncated() -> Bool {
        guard descriptor >= 0 else { return false }
        var open = stat()
        if fstat(descriptor, &open) == 0 && Int64(open.st_size) < readOffset { return true }
        return !tailMatches()
    }

    /// Compares the open file with the file at the path.
    public func checkForChange() -> Change {
        guard descriptor >= 0 else { return .none }
        if isTruncated() { return .truncated }
        var current = stat()
        guard stat(path, &current) == 0 else {
            // Renamed and not yet re-created: keep the old file until a new one appears.
            return .none
        }
        if UInt64(current.st_dev) != device || UInt64(current.st_ino) != inode {
            return .replaced
        }
        return .none
    }

    /// Closes the old file and opens the file now at the path, from its start.
    public func switchToNewFile() {
        if descriptor >= 0 { close(descriptor) }
        descriptor = -1
        readOffset = 0
        tail = []
        _ = open(path)
    }

    /// Reads the truncated file again from its start.
    public func rewind() {
        guard descriptor >= 0 else { return }
        if lseek(descriptor, 0, SEEK_SET) >= 0 {
            readOffset = 0
            tail = []
            discardsUntilNewline = false
        }
    }
}

/// The remembered position of a followed file in `--state-dir`, one line
/// of text: `logsieve-follow-position 1 DEVICE INODE OFFSET`.
public enum FollowPositionFile {
    static let header = "logsieve-follow-position 1"

    /// Returns the file name for the followed `path` in the state directory:
    /// its base name (for a reader) and a hash of the whole path (for uniqueness).
    public static func fileName(for path: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in path.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        let base = path.split(separator: "/").last.map(String.init) ?? "file"
        let safe = String(base.map { $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" ? $0 : "_" }.prefix(64))
        return "follow-\(safe)-\(String(hash, radix: 16)).position"
    }

    /// Loads a position, or returns nil when the file is missing or invalid.
    public static func load(_ path: String) -> FilePosition? {
        let descriptor = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var bytes = [UInt8](repeating: 0, count: 256)
        let count = bytes.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
        guard count > 0 else { return nil }
        let text = String(decoding: bytes[..<count], as: UTF8.self)
        let fields = text.split(whereSeparator: { $0 == " " || $0 == "\n" })
        guard fields.count == 5, fields[0] == "logsieve-follow-position", fields[1] == "1",
              let device = UInt64(fields[2]), let inode = UInt64(fields[3]), let offset = Int64(fields[4]), offset >= 0
        else { return nil }
        return FilePosition(device: device, inode: inode, offset: offset)
    }

    /// Writes a position atomically with mode 0600.
    public static func save(_ position: FilePosition, to path: String) throws(IOFailure) {
        let text = "\(header) \(position.device) \(position.inode) \(position.offset)\n"
        try AtomicFile.write(Array(text.utf8), to: path, mode: 0o600)
    }
}
