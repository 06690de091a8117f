import Glibc

/// A `ByteSink` that streams into a temporary file next to `path` and puts
/// it in place only on `commit()`, so that a reader never sees a partial
/// file at `path`, whatever the size of the output.
///
/// The temporary file is `.<name>.tmp-<pid>-<random>` in the directory of
/// `path`, created with O_EXCL and `mode` (minus the umask). `discard()`,
/// and `deinit` without a commit, remove it. A process killed with SIGKILL
/// leaves the temporary file behind, but never a partial file at `path`.
public final class AtomicFileSink: ByteSink {
    public let name: String
    private let directory: String
    private let temporaryPath: String
    private let descriptor: FileDescriptor
    private var isOpen = true
    private var isFinished = false

    /// Creates the temporary file for `path`.
    public init(path: String, mode: mode_t = 0o600) throws(IOFailure) {
        name = path
        let (directory, fileName) = AtomicFile.split(path)
        self.directory = directory
        (descriptor, temporaryPath) = try AtomicFile.createTemporaryFile(in: directory, for: fileName, mode: mode)
    }

    deinit {
        discard()
    }

    public func write(_ bytes: UnsafeRawBufferPointer) throws(IOFailure) {
        precondition(isOpen, "write(_:) called on the finished sink \(name)")
        do {
            try descriptor.writeAll(bytes)
        } catch {
            throw error.failure("write", temporaryPath)
        }
    }

    public func flush() throws(IOFailure) {
        // Every write already reached the operating system.
    }

    /// Same as `commit()`: a caller that only knows `ByteSink` finishes the
    /// file by closing it.
    public func close() throws(IOFailure) {
        try commit()
    }

    /// Syncs the temporary file, renames it over `path` and syncs the
    /// directory. On failure the temporary file is removed and `path` is
    /// unchanged. A second call does nothing.
    public func commit() throws(IOFailure) {
        guard !isFinished else { return }
        isFinished = true
        var renamed = false
        defer {
            if !renamed { unlink(temporaryPath) }
        }
        do {
            try descriptor.sync()
        } catch {
            throw error.failure("sync", temporaryPath)
        }
        try closeDescriptor()
        do {
            _ = try retryingInterrupts { rename(temporaryPath, name) }
        } catch {
            throw error.failure("rename \(temporaryPath) to", name)
        }
        renamed = true
        try AtomicFile.syncDirectory(directory)
    }

    /// Closes and removes the temporary file; `path` is left as it was.
    /// Does nothing after `commit()`.
    public func discard() {
        guard !isFinished else { return }
        isFinished = true
        // The file is being thrown away, so a failed close loses nothing.
        try? closeDescriptor()
        unlink(temporaryPath)
    }

    private func closeDescriptor() throws(IOFailure) {
        guard isOpen else { return }
        isOpen = false
        do {
            try descriptor.close()
        } catch {
            throw error.failure("close", temporaryPath)
        }
    }
}
