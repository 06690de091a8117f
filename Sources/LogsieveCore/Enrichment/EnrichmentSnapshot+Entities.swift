/// One session or one user in the snapshot layout. The snapshot file writes
/// them in a row; the Kafka state topic writes each as a message of its own.
extension EnrichmentSnapshot {
    static func writeSession(_ session: SessionState, key: SessionMAC, to writer: inout SnapshotWriter) {
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

    static func readSession(_ reader: inout SnapshotReader) throws(SnapshotError) -> (SessionMAC, SessionState) {
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
        return (key, session)
    }

    static func writeUser(_ user: UserState, key: SessionMAC, to writer: inout SnapshotWriter) {
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

    static func readUser(_ reader: inout SnapshotReader) throws(SnapshotError) -> (SessionMAC, UserState) {
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
        return (key, user)
    }
}
