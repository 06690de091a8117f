import Foundation
import LogsieveCore
import LogsieveIO

/// The enrich state snapshot in `--state-dir`: loaded at start, written
/// periodically and at shutdown: the end of input, a closed output, or
/// SIGTERM or SIGINT, which stop the reading first.
///
/// Sendable because `lock` guards its mutable state.
final class EnrichmentStateFile: @unchecked Sendable {
    let directory: String
    let enricher: Enricher
    let interval: Double
    /// `--force-output`: replace a symbolic link at the snapshot's path.
    let allowsSymbolicLink: Bool
    private var lastWrite = Date()
    /// Held while events change the state and while a snapshot is written,
    /// so that a snapshot never sees half a batch.
    private let lock = NSCondition()
    private var changedSinceWrite = false
    private var stopsWriting = false
    private var writer: Thread?

    var path: String { directory + "/" + EnrichmentSnapshot.fileName }

    init(directory: String, enricher: Enricher, interval: Double, allowsSymbolicLink: Bool = false) {
        self.directory = directory
        self.enricher = enricher
        self.interval = interval
        self.allowsSymbolicLink = allowsSymbolicLink
    }

    /// Loads the snapshot if there is one. A corrupt snapshot or one written
    /// with another key is reported and the stage starts empty.
    func load() throws {
        var isDirectory: ObjCBool = false
        if !FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                        attributes: [.posixPermissions: 0o700])
            } catch {
                throw RuntimeFailure("cannot create the --state-dir directory \(directory): \(error.localizedDescription)")
            }
            return
        }
        guard isDirectory.boolValue else { throw UsageError("--state-dir \(directory) is not a directory") }
        try SymbolicLinkCheck.reject(path, option: "the --state-dir snapshot", forced: allowsSymbolicLink)
        guard let data = FileManager.default.contents(atPath: path) else { return }
        do {
            try EnrichmentSnapshot.load([UInt8](data), into: enricher)
        } catch .keyChanged(let snapshot, let current) {
            Diagnostics.warn("discarding the enrich state in \(path): it was written with fingerprint key \(snapshot), and the current key is \(current)")
        } catch {
            Diagnostics.warn("ignoring the enrich state in \(path) and starting empty: \(error)")
        }
    }

    /// Runs `body`, which changes the state, under the snapshot lock.
    func whileChanging(_ body: () -> Void) {
        lock.lock()
        defer { lock.unlock() }
        body()
        changedSinceWrite = true
        if interval == 0 { writeReportingErrors() }
    }

    /// Starts a thread that writes the snapshot every `interval` seconds
    /// when the state changed, also while the input is idle and the reader
    /// waits, so that `kill -9` after a burst of events loses at most one
    /// interval. An interval of 0 writes after every batch instead.
    func startPeriodicWrites() {
        guard interval > 0, writer == nil else { return }
        let thread = Thread { [self] in
            lock.lock()
            while !stopsWriting {
                _ = lock.wait(until: Date().addingTimeInterval(interval))
                if !stopsWriting && changedSinceWrite { writeReportingErrors() }
            }
            lock.unlock()
        }
        thread.name = "logsieve state snapshot"
        writer = thread
        thread.start()
    }

    /// Stops the periodic writer; the caller writes the final snapshot.
    func stopPeriodicWrites() {
        lock.lock()
        stopsWriting = true
        // The thread's block holds this object, so keeping the thread here
        // would be a reference cycle (LeakSanitizer reported it).
        writer = nil
        lock.broadcast()
        lock.unlock()
    }

    /// Writes the snapshot with the lock held; a failure is reported and the
    /// next write tries again.
    private func writeReportingErrors() {
        do {
            try writeLocked()
            changedSinceWrite = false
        } catch {
            Diagnostics.warn("\(error)")
        }
    }

    /// Writes the snapshot atomically: temporary file, fsync, rename, mode 0600.
    func write() throws {
        lock.lock()
        defer { lock.unlock() }
        try writeLocked()
    }

    private func writeLocked() throws {
        do {
            try AtomicFile.write(EnrichmentSnapshot.encode(enricher), to: path, mode: 0o600)
        } catch {
            throw RuntimeFailure("cannot write the enrich state: \(error.description)")
        }
        lastWrite = Date()
    }
}
