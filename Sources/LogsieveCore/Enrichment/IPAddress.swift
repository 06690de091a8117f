/// An IPv4 or IPv6 address, parsed from the text that identity providers
/// write, for comparing networks.
struct IPAddress: Hashable {
    /// IPv4 addresses are stored as IPv4-mapped IPv6 (`::ffff:a.b.c.d`).
    var high: UInt64
    var low: UInt64

    var isIPv4: Bool { high == 0 && low >> 32 == 0xFFFF }

    init?(_ text: String) {
        if let v4 = Self.parseIPv4(Substring(text)) {
            high = 0
            low = 0xFFFF_0000_0000 | UInt64(v4)
            return
        }
        guard let (high, low) = Self.parseIPv6(text) else { return nil }
        self.high = high
        self.low = low
    }

    /// The network that stands for one subscriber: the /64 of an IPv6
    /// address, because privacy addresses change inside it, and the address
    /// itself for IPv4.
    var subscriberNetwork: IPAddress {
        isIPv4 ? self : IPAddress(high: high, low: 0)
    }

    private init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// Whether the first `prefixLength` bits (of 128) equal those of `network`.
    func isInside(_ network: IPAddress, prefixLength: Int) -> Bool {
        if prefixLength <= 0 { return true }
        if prefixLength <= 64 {
            let mask: UInt64 = prefixLength == 64 ? .max : ~(UInt64.max >> prefixLength)
            return high & mask == network.high & mask
        }
        let bits = min(prefixLength - 64, 64)
        let mask: UInt64 = bits == 64 ? .max : ~(UInt64.max >> bits)
        return high == network.high && low & mask == network.low & mask
    }

    /// Dotted-quad IPv4: four decimal octets of one to three digits each.
    /// Read byte by byte, because `split` allocated on every event.
    static func parseIPv4(_ text: Substring) -> UInt32? {
        var value: UInt32 = 0
        var octet: UInt32 = 0
        var digits = 0
        var dots = 0
        for byte in text.utf8 {
            if byte == UInt8(ascii: ".") {
                guard digits > 0, dots < 3 else { return nil }
                value = value << 8 | octet
                dots += 1
                octet = 0
                digits = 0
            } else if byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") {
                guard digits < 3 else { return nil }
                octet = octet * 10 + UInt32(byte - UInt8(ascii: "0"))
                digits += 1
                guard octet <= 255 else { return nil }
            } else {
                return nil
            }
        }
        guard digits > 0, dots == 3 else { return nil }
        return value << 8 | octet
    }

    static func parseIPv6(_ text: String) -> (UInt64, UInt64)? {
        var text = Substring(text)
        if let percent = text.firstIndex(of: "%") { text = text[..<percent] }
        guard text.contains(":") else { return nil }
        var groups: [UInt16] = []
        var gapIndex: Int? = nil
        let halves = text.split(separator: "::", omittingEmptySubsequences: false)
        guard halves.count <= 2 else { return nil }
        for (halfIndex, half) in halves.enumerated() {
            if halfIndex == 1 { gapIndex = groups.count }
            guard !half.isEmpty else { continue }
            let pieces = half.split(separator: ":", omittingEmptySubsequences: false)
            for (pieceIndex, piece) in pieces.enumerated() {
                if pieceIndex == pieces.count - 1, piece.contains("."), let v4 = parseIPv4(piece) {
                    groups.append(UInt16(v4 >> 16))
                    groups.append(UInt16(v4 & 0xFFFF))
                } else {
                    guard !piece.isEmpty, piece.count <= 4, let group = UInt16(piece, radix: 16) else { return nil }
                    groups.append(group)
                }
            }
        }
        if let gapIndex {
            guard groups.count < 8 else { return nil }
            groups.insert(contentsOf: [UInt16](repeating: 0, count: 8 - groups.count), at: gapIndex)
        }
        guard groups.count == 8 else { return nil }
        let high = groups[0..<4].reduce(UInt64(0)) { $0 << 16 | UInt64($1) }
        let low = groups[4..<8].reduce(UInt64(0)) { $0 << 16 | UInt64($1) }
        return (high, low)
    }
}

/// A `--trusted-cidr` network: `10.0.0.0/8`, `2001:db8::/32`.
public struct IPNetwork: Sendable, Equatable {
    let address: IPAddress
    let prefixLength: Int

    public init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 1)
        guard let address = IPAddress(String(parts[0])) else { return nil }
        let maxLength = address.isIPv4 ? 32 : 128
        let length = parts.count == 2 ? Int(parts[1]) : maxLength
        guard let length, length >= 0, length <= maxLength else { return nil }
        self.address = address
        prefixLength = address.isIPv4 ? 96 + length : length
    }

    func contains(_ candidate: IPAddress) -> Bool {
        candidate.isInside(address, prefixLength: prefixLength)
    }
}

extension IPAddress: @unchecked Sendable {}
