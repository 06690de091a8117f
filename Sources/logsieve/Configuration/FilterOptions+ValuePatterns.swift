import LogsieveCore
import LogsievePatterns

extension FilterOptions {
    /// Compiles the custom value patterns for one redactor, or returns nil
    /// when there are none. Each redactor needs its own set.
    func makeValuePatterns() throws(RuntimeFailure) -> PCRE2PatternSet? {
        guard !valuePatterns.isEmpty else { return nil }
        do {
            return try PCRE2PatternSet(valuePatterns, limits: patternLimits)
        } catch {
            throw RuntimeFailure("pattern '\(error.name)': \(error.message)")
        }
    }

    /// Makes a redactor with this configuration and its own compiled patterns.
    func makeRedactor(key: FingerprintKey) throws(RuntimeFailure) -> Redactor {
        Redactor(configuration: redactorConfiguration(), fingerprinter: Fingerprinter(key: key),
                 valuePatterns: try makeValuePatterns())
    }
}
