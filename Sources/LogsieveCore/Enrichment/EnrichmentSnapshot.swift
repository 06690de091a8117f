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
            writer.mac(key)
            writer.u8(session.user == nil ? 0 : 1)
            if let user = session.user { writer.mac(user) }
            writer.double(session.started)
            writer.double(session.lastSeen)
            writer.optionalDouble(session.lastCompromiseFlag)
            writer.u8(UInt8(session.networks.count))
            for network in session.networks {
                writer.double(network.firstSeen)
                writer.string(network.ipAddress)
                writer.optionalDouble(network.asNumber.map(Double.init))
                writer.optionalString(network.country)
                writer.u8(network.isIPv4 ? 1 : 0)
            }
            writer.u8(UInt8(session.clients.count))
            for client in session.clients {
                writer.double(client.firstSeen)
                writer.string(client.family)
                writer.string(client.operatingSystem)
                writer.u8(client.isScripted ? 1 : 0)
                writer.optionalString(client.deviceTokenHash)
            }
            writer.u8(UInt8(session.createdUsers.count))
            for id in session.createdUsers { writer.string(id) }
        }
        writer.u32(UInt32(store.users.count))
        store.users.forEachFromLeastRecent { key, user in
            writer.mac(key)
            writer.double(user.lastSeen)
            writer.optionalDouble(user.lastCompromiseFlag)
            writer.optionalDouble(user.mfaReset)
            writer.u8(user.lastSignIn == nil ? 0 : 1)
            if let signIn = user.lastSignIn {
                writer.double(signIn.time)
                writer.string(signIn.ipAddress)
                writer.double(signIn.latitude)
                writer.double(signIn.longitude)
                writer.optionalString(signIn.city)
                writer.optionalString(signIn.country)
                writer.optionalString(signIn.anonymizer)
            }
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
            let key = try reader.mac()
            let user = try reader.u8() == 0 ? nil : try reader.mac()
            let session = SessionState(started: try reader.double())
            session.user = user
            session.lastSeen = try reader.double()
            session.lastCompromiseFlag = try reader.optionalDouble()
            for _ in 0..<(try reader.u8()) {
                session.networks.append(NetworkObservation(
                    firstSeen: try reader.double(), ipAddress: try reader.string(),
                    asNumber: try reader.optionalDouble().map { Int($0) }, country: try reader.optionalString(),
                    isIPv4: try reader.u8() == 1))
            }
            for _ in 0..<(try reader.u8()) {
                session.clients.append(ClientObservation(
                    firstSeen: try reader.double(), family: try reader.string(), operatingSystem: try reader.string(),
                    isScripted: try reader.u8() == 1, deviceTokenHash: try reader.optionalString()))
            }
            for _ in 0..<(try reader.u8()) { session.createdUsers.append(try reader.string()) }
            sessions.set(session, for: key)
        }
        for _ in 0..<(try reader.u32()) {
            let key = try reader.mac()
            let user = UserState(lastSeen: try reader.double())
            user.lastCompromiseFlag = try reader.optionalDouble()
            user.mfaReset = try reader.optionalDouble()
            if try reader.u8() == 1 {
                user.lastSignIn = SignInObservation(
                    time: try reader.double(), ipAddress: try reader.string(), latitude: try reader.double(),
                    longitude: try reader.double(), city: try reader.optionalString(), country: try reader.optionalString(),
                    anonymizer: try reader.optionalString())
            }
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
