// The corpus files read here (Tests/Fixtures/corpus/har/ and idp/) were
// written by other projects: mitmproxy, jfromaniello/har-sanitizer and
// panther-labs/panther-analysis. Tests/Fixtures/corpus/SOURCES.md names
// the commit, path and licence of each.

import Foundation
import Testing

/// Plants a unique canary secret in every string of every real document
/// in the corpus, runs the binary, and searches the output for any trace
/// of a canary: plain, percent-encoded or base64.
@Suite struct CanaryTests {
    static let harDirectory = Binaries.fixture("corpus/har")
    static let idpFile = Binaries.fixture("corpus/idp/panther-idp-rule-tests.jsonl")

    /// The one corpus HAR file that is invalid JSON on purpose.
    static let corruptHAR = "mitmproxy-corrupted_har-brokenfile.har"

    static let validHARFiles: [String] = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: harDirectory)) ?? []
        return names.filter { $0.hasSuffix(".har") && $0 != corruptHAR }.sorted()
    }()

    @Test func corpusIsPresent() {
        #expect(Self.validHARFiles.count == 10)
        #expect(FileManager.default.fileExists(atPath: Self.idpFile))
    }

    /// Plants each HAR file twice: as one compact NDJSON line, and planted afresh
    /// as a pretty-printed value that spans many lines.
    @Test(arguments: validHARFiles)
    func harFile(_ name: String) throws {
        let har = try #require(try loadJSON(Self.harDirectory + "/" + name) as? [String: Any])
        let planter = CanaryPlanter()

        planter.document = "compact line 1"
        let compact = planter.plantInHAREntries(try #require(planter.plantInStrings(har, path: "") as? [String: Any]))
        planter.document = "pretty-printed value"
        let pretty = planter.plantInHAREntries(try #require(planter.plantInStrings(har, path: "") as? [String: Any]))

        var input = try JSONSerialization.data(withJSONObject: compact, options: [.withoutEscapingSlashes])
        input.append(UInt8(ascii: "\n"))
        // The pretty-printed value keeps JSONSerialization's "\/" escapes.
        input.append(try JSONSerialization.data(withJSONObject: pretty, options: [.prettyPrinted]))
        input.append(UInt8(ascii: "\n"))

        try checkRun(name: name, input: Array(input), documentCount: 2, plantings: planter.plantings)
    }

    /// Plants every IdP event of the Panther rule tests, one event per line.
    @Test func idpEvents() throws {
        let lines = try String(contentsOfFile: Self.idpFile, encoding: .utf8).split(separator: "\n")
        let planter = CanaryPlanter()
        var input: [UInt8] = []
        for (index, line) in lines.enumerated() {
            let testCase = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let event = try #require(testCase["log"], "line \(index + 1) has no log field")
            let rule = testCase["rule_id"] as? String ?? "?"
            planter.document = "line \(index + 1) (\(rule))"
            let planted = planter.plantInStrings(event, path: "")
            input += try JSONSerialization.data(withJSONObject: planted, options: [.withoutEscapingSlashes])
            input.append(UInt8(ascii: "\n"))
        }
        #expect(lines.count == 301)

        try checkRun(name: "idp/panther-idp-rule-tests.jsonl", input: input, documentCount: lines.count,
                     plantings: planter.plantings)
    }

    /// The scanner must see each encoding it claims to see, or a clean
    /// result from the tests above would prove nothing.
    @Test func scannerFindsEncodedForms() {
        let canary = CanaryPlanter().makeCanary()
        let scanner = CanaryScanner(canaries: [canary])
        let bytes = Array(canary.utf8)

        #expect(scanner.findings(in: Array("x \(canary.uppercased()) y".utf8)).map(\.form) == ["plain"])
        let percent = CanaryScanner.percentEncoded(bytes)
        #expect(scanner.findings(in: Array("a=\(percent)".utf8)).map(\.form) == ["percent-encoded"])
        #expect(scanner.findings(in: Array("a=\(percent.uppercased())".utf8)).map(\.form) == ["percent-encoded"])

        for prefixLength in 0..<3 {
            let prefix = [UInt8](repeating: 0xFB, count: prefixLength)
            let suffix: [UInt8] = [0xFF, 0xFE]
            let standard = Data(prefix + bytes + suffix).base64EncodedString()
            let urlSafe = base64URL(prefix + bytes + suffix)
            #expect(
                scanner.findings(in: Array("\"\(standard)\"".utf8)).contains { $0.form.hasPrefix("base64 (") },
                "standard base64 after \(prefixLength) bytes")
            #expect(
                !scanner.findings(in: Array("\"\(urlSafe)\"".utf8)).isEmpty,
                "url-safe base64 after \(prefixLength) bytes")
        }
        #expect(scanner.findings(in: Array("cnryx0123 nothing here".utf8)).isEmpty)
    }

    @Test func corruptHARBecomesEnvelope() throws {
        let path = Self.harDirectory + "/" + Self.corruptHAR
        let contents = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect((try? JSONSerialization.jsonObject(with: contents)) == nil)

        // The file is `{"log":` and `"request:"}` around a valid array that
        // starts in column 1, which the framer takes as a value of its own.
        let result = try runLogsieve([path])
        #expect(result.exitStatus == 0)
        let lines = result.outputLines
        #expect(lines.count == 3)
        #expect(lines.first?.hasPrefix(#"{"logsieve_invalid":{"reason":"#) == true)
        #expect(lines.last?.hasPrefix(#"{"logsieve_invalid":{"reason":"#) == true)
        for line in lines {
            #expect(isJSON(line))
        }
    }

    /// Plants every IdP event again and writes every other character of
    /// every key and string as a `\uXXXX` escape, which logsieve must
    /// decode before it matches key rules, schemes and parameter names.
    @Test func idpEventsEscaped() throws {
        let lines = try String(contentsOfFile: Self.idpFile, encoding: .utf8).split(separator: "\n")
        let planter = CanaryPlanter()
        var input: [UInt8] = []
        var plainInput: [UInt8] = []
        for (index, line) in lines.enumerated() {
            let testCase = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let event = try #require(testCase["log"], "line \(index + 1) has no log field")
            planter.document = "line \(index + 1) (\(testCase["rule_id"] as? String ?? "?"))"
            let planted = planter.plantInStrings(event, path: "")
            input += Array(try escapedJSON(planted).utf8) + [UInt8(ascii: "\n")]
            plainInput += try JSONSerialization.data(withJSONObject: planted) + [UInt8(ascii: "\n")]
        }
        #expect(!input.contains(Array(CanaryPlanter.prefix.utf8)))

        try checkRun(name: "idp/panther-idp-rule-tests.jsonl, escaped", input: input, plainInput: plainInput,
                     documentCount: lines.count, plantings: planter.plantings)
    }

    /// Runs the binary on `input` and checks its output against the
    /// plantings. `plainInput` is the same documents without escapes, in
    /// which every canary must be visible. Prints the counts, and on
    /// failure names the document, path, shape and encoding of each leaked
    /// canary, never its text.
    private func checkRun(
        name: String, input: [UInt8], plainInput: [UInt8]? = nil, documentCount: Int, plantings: [Planting]
    ) throws {
        let result = try runLogsieve([], input: .bytes(input))
        #expect(!result.timedOut)
        #expect(result.exitStatus == 0, "\(name): \(result.errors)")

        let scanner = CanaryScanner(canaries: plantings.map(\.canary))
        let inStandardError = scanner.findings(in: result.standardError)
        #expect(inStandardError.isEmpty, "\(name): \(inStandardError.count) canaries on stderr")
        #expect(result.errors.isEmpty, "\(name): unexpected stderr")

        let lines = result.outputLines
        #expect(lines.count == documentCount, "\(name): \(lines.count) output lines for \(documentCount) documents")
        for (index, line) in lines.enumerated() {
            #expect(isJSON(line), "\(name): output line \(index + 1) is not valid JSON")
        }

        // Every canary must be visible in the input, so that finding none
        // in the output means something.
        let inInput = Set(scanner.findings(in: plainInput ?? input).map(\.canary))
        let missing = plantings.filter { !inInput.contains($0.canary) }
        #expect(missing.isEmpty, "\(name): \(missing.count) planted canaries are not visible in the input")

        // The output is searched as written and with its JSON escapes
        // decoded, so a canary copied through in escaped form is found too.
        let leaked = scanner.findings(in: result.standardOutput)
            .union(scanner.findings(in: decodedStrings(of: lines)))
        let byCanary = Dictionary(grouping: leaked, by: \.canary)
        let leakedPlantings = plantings.filter { byCanary[$0.canary] != nil }
        print(summary(name: name, plantings: plantings, leaked: leakedPlantings.count))

        let details = leakedPlantings.prefix(40).map { planting in
            let forms = byCanary[planting.canary]!.map(\.form).sorted().joined(separator: ", ")
            return "  \(planting.document) \(planting.path): \(planting.shape.rawValue), found \(forms)"
        }
        #expect(
            leakedPlantings.count == 0,
            "\(name): \(leakedPlantings.count) of \(plantings.count) canaries leaked\n\(details.joined(separator: "\n"))"
        )
    }

    private func summary(name: String, plantings: [Planting], leaked: Int) -> String {
        let counts = Dictionary(grouping: plantings, by: \.shape).mapValues(\.count)
        let shapes = CanaryShape.allCases.compactMap { shape in counts[shape].map { "\(shape.rawValue) \($0)" } }
        return "canaries in \(name): \(plantings.count) planted, \(leaked) leaked (\(shapes.joined(separator: "; ")))"
    }
}

