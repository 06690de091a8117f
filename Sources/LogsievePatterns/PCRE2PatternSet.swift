import CPCRE2
import Glibc
import LogsieveCore

/// The custom value patterns compiled with PCRE2 for one thread, with JIT
/// where the platform supports it. Not thread-safe: one set per redactor,
/// because the match data is reused for every search.
public final class PCRE2PatternSet: ValuePatternMatcher {
    private struct Compiled {
        let code: OpaquePointer
        let matchData: OpaquePointer
        let kind: SecretKind
        let literal: [UInt8]
    }

    private let patterns: [Compiled]
    private let matchContext: OpaquePointer
    public let definitions: [ValuePatternDefinition]

    /// Compiles every pattern. Throws the first that PCRE2 rejects.
    public init(_ definitions: [ValuePatternDefinition], limits: ValuePatternLimits = .default) throws(ValuePatternError) {
        guard let context = pcre2_match_context_create_8(nil) else {
            throw ValuePatternError(name: "", message: "PCRE2 could not allocate a match context", offset: 0)
        }
        pcre2_set_match_limit_8(context, limits.matchLimit)
        pcre2_set_depth_limit_8(context, limits.depthLimit)
        var compiled: [Compiled] = []
        do throws(ValuePatternError) {
            for definition in definitions {
                let code = try Self.compile(definition)
                // JIT is an optimisation: where it fails, the interpreter runs.
                _ = pcre2_jit_compile_8(code, PCRE2_JIT_COMPLETE)
                guard let matchData = pcre2_match_data_create_from_pattern_8(code, nil) else {
                    pcre2_code_free_8(code)
                    throw ValuePatternError(name: definition.name, message: "PCRE2 could not allocate match data", offset: 0)
                }
                compiled.append(Compiled(code: code, matchData: matchData, kind: definition.kind,
                                         literal: Array((definition.literal ?? "").utf8)))
            }
        } catch {
            for pattern in compiled {
                pcre2_match_data_free_8(pattern.matchData)
                pcre2_code_free_8(pattern.code)
            }
            pcre2_match_context_free_8(context)
            throw error
        }
        patterns = compiled
        matchContext = context
        self.definitions = definitions
    }

    deinit {
        for pattern in patterns {
            pcre2_match_data_free_8(pattern.matchData)
            pcre2_code_free_8(pattern.code)
        }
        pcre2_match_context_free_8(matchContext)
    }

    /// Checks that PCRE2 compiles `definition`, for `config check`.
    public static func validate(_ definition: ValuePatternDefinition) throws(ValuePatternError) {
        pcre2_code_free_8(try compile(definition))
    }

    private static func compile(_ definition: ValuePatternDefinition) throws(ValuePatternError) -> OpaquePointer {
        var options = UInt32(PCRE2_UTF | PCRE2_MATCH_INVALID_UTF)
        if definition.caseless { options |= UInt32(PCRE2_CASELESS) }
        var errorCode: Int32 = 0
        var errorOffset = 0
        let bytes = Array(definition.expression.utf8)
        let code = bytes.withUnsafeBufferPointer { buffer in
            pcre2_compile_8(buffer.baseAddress, buffer.count, options, &errorCode, &errorOffset, nil)
        }
        guard let code else {
            throw ValuePatternError(name: definition.name, message: errorMessage(errorCode), offset: errorOffset)
        }
        return code
    }

    /// Returns whether `text` contains `literal`, with memchr for its first byte and then memcmp.
    private static func contains(_ text: UnsafePointer<UInt8>, count: Int, _ literal: [UInt8]) -> Bool {
        literal.withUnsafeBufferPointer { needle in
            let length = needle.count
            var index = 0
            while count - index >= length {
                guard let found = memchr(text + index, Int32(needle[0]), count - index - length + 1) else { return false }
                let position = found.assumingMemoryBound(to: UInt8.self) - UnsafeMutablePointer(mutating: text)
                if memcmp(text + position, needle.baseAddress!, length) == 0 { return true }
                index = position + 1
            }
            return false
        }
    }

    private static func errorMessage(_ code: Int32) -> String {
        var buffer = [UInt8](repeating: 0, count: 256)
        let length = pcre2_get_error_message_8(code, &buffer, buffer.count)
        guard length > 0 else { return "PCRE2 error \(code)" }
        return String(decoding: buffer[..<Int(length)], as: UTF8.self)
    }

    public func collectMatches(_ text: UnsafePointer<UInt8>, count: Int, into matches: inout [ValuePatternMatch]) -> SecretKind? {
        // NOTE: each pattern checks its literal on its own, so the prefilter
        // costs one memchr pass per pattern per value. One multi-literal
        // search (Aho-Corasick) would make it independent of the count.
        for pattern in patterns {
            if !pattern.literal.isEmpty {
                if !Self.contains(text, count: count, pattern.literal) { continue }
            }
            var offset = 0
            while offset <= count {
                let result = pcre2_match_8(pattern.code, text, count, offset, 0, pattern.matchData, matchContext)
                if result == PCRE2_ERROR_NOMATCH { break }
                // A limit, a JIT stack overflow or an internal error: the
                // pattern might have matched, so the caller redacts the value.
                guard result >= 0 else { return pattern.kind }
                let vector = pcre2_get_ovector_pointer_8(pattern.matchData)!
                let start = Int(vector[0])
                let end = Int(vector[1])
                if end > start {
                    matches.append(ValuePatternMatch(start: start, end: end, kind: pattern.kind))
                    offset = end
                } else {
                    // An empty match redacts nothing; search on from the next byte.
                    offset = end + 1
                }
            }
        }
        return nil
    }
}
