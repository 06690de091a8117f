/// Just enough base64 decoding to confirm a credential's shape: a JWT header
/// that is JSON, a Basic credential that contains `user:password`.
enum Base64 {
    /// Values of the standard and the URL-safe alphabet; 0xFF for others.
    nonisolated(unsafe) private static let values: UnsafePointer<UInt8> = {
        let table = UnsafeMutablePointer<UInt8>.allocate(capacity: 256)
        table.initialize(repeating: 0xFF, count: 256)
        for (value, byte) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8.enumerated() {
            table[Int(byte)] = UInt8(value)
        }
        table[Int(UInt8(ascii: "-"))] = 62
        table[Int(UInt8(ascii: "_"))] = 63
        return UnsafePointer(table)
    }()

    /// Decodes up to `limit` output bytes of `text[start..<end]` (padding
    /// ignored) and passes each byte to `body` until it returns false.
    private static func decode(
        _ text: UnsafePointer<UInt8>, _ start: Int, _ end: Int, limit: Int, _ body: (UInt8) -> Bool
    ) -> Bool {
        var accumulator: UInt32 = 0
        var bits = 0
        var produced = 0
        let alphabetValues = values  // read once: each read of a lazy static runs swift_once
        for index in start..<end {
            let byte = text[index]
            if byte == ASCII.equals { break }
            let value = alphabetValues[Int(byte)]
            guard value != 0xFF else { return false }
            accumulator = accumulator << 6 | UInt32(value)
            bits += 6
            if bits >= 8 {
                bits -= 8
                guard body(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits))) else { return true }
                produced += 1
                if produced >= limit { return true }
            }
        }
        return true
    }

    /// Whether the decoded text contains a colon, as `user:password` does.
    static func decodedContainsColon(_ text: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        var found = false
        var printable = true
        _ = decode(text, start, end, limit: 512) { byte in
            if byte == ASCII.colon { found = true }
            if byte < 0x20 && byte != ASCII.tab { printable = false }
            return printable
        }
        return found && printable
    }

    /// Whether the decoded text is a JSON object that names `"alg"` in its
    /// first 512 bytes, as every JWS and JWE header does.
    static func decodedJSONHeaderHasAlg(_ text: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        var decoded: [UInt8] = []
        decoded.reserveCapacity(min(512, (end - start) * 3 / 4 + 3))
        guard decode(text, start, end, limit: 512, { decoded.append($0); return true }) else { return false }
        guard let first = decoded.firstIndex(where: { !ByteClass.isWhitespace($0) }), decoded[first] == ASCII.openBrace else {
            return false
        }
        let needle = Array("\"alg\"".utf8)
        guard decoded.count >= needle.count else { return false }
        for index in 0...(decoded.count - needle.count) where decoded[index..<(index + needle.count)].elementsEqual(needle) {
            return true
        }
        return false
    }
}