/// Parses a JSON file, skipping a UTF-8 byte order mark.
func loadJSON(_ path: String) throws -> Any {
    var data = try Data(contentsOf: URL(fileURLWithPath: path))
    if data.starts(with: [0xEF, 0xBB, 0xBF]) { data.removeFirst(3) }
    return try JSONSerialization.jsonObject(with: data)
}

/// Returns every key and string of the JSON `lines`, decoded, one per
/// line. Lines that do not parse are left out.
func decodedStrings(of lines: [String]) -> [UInt8] {
    var strings: [String] = []
    func collect(_ value: Any) {
        if let object = value as? [String: Any] {
            for (key, member) in object {
                strings.append(key)
                collect(member)
            }
        } else if let array = value as? [Any] {
            array.forEach(collect)
        } else if let string = value as? String {
            strings.append(string)
        }
    }
    for line in lines {
        if let value = try? JSONSerialization.jsonObject(with: Data(line.utf8), options: [.fragmentsAllowed]) {
            collect(value)
        }
    }
    return Array(strings.joined(separator: "\n").utf8)
}

/// Serializes `value` compactly with every other character of each key
/// and string written as a `\uXXXX` escape (a UTF-16 surrogate pair
/// outside the Basic Multilingual Plane).
func escapedJSON(_ value: Any) throws -> String {
    if let object = value as? [String: Any] {
        let members = try object.keys.sorted().map { key in escapedString(key) + ":" + (try escapedJSON(object[key]!)) }
        return "{" + members.joined(separator: ",") + "}"
    }
    if let array = value as? [Any] {
        return "[" + (try array.map(escapedJSON)).joined(separator: ",") + "]"
    }
    if let string = value as? String {
        return escapedString(string)
    }
    let scalar = try JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed])
    return String(decoding: scalar, as: UTF8.self)
}

private func escapedString(_ string: String) -> String {
    var result = "\""
    for (index, unit) in string.utf16.enumerated() {
        switch unit {
        case 0x22: result += "\\\""
        case 0x5C: result += "\\\\"
        case 0x00..<0x20: result += unicodeEscape(unit)
        default:
            if index % 2 == 0 || UTF16.isLeadSurrogate(unit) || UTF16.isTrailSurrogate(unit) {
                result += unicodeEscape(unit)
            } else {
                result += String(decoding: [unit], as: UTF16.self)
            }
        }
    }
    return result + "\""
}

private func unicodeEscape(_ unit: UInt16) -> String {
    let hex = String(unit, radix: 16)
    return "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
}

func isJSON(_ line: String) -> Bool {
    (try? JSONSerialization.jsonObject(with: Data(line.utf8), options: [.fragmentsAllowed])) != nil
}
