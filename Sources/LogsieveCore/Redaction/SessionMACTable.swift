/// The full HMAC of each `session`-kind secret fingerprinted in the current
/// event, keyed by the 48 bits that its marker displays.
///
/// The enrich stage keys session state on the full 32-byte MAC, because
/// the 12 displayed hex digits collide after about 2^24 sessions. It finds
/// the MAC here by the digits it reads in the redacted event. The table is
/// emptied by `Redactor.beginEvent()`, so it never contains more than one
/// event's sessions.
public struct SessionMACTable {
    /// Display prefix (the first 6 MAC bytes, big-endian) and full MAC.
    private var entries: [(prefix: UInt64, mac: SessionMAC)] = []

    public init() {}

    mutating func record(_ mac: SessionMAC) {
        guard !entries.contains(where: { $0.mac == mac }) else { return }
        entries.append((mac.displayPrefix, mac))
    }

    mutating func removeAll() {
        if !entries.isEmpty { entries.removeAll(keepingCapacity: true) }
    }

    /// Returns the MAC whose marker shows `prefix`, if this event recorded one.
    public func mac(displayPrefix prefix: UInt64) -> SessionMAC? {
        entries.first { $0.prefix == prefix }?.mac
    }

    public var isEmpty: Bool { entries.isEmpty }

    /// Appends the MACs in the order they were recorded, so that recording
    /// them again in a new table gives the same table.
    func appendMACs(to macs: inout [SessionMAC]) {
        for entry in entries { macs.append(entry.mac) }
    }
}

/// A full HMAC-SHA-256, stored as four words so that it hashes and
/// compares without an allocation.
public struct SessionMAC: Hashable, Sendable {
    public var words: (UInt64, UInt64, UInt64, UInt64)

    public init(words: (UInt64, UInt64, UInt64, UInt64)) {
        self.words = words
    }

    /// Reads 32 bytes in big-endian word order, so that `displayPrefix`
    /// matches the hex digits of a marker.
    public init(bytes: UnsafePointer<UInt8>) {
        func word(_ offset: Int) -> UInt64 {
            var value: UInt64 = 0
            for index in 0..<8 { value = value << 8 | UInt64(bytes[offset + index]) }
            return value
        }
        words = (word(0), word(8), word(16), word(24))
    }

    /// The 48 bits shown as 12 hex digits in `[REDACTED:session:…]`.
    public var displayPrefix: UInt64 { words.0 >> 16 }

    public static func == (lhs: SessionMAC, rhs: SessionMAC) -> Bool {
        lhs.words == rhs.words
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(words.0)
        hasher.combine(words.1)
    }
}
