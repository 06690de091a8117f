import LogsieveCore

extension OptionValue {
    /// Parses `--replace-kind KIND=MODE`, such as `password=mask`.
    static func replacementOverride(_ text: String) throws(UsageError) -> (SecretKind, ReplacementMode) {
        let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
        guard parts.count == 2, let kind = SecretKind.named(parts[0]) else {
            throw UsageError("--replace-kind expects KIND=MODE with a kind such as password or bearer, not '\(text)'")
        }
        guard let mode = ReplacementMode(rawValue: parts[1]) else {
            throw UsageError("--replace-kind expects the mode fingerprint, mask or remove after =, not '\(parts[1])'")
        }
        return (kind, mode)
    }
}
