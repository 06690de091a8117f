import Foundation
import LogsieveCore
import LogsieveIO

/// The enrich state snapshot in `--state-dir`: loaded at start, written
/// periodically and at shutdown: the end of input, a closed output, or
/// SIGTERM or SIGINT, which stop the reading first.
final class EnrichmentStateFile {
    let directory: String
    let enricher: Enricher
    let interval: Double
    private var lastWrite = Date()

    var path: String { directory + "/" + EnrichmentSnapshot.fileName }

    init(directory: String, enricher: Enricher, interval: Double) {
        self.directory = directory
        self.enricher = enricher
        self.interval = interval
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
        guard let data = FileManager.default.contents(atPath: path) else { return }
        do {
            try EnrichmentSnapshot.load([UInt8](data), into: enricher)
        } catch .keyChanged(let snapshot, let current) {
            Diagnostics.warn("discarding the enrich state in \(path): it was written with fingerprint key \(snapshot), and the current key is \(current)")
        } catch {
            Diagnostics.warn("ignoring the enrich state in \(path) and starting empty: \(error)")
        }
    }

    /// Writes the snapshot when `interval` has passed since the last write.
    func writeIfDue() throws {
        guard Date().timeIntervalSince(lastWrite) >= interval else { return }
        try write()
    }

    /// Writes the snapshot atomically: temporary file, fsync, rename, mode 0600.
    func write() throws {
        do {
            try AtomicFile.write(EnrichmentSnapshot.encode(enricher), to: path, mode: 0o600)
        } catch {
            throw RuntimeFailure("cannot write the enrich state: \(error.description)")
        }
        lastWrite = Date()
    }
}
