import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A canary found in output bytes, and in which encoding.
struct CanaryFinding: Hashable, Sendable {
    let canary: String
    let form: String
}

/// Finds planted canaries in bytes: in plain form, percent-encoded (every
/// byte as %XX, in either letter case), and in standard and url-safe
/// base64 at each of the three byte alignments.
///
/// When the canary starts at alignment `a` (the number of bytes before it,
/// modulo 3), the base64 of the whole text contains the encoding of the
/// canary's bytes from `(3 - a) % 3` on, cut to whole 3-byte groups.
/// That middle part does not depend on the surrounding bytes, so it is
/// what the scanner looks for.
struct CanaryScanner {
    /// Patterns that start with the same anchor and have the same length.
    private struct Family {
        let anchor: [UInt8]
        let length: Int
        let ignoresCase: Bool
        var patterns: [String: CanaryFinding] = [:]
    }

    private var families: [Family] = []

    init(canaries: some Sequence<String>) {
        var byAnchor: [String: Family] = [:]
        func add(_ pattern: String, form: String, canary: String, ignoresCase: Bool) {
            let bytes = Array(pattern.utf8)
            let anchor = Array(bytes.prefix(4))
            let key = "\(ignoresCase) \(bytes.count) " + String(decoding: anchor, as: UTF8.self)
            byAnchor[key, default: Family(anchor: anchor, length: bytes.count, ignoresCase: ignoresCase)]
                .patterns[pattern] = CanaryFinding(canary: canary, form: form)
        }

        for canary in canaries {
            let bytes = Array(canary.utf8)
            add(canary, form: "plain", canary: canary, ignoresCase: true)
            add(Self.percentEncoded(bytes), form: "percent-encoded", canary: canary, ignoresCase: true)
            for alignment in 0..<3 {
                let skipped = (3 - alignment) % 3
                let groupBytes = (bytes.count - skipped) / 3 * 3
                let middle = Data(bytes[skipped..<(skipped + groupBytes)]).base64EncodedString()
                add(middle, form: "base64 (alignment \(alignment))", canary: canary, ignoresCase: false)
                let urlSafe = middle.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
                if urlSafe != middle {
                    add(urlSafe, form: "base64url (alignment \(alignment))", canary: canary, ignoresCase: false)
                }
            }
        }
        families = Array(byAnchor.values)
        for family in families {
            precondition(family.patterns.keys.allSatisfy { Array($0.utf8.prefix(4)) == family.anchor })
        }
    }

    /// Returns every canary form that occurs in `bytes`.
    func findings(in bytes: [UInt8]) -> Set<CanaryFinding> {
        // JSON may escape "/" as "\/", which would split a base64 pattern.
        let unescaped = Self.removingEscapedSlashes(bytes)
        let lowercased = unescaped.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }

        var found = Set<CanaryFinding>()
        for family in families {
            let haystack = family.ignoresCase ? lowercased : unescaped
            for start in Self.occurrences(of: family.anchor, in: haystack) where start + family.length <= haystack.count {
                let candidate = String(decoding: haystack[start..<(start + family.length)], as: UTF8.self)
                if let finding = family.patterns[candidate] { found.insert(finding) }
            }
        }
        return found
    }

    static func percentEncoded(_ bytes: [UInt8]) -> String {
        bytes.map { "%" + String($0, radix: 16).leftPadded(to: 2) }.joined()
    }

    /// Returns the start of every occurrence of `needle` in `haystack`. Glibc's
    /// `memmem` is not visible to Swift, so `memchr` finds each candidate
    /// first byte and `memcmp` checks the rest.
    private static func occurrences(of needle: [UInt8], in haystack: [UInt8]) -> [Int] {
        var starts: [Int] = []
        haystack.withUnsafeBytes { hay in
            needle.withUnsafeBytes { pattern in
                guard let base = hay.baseAddress, let first = pattern.first, hay.count >= pattern.count else { return }
                let lastStart = hay.count - pattern.count
                var offset = 0
                while offset <= lastStart {
                    guard let match = memchr(base + offset, Int32(first), lastStart - offset + 1) else { break }
                    let start = base.distance(to: UnsafeRawPointer(match))
                    if memcmp(match, pattern.baseAddress!, pattern.count) == 0 { starts.append(start) }
                    offset = start + 1
                }
            }
        }
        return starts
    }

    private static func removingEscapedSlashes(_ bytes: [UInt8]) -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "\\"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "/") {
                index += 1
            }
            result.append(bytes[index])
            index += 1
        }
        return result
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: max(0, width - count)) + self
    }
}
