/// Whole-value base64 (RFC 4648, standard alphabet) for HAR bodies and SAML
/// messages, which must be decoded, scanned and encoded again. The
/// detectors' `Base64` only peeks at the first bytes of a token.
enum Base64Codec {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    nonisolated(unsafe) private static let values: UnsafePointer<UInt8> = {
        let table = UnsafeMutablePointer<UInt8>.allocate(capacity: 256)
        table.initialize(repeating: 0xFF, count: 256)
        for (value, byte) in alphabet.enumerated() { table[Int(byte)] = UInt8(value) }
        // The URL-safe alphabet too: some tools write base64url bodies.
        table[Int(UInt8(ascii: "-"))] = 62
        table[Int(UInt8(ascii: "_"))] = 63
        return UnsafePointer(table)
    }()

    /// Decodes `text[0..<count]` into `output`. Whitespace (line breaks of
    /// MIME-style base64) is skipped, and padding is optional but only at
    /// the end. Returns false, with `output` partly written, for any other
    /// byte or a dangling final character.
    static func decode(_ text: UnsafePointer<UInt8>, count: Int, into output: ByteBuffer) -> Bool {
        var accumulator: UInt32 = 0
        var bits = 0
        var padding = 0
        var symbols = 0
        for index in 0..<count {
            let byte = text[index]
            if ByteClass.isWhitespace(byte) { continue }
            if byte == ASCII.equals {
                padding += 1
                guard padding <= 2 else { return false }
                continue
            }
            guard padding == 0 else { return false }
            let value = values[Int(byte)]
            guard value != 0xFF else { return false }
            symbols += 1
            accumulator = accumulator << 6 | UInt32(value)
            bits += 6
            if bits >= 8 {
                bits -= 8
                output.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
            }
        }
        // One symbol left over carries fewer than 8 bits: not base64.
        if symbols % 4 == 1 { return false }
        if padding > 0 && (symbols + padding) % 4 != 0 { return false }
        return true
    }

    /// Appends the padded base64 of `bytes[0..<count]`.
    static func encode(_ bytes: UnsafePointer<UInt8>, count: Int, into output: ByteBuffer) {
        output.reserve((count + 2) / 3 * 4)
        var index = 0
        alphabet.withUnsafeBufferPointer { symbols in
            while index + 3 <= count {
                let group = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2])
                output.append(symbols[Int(group >> 18 & 63)])
                output.append(symbols[Int(group >> 12 & 63)])
                output.append(symbols[Int(group >> 6 & 63)])
                output.append(symbols[Int(group & 63)])
                index += 3
            }
            let rest = count - index
            guard rest > 0 else { return }
            let group = UInt32(bytes[index]) << 16 | (rest == 2 ? UInt32(bytes[index + 1]) << 8 : 0)
            output.append(symbols[Int(group >> 18 & 63)])
            output.append(symbols[Int(group >> 12 & 63)])
            output.append(rest == 2 ? symbols[Int(group >> 6 & 63)] : ASCII.equals)
            output.append(ASCII.equals)
        }
    }
}
