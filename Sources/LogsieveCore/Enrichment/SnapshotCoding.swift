/// Little-endian binary writing and reading for the state snapshot.
struct SnapshotWriter {
    var bytes: [UInt8] = []

    mutating func u8(_ value: UInt8) { bytes.append(value) }

    mutating func u32(_ value: UInt32) {
        for shift in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt32(shift))) }
    }

    mutating func u64(_ value: UInt64) {
        for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
    }

    mutating func double(_ value: Double) { u64(value.bitPattern) }

    mutating func optionalDouble(_ value: Double?) {
        u8(value == nil ? 0 : 1)
        if let value { double(value) }
    }

    mutating func string(_ value: String) {
        let utf8 = Array(value.utf8.prefix(0xFFFF))
        u32(UInt32(utf8.count))
        bytes += utf8
    }

    mutating func optionalString(_ value: String?) {
        u8(value == nil ? 0 : 1)
        if let value { string(value) }
    }

    mutating func mac(_ value: SessionMAC) {
        u64(value.words.0)
        u64(value.words.1)
        u64(value.words.2)
        u64(value.words.3)
    }
}

struct SnapshotReader {
    let bytes: [UInt8]
    var offset: Int

    init(_ bytes: [UInt8], offset: Int = 0) {
        self.bytes = bytes
        self.offset = offset
    }

    mutating func take(_ count: Int) throws(SnapshotError) -> ArraySlice<UInt8> {
        guard count >= 0, bytes.count - offset >= count else { throw .truncated(offset: offset) }
        defer { offset += count }
        return bytes[offset..<(offset + count)]
    }

    mutating func u8() throws(SnapshotError) -> UInt8 { try take(1).first! }

    mutating func u32() throws(SnapshotError) -> UInt32 {
        try take(4).reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
    }

    mutating func u64() throws(SnapshotError) -> UInt64 {
        try take(8).reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
    }

    mutating func double() throws(SnapshotError) -> Double { Double(bitPattern: try u64()) }

    mutating func optionalDouble() throws(SnapshotError) -> Double? {
        try u8() == 0 ? nil : try double()
    }

    mutating func string() throws(SnapshotError) -> String {
        let count = Int(try u32())
        return String(decoding: try take(count), as: UTF8.self)
    }

    mutating func optionalString() throws(SnapshotError) -> String? {
        try u8() == 0 ? nil : try string()
    }

    mutating func mac() throws(SnapshotError) -> SessionMAC {
        SessionMAC(words: (try u64(), try u64(), try u64(), try u64()))
    }
}

/// Why a snapshot was not loaded.
public enum SnapshotError: Error, Equatable, CustomStringConvertible {
    case notASnapshot
    case unsupportedVersion(UInt32)
    case truncated(offset: Int)
    case checksumMismatch
    /// The snapshot was written with another fingerprint key, so its session
    /// keys cannot match this run's.
    case keyChanged(snapshot: String, current: String)

    public var description: String {
        switch self {
        case .notASnapshot: "the file is not a logsieve enrich snapshot"
        case .unsupportedVersion(let version): "snapshot format version \(version) is not supported (this logsieve reads version \(EnrichmentSnapshot.version))"
        case .truncated(let offset): "the snapshot is truncated at byte \(offset)"
        case .checksumMismatch: "the snapshot's SHA-256 checksum does not match its content"
        case .keyChanged(let snapshot, let current): "the snapshot was written with fingerprint key \(snapshot), not the current key \(current)"
        }
    }
}
