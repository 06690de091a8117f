import Glibc

/// Crash-safe replacement of whole files: a reader sees either the old or
/// the new content, never a part.
public enum AtomicFile {
    /// Writes `bytes` to `path` atomically.
    ///
    /// The bytes go to a temporary file in the same directory, created with
    /// `mode` (0600 by default, minus the umask). After `fsync` the file is
    /// renamed over `path`, and the directory is synced so that the rename
    /// itself survives a crash. The new file replaces a symbolic link at
    /// `path` instead of writing through it. On failure the temporary file
    /// is removed and `path` is unchanged.
    public static func write(_ bytes: [UInt8], to path: String, mode: mode_t = 0o600) throws(IOFailure) {
        let (directory, fileName) = split(path)
        let (descriptor, temporaryPath) = try createTemporaryFile(in: directory, for: fileName, mode: mode)
        var renamed = false
        defer {
            if !renamed {
                unlink(temporaryPath)
            }
        }

        do {
            defer { try? descriptor.close() }
            // withUnsafeBytes does not pass on a typed error, so Result carries it.
            try bytes.withUnsafeBytes { buffer in
                Result { () throws(Errno) in try descriptor.writeAll(buffer) }
            }.get()
            try descriptor.sync()
        } catch {
            throw error.failure("write", temporaryPath)
        }

        do {
            _ = try retryingInterrupts { rename(temporaryPath, path) }
        } catch {
            throw error.failure("rename \(temporaryPath) to", path)
        }
        renamed = true

        try syncDirectory(directory)
    }

    /// Returns the directory part (`.` when there is none) and the file name.
    static func split(_ path: String) -> (directory: String, fileName: String) {
        guard let slash = path.lastIndex(of: "/") else {
            return (".", path)
        }
        let directory = slash == path.startIndex ? "/" : String(path[..<slash])
        return (directory, String(path[path.index(after: slash)...]))
    }

    /// Creates `.<fileName>.tmp-<pid>-<random>` with O_EXCL, so it never
    /// opens a file or link that someone else placed there.
    static func createTemporaryFile(
        in directory: String, for fileName: String, mode: mode_t
    ) throws(IOFailure) -> (FileDescriptor, String) {
        var attempts = 0
        while true {
            let suffix = String(UInt32.random(in: .min ... .max), radix: 16)
            let temporaryPath = "\(directory)/.\(fileName).tmp-\(getpid())-\(suffix)"
            do {
                let descriptor = try FileDescriptor.open(
                    temporaryPath, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, mode: mode)
                return (descriptor, temporaryPath)
            } catch where error.code == EEXIST && attempts < 10 {
                attempts += 1
            } catch {
                throw error.failure("create", temporaryPath)
            }
        }
    }

    static func syncDirectory(_ directory: String) throws(IOFailure) {
        do {
            let descriptor = try FileDescriptor.open(directory, O_RDONLY | O_DIRECTORY)
            defer { try? descriptor.close() }
            try descriptor.sync()
        } catch {
            throw error.failure("sync directory", directory)
        }
    }
}
