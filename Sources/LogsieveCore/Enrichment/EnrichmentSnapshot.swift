import CCrypto

/// The enrich state on disk (`--state-dir`), versioned and checksummed.
///
/// Layout, little-endian: the magic `LSENRICH`, a `UInt32` format version,
/// the fingerprint key identifier, the watermark, the sessions and the
/// users from least to most recently used, then SHA-256 of all the bytes
/// before it. Session and user keys are HMACs, so the file contains no session
/// identifier or login, but it does contain IP addresses, locations and client
/// names: it is written with mode 0600.
public enum EnrichmentSnapshot {
    public static let version: UInt32 = 1
    static let magic = Array("LSENRICH".utf8)
    public static let fileName = "enrich-state.bin"

    public static func encode(_ enricher: Enricher) -> [UInt8] {
        let store = enricher.store
        var writer = SnapshotWriter()
        writer.bytes += magic
        writer.u32(version)
        writer.string(enricher.fingerprinter.key.identifier)
        writer.double(store.watermark)
        writer.u32(UInt32(store.sessions.count))
        store.sessions.forEachFromLeastRecent { key, session in
            writeSession(session, key: key, to: &writer)
        }
        writer.u32(UInt32(store.users.count))
        store.users.forEachFromLeastRecent { key, user in
            writeUser(user, key: key, to: &writer)
        }
        writer.bytes += sha256(writer.bytes[...])
        return writer.bytes
    }

    /// Replaces the enricher's state with the snapshot's. On error the
    /// state is left empty.
    public static func load(_ bytes: [UInt8], into enricher: Enricher) throws(SnapshotError) {
        let store = enricher.store
        store.sessions = LRUTable()
        store.users = LRUTable()
        store.watermark = -.infinity
        guard bytes.count >= magic.count + 4 + 32, Array(bytes.prefix(magic.count)) == magic else { throw .notASnapshot }
        var reader = SnapshotReader(bytes, offset: magic.count)
        let fileVersion = try reader.u32()
        guard fileVersion == version else { throw .unsupportedVersion(fileVersion) }
        guard sha256(bytes[..<(bytes.count - 32)]) == Array(bytes.suffix(32)) else { throw .checksumMismatch }
        let body = SnapshotReader(Array(bytes.prefix(bytes.count - 32)), offset: reader.offset)
        reader = body

        let keyIdentifier = try reader.string()
        let current = enricher.fingerprinter.key.identifier
        guard keyIdentifier == current else { throw .keyChanged(snapshot: keyIdentifier, current: current) }
        var sessions = LRUTable<SessionState>()
        var users = LRUTable<UserState>()
        let watermark = try reader.double()
        for _ in 0..<(try reader.u32()) {
            let (key, session) = try readSession(&reader)
            sessions.set(session, for: key)
        }
        for _ in 0..<(try reader.u32()) {
            let (key, user) = try readUser(&reader)
            users.set(user, for: key)
        }
        guard reader.offset == reader.bytes.count else { throw .truncated(offset: reader.offset) }
        store.sessions = sessions
        store.users = users
        store.watermark = watermark
        // A snapshot from a run with higher limits is cut to this run's.
        while store.sessions.count > store.configuration.maxSessions {
            store.sessions.removeLeastRecent()
            store.stats.sessionsEvicted += 1
        }
        while store.users.count > store.configuration.maxUsers {
            store.users.removeLeastRecent()
            store.stats.usersEvicted += 1
        }
    }

    static func sha256(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: 32)
        bytes.withUnsafeBufferPointer { source in
            digest.withUnsafeMutableBufferPointer { _ = SHA256(source.baseAddress, source.count, $0.baseAddress) }
        }
        return digest
    }
}
