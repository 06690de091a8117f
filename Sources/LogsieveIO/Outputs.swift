import Glibc

/// Settings for `Outputs.open(path:options:)`.
public struct OutputOptions: Sendable {
    /// Permission bits for a file that `open` creates. The process umask can
    /// only remove bits. An existing file keeps its mode.
    public var mode: mode_t = 0o600
    /// Whether an output path may be a symbolic link. Off by default, so a
    /// link planted at the output path cannot redirect the output.
    public var allowSymlink = false
    /// The compression of the output. Nil chooses by file name: zstd for a
    /// name ending in `.zst`, otherwise none. Standard output is uncompressed
    /// unless this is set.
    public var compression: Compression? = nil
    /// Whether an existing file is appended to instead of truncated.
    public var append = false

    public enum Compression: Sendable {
        case none
        /// zstd at `level`, from `ZSTD_minCLevel()` to `ZSTD_maxCLevel()`
        /// (-131072 to 22 in zstd 1.5).
        case zstd(level: Int32)
    }

    /// The zstd level for a `.zst` name when `compression` is nil, the same
    /// as the `zstd` command's default.
    static let defaultZstdLevel: Int32 = 3

    public init() {}
}

/// Opens outputs: files or standard output, plain or zstd.
public enum Outputs {
    /// Opens standard output for nil or `-`, or creates or truncates a file
    /// (appends to it with `options.append`).
    ///
    /// A new file gets `options.mode` (0600 by default) minus the umask. An
    /// existing file is truncated (unless appended to) and keeps its mode and owner, as with a
    /// shell redirection. A path whose last component is a symbolic link
    /// throws `.refusedSymlink` unless `options.allowSymlink` is set, and
    /// links in the directory part are followed. A `.zst` name writes zstd
    /// (level 3) unless `options.compression` selects another compression,
    /// and `close()` ends the frame.
    ///
    /// The sink keeps no buffer except the zstd compressor's, and a closed
    /// pipe throws `.brokenPipe` once the caller ignores `SIGPIPE`.
    public static func open(path: String?, options: OutputOptions) throws(IOFailure) -> ByteSink {
        let filePath = path == "-" ? nil : path
        let name = filePath ?? "standard output"
        let compression = options.compression
            ?? (filePath?.hasSuffix(".zst") == true ? .zstd(level: OutputOptions.defaultZstdLevel) : .none)

        // An invalid level must fail before the file is created or truncated.
        if case .zstd(let level) = compression {
            try ZstdSink.validate(level: level, name: name)
        }

        let sink: FileSink
        if let filePath {
            sink = try openFile(filePath, options)
        } else {
            sink = FileSink(descriptor: .standardOutput, name: name, ownsDescriptor: false)
        }

        switch compression {
        case .none:
            return sink
        case .zstd(let level):
            return try ZstdSink(base: sink, level: level)
        }
    }

    private static func openFile(_ path: String, _ options: OutputOptions) throws(IOFailure) -> FileSink {
        var flags = O_WRONLY | O_CREAT | (options.append ? O_APPEND : O_TRUNC)
        if !options.allowSymlink {
            flags |= O_NOFOLLOW
        }
        do {
            let descriptor = try FileDescriptor.open(path, flags, mode: options.mode)
            return FileSink(descriptor: descriptor, name: path, ownsDescriptor: true)
        } catch where error.code == ELOOP && !options.allowSymlink && isSymbolicLink(path) {
            // O_NOFOLLOW fails with ELOOP on a link, but ELOOP also means a
            // loop of links in the directory part, so lstat checks the path.
            throw IOFailure(reason: .refusedSymlink, path: path, operation: "create")
        } catch {
            throw error.failure("create", path)
        }
    }

    private static func isSymbolicLink(_ path: String) -> Bool {
        var status = stat()
        return lstat(path, &status) == 0 && status.st_mode & S_IFMT == S_IFLNK
    }
}
