/// The compression of an input, detected from its first bytes.
enum CompressionFormat: Equatable {
    case none
    case zstd
    case gzip

    /// The length of the longest magic number, in bytes.
    static let magicLength = 4

    /// Returns the format that `prefix` starts, or nil while `prefix` is
    /// shorter than a magic number that it could still turn into.
    ///
    /// Detection stops at the first byte that rules out every magic number,
    /// so a plain NDJSON stream on a pipe is never held back waiting for a
    /// fourth byte.
    static func detect(_ prefix: some Collection<UInt8>) -> CompressionFormat? {
        var undecided = false
        for (format, magic) in magicNumbers {
            if prefix.count >= magic.count {
                if zip(prefix, magic).allSatisfy(matches) {
                    return format
                }
            } else if zip(prefix, magic).allSatisfy(matches) {
                undecided = true
            }
        }
        return undecided ? nil : CompressionFormat.none
    }

    /// A magic byte, where `mask` selects the bits that must match.
    private struct MagicByte {
        var value: UInt8
        var mask: UInt8 = 0xFF
    }

    private static func matches(_ byte: UInt8, _ magic: MagicByte) -> Bool {
        byte & magic.mask == magic.value
    }

    private static let magicNumbers: [(CompressionFormat, [MagicByte])] = [
        // A zstd frame: 0xFD2FB528, little-endian (RFC 8878, section 3.1.1).
        (.zstd, [MagicByte(value: 0x28), MagicByte(value: 0xB5), MagicByte(value: 0x2F), MagicByte(value: 0xFD)]),
        // A zstd skippable frame: 0x184D2A50 to 0x184D2A5F, little-endian
        // (RFC 8878, section 3.1.2). pzstd and some archivers start with one,
        // and ZSTD_decompressStream skips it.
        (.zstd, [MagicByte(value: 0x50, mask: 0xF0), MagicByte(value: 0x2A), MagicByte(value: 0x4D), MagicByte(value: 0x18)]),
        // A gzip member: ID1 and ID2 (RFC 1952, section 2.3.1).
        (.gzip, [MagicByte(value: 0x1F), MagicByte(value: 0x8B)]),
    ]
}
