/// Byte classes used by the scanners, as 256-entry lookup tables so that the
/// hot loops test one byte with one load.
enum ByteClass {
    /// Allocates a table once for the life of the process; the tables are
    /// read-only after that, so sharing them between threads is safe.
    private static func table<T>(_ entry: (Int) -> T) -> UnsafePointer<T> {
        let table = UnsafeMutablePointer<T>.allocate(capacity: 256)
        for byte in 0..<256 { (table + byte).initialize(to: entry(byte)) }
        return UnsafePointer(table)
    }

    /// Token characters: `[A-Za-z0-9_-]`. A word starts where the previous
    /// byte is not one of these.
    nonisolated(unsafe) static let token: UnsafePointer<Bool> = table { byte in
        isAlphanumeric(UInt8(byte)) || byte == 0x5F || byte == 0x2D
    }

    /// Characters of a parameter or header name in free text.
    nonisolated(unsafe) static let name: UnsafePointer<Bool> = table { byte in
        isAlphanumeric(UInt8(byte)) || [0x5F, 0x2D, 0x2E, 0x25, 0x24, 0x5B, 0x5D].contains(byte)  // _ - . % $ [ ]
    }

    /// base64url characters, as used by JWT parts.
    nonisolated(unsafe) static let base64URL: UnsafePointer<Bool> = table { byte in
        isAlphanumeric(UInt8(byte)) || byte == 0x5F || byte == 0x2D
    }

    /// RFC 7235 token68 characters, as used by Bearer credentials.
    nonisolated(unsafe) static let token68: UnsafePointer<Bool> = table { byte in
        isAlphanumeric(UInt8(byte)) || [0x2D, 0x2E, 0x5F, 0x7E, 0x2B, 0x2F].contains(byte)  // - . _ ~ + /
    }

    /// The classes of the text scan's main loop, one load per byte.
    enum Scan {
        static let other: UInt8 = 0
        /// A token character that starts no detector at a word start.
        static let token: UInt8 = 1
        /// A token character that may start a credential scheme, a JWT, a PEM
        /// block or a token shape at a word start.
        static let detectorStart: UInt8 = 2
        static let equals: UInt8 = 3
        static let colon: UInt8 = 4
        static let at: UInt8 = 5
        static let openBracket: UInt8 = 6
        /// `%`, which may start an encoded space between two words.
        static let percent: UInt8 = 7
    }

    /// The scan classes indexed by `byte | 256` after a token character and
    /// by `byte` elsewhere, so that a letter in the middle of a word is a
    /// plain token without a branch on the previous byte.
    nonisolated(unsafe) static let scan: UnsafePointer<UInt8> = {
        let table = UnsafeMutablePointer<UInt8>.allocate(capacity: 512)
        for byte in 0..<256 {
            let byteClass: UInt8
            switch UInt8(byte) {
            // Credential schemes (B, b, D, d, S), JWTs (e), PEM blocks (-),
            // and the first bytes that `matchTokenShape` switches on.
            case UInt8(ascii: "B"), UInt8(ascii: "b"), UInt8(ascii: "D"), UInt8(ascii: "d"), UInt8(ascii: "S"),
                 UInt8(ascii: "e"), UInt8(ascii: "-"), UInt8(ascii: "1"), UInt8(ascii: "A"), UInt8(ascii: "G"),
                 UInt8(ascii: "H"), UInt8(ascii: "g"), UInt8(ascii: "h"), UInt8(ascii: "k"), UInt8(ascii: "n"),
                 UInt8(ascii: "p"), UInt8(ascii: "r"), UInt8(ascii: "w"), UInt8(ascii: "s"), UInt8(ascii: "x"),
                 UInt8(ascii: "y"):
                byteClass = Scan.detectorStart
            case UInt8(ascii: "="): byteClass = Scan.equals
            case UInt8(ascii: ":"): byteClass = Scan.colon
            case UInt8(ascii: "@"): byteClass = Scan.at
            case UInt8(ascii: "["): byteClass = Scan.openBracket
            case UInt8(ascii: "%"): byteClass = Scan.percent
            default: byteClass = isAlphanumeric(UInt8(byte)) || byte == 0x5F ? Scan.token : Scan.other
            }
            table[byte] = byteClass
            table[256 + byte] = byteClass == Scan.detectorStart ? Scan.token : byteClass
        }
        return UnsafePointer(table)
    }()

    /// Bytes that may start something the text scrubber looks at, other than
    /// a word: `=` (parameter), `:` (header or key), `@` (userinfo), `[` (marker).
    nonisolated(unsafe) static let trigger: UnsafePointer<UInt8> = table { byte in
        switch byte {
        case 0x3D: 1  // =
        case 0x3A: 2  // :
        case 0x40: 3  // @
        case 0x5B: 5  // [
        default: 0
        }
    }

    @inline(__always)
    static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || ((byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A)
    }

    @inline(__always)
    static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
    }

    @inline(__always)
    static func lowercased(_ byte: UInt8) -> UInt8 {
        (byte >= 0x41 && byte <= 0x5A) ? byte | 0x20 : byte
    }

    @inline(__always)
    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: byte - 0x30
        case 0x41...0x46: byte - 0x41 + 10
        case 0x61...0x66: byte - 0x61 + 10
        default: nil
        }
    }
}

/// ASCII bytes by name, for readable comparisons in the scanners.
enum ASCII {
    static let quote = UInt8(ascii: "\"")
    static let backslash = UInt8(ascii: "\\")
    static let openBrace = UInt8(ascii: "{")
    static let closeBrace = UInt8(ascii: "}")
    static let openBracket = UInt8(ascii: "[")
    static let closeBracket = UInt8(ascii: "]")
    static let colon = UInt8(ascii: ":")
    static let comma = UInt8(ascii: ",")
    static let newline = UInt8(ascii: "\n")
    static let carriageReturn = UInt8(ascii: "\r")
    static let space = UInt8(ascii: " ")
    static let tab = UInt8(ascii: "\t")
    static let equals = UInt8(ascii: "=")
    static let semicolon = UInt8(ascii: ";")
    static let ampersand = UInt8(ascii: "&")
    static let percent = UInt8(ascii: "%")
    static let dot = UInt8(ascii: ".")
    static let minus = UInt8(ascii: "-")
    static let at = UInt8(ascii: "@")
}
