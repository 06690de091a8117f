/// librdkafka configuration properties in the order they were given, as
/// kcat takes them: `-X name=value`, a properties file, environment
/// variables. A later value for the same name replaces an earlier one.
public struct KafkaProperties: Sendable, Equatable {
    public private(set) var entries: [(name: String, value: String)] = []

    public init() {}

    public init(_ entries: [(String, String)]) {
        for (name, value) in entries { self[name] = value }
    }

    public subscript(name: String) -> String? {
        get { entries.last(where: { $0.name == name })?.value }
        set {
            entries.removeAll { $0.name == name }
            if let newValue { entries.append((name, newValue)) }
        }
    }

    /// Adds every entry of `other`, replacing values of the same names.
    public mutating func merge(_ other: KafkaProperties) {
        for (name, value) in other.entries { self[name] = value }
    }

    /// Parses one `name=value` argument of `-X`.
    public static func parseAssignment(_ text: String) throws(KafkaError) -> (String, String) {
        guard let equals = text.firstIndex(of: "="), equals != text.startIndex else {
            throw KafkaError("'\(KafkaProperties.maskedAssignment(text))' is not a librdkafka property assignment; write -X name=value, e.g. -X security.protocol=SASL_SSL")
        }
        let name = text[..<equals].trimmed(of: " \t")
        let value = String(text[text.index(after: equals)...])
        return (name, value)
    }

    /// Parses a Java-style properties file as kcat's `-F` does: `name=value`
    /// lines, `#` and `!` comments, blank lines ignored. `fileName` only
    /// names the file in errors.
    public static func parseFile(_ text: String, fileName: String) throws(KafkaError) -> KafkaProperties {
        var properties = KafkaProperties()
        var lineNumber = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let line = rawLine.trimmed(of: " \t\r")
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix("!") { continue }
            guard let equals = line.firstIndex(of: "="), equals != line.startIndex else {
                throw KafkaError("\(fileName) line \(lineNumber) is not a name=value property; fix or comment it with #")
            }
            let name = line[..<equals].trimmed(of: " \t")
            let value = line[line.index(after: equals)...].trimmed(of: " \t")
            properties[name] = value
        }
        return properties
    }

    /// Reads `LOGSIEVE_KAFKA_X_<NAME>` variables: the name is lower-cased
    /// and `_` becomes `.`, so `LOGSIEVE_KAFKA_X_SASL_PASSWORD` sets
    /// `sasl.password`. Variables are applied in name order.
    public static func fromEnvironment(_ environment: [String: String], prefix: String = "LOGSIEVE_KAFKA_X_") -> KafkaProperties {
        var properties = KafkaProperties()
        for (variable, value) in environment.sorted(by: { $0.key < $1.key }) where variable.hasPrefix(prefix) {
            let name = String(variable.dropFirst(prefix.count).lowercased().map { $0 == "_" ? "." : $0 })
            guard !name.isEmpty else { continue }
            properties[name] = value
        }
        return properties
    }

    public static func == (lhs: KafkaProperties, rhs: KafkaProperties) -> Bool {
        lhs.entries.map(\.name) == rhs.entries.map(\.name) && lhs.entries.map(\.value) == rhs.entries.map(\.value)
    }
}

extension KafkaProperties {
    /// Name fragments of properties whose values may be credentials, such as
    /// `sasl.password`, `ssl.key.pem`, `sasl.oauthbearer.client.secret` and
    /// `sasl.jaas.config`. Paths like `ssl.key.location` are masked too,
    /// because one rule is easier to trust than a list of exceptions.
    static let sensitiveFragments = ["password", "secret", "key", "token", "jaas", "credential"]

    /// Whether the value of `name` must never be logged.
    public static func isSensitive(_ name: String) -> Bool {
        let lowered = name.lowercased()
        return sensitiveFragments.contains { lowered.contains($0) }
    }

    /// The value as it may appear in a log line.
    public static func maskedValue(name: String, value: String) -> String {
        isSensitive(name) ? "[MASKED]" : value
    }

    static func maskedAssignment(_ text: String) -> String {
        guard let equals = text.firstIndex(of: "=") else { return isSensitive(text) ? "[MASKED]" : text }
        let name = String(text[..<equals])
        return "\(name)=\(maskedValue(name: name, value: String(text[text.index(after: equals)...])))"
    }

    /// `name=value` pairs for logs, with credential values masked.
    public var maskedDescription: String {
        entries.map { "\($0.name)=\(Self.maskedValue(name: $0.name, value: $0.value))" }.joined(separator: " ")
    }
}

extension StringProtocol {
    func trimmed(of characters: String) -> String {
        var slice = Substring(self)
        while let first = slice.first, characters.contains(first) { slice = slice.dropFirst() }
        while let last = slice.last, characters.contains(last) { slice = slice.dropLast() }
        return String(slice)
    }
}
