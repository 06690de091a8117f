import Foundation
import Testing

@Suite("logsieve har canaries")
struct HARCanaryTests {
    /// Every string in the output, plus the base64-decoded form of each
    /// string that decodes, so that a canary inside a re-encoded body counts.
    static func searchableText(_ data: Data) -> String {
        var text = String(decoding: data, as: UTF8.self)
        let object = try? JSONSerialization.jsonObject(with: data)
        var strings: [String] = []
        func collect(_ value: Any) {
            if let string = value as? String { strings.append(string) }
            if let array = value as? [Any] { array.forEach(collect) }
            if let object = value as? [String: Any] { object.values.forEach(collect) }
        }
        if let object { collect(object) }
        for string in strings {
            text += "\n" + string
            let decodedPercent = string.removingPercentEncoding ?? string
            text += "\n" + decodedPercent
            for candidate in [string, decodedPercent] {
                for part in candidate.split(whereSeparator: { "&?#\"".contains($0) }) {
                    var values = [String(part)]
                    if let equals = part.firstIndex(of: "=") { values.append(String(part[part.index(after: equals)...])) }
                    for value in values {
                        if let decoded = Data(base64Encoded: value) { text += "\n" + String(decoding: decoded, as: UTF8.self) }
                    }
                }
            }
        }
        return text
    }

    @Test("no canary survives")
    func noCanarySurvives() throws {
        let har = SyntheticHAR()
        let scratch = try ScratchDirectory()
        let input = scratch.path("synthetic.har")
        try har.data.write(to: URL(fileURLWithPath: input))
        let output = scratch.path("synthetic.sanitized.har")
        let run = try LogsieveBinary.run(["har", input])
        #expect(run.status == 0, "\(run.standardError)")
        let sanitized = try Data(contentsOf: URL(fileURLWithPath: output))
        #expect(try HARFixtures.entryCount(sanitized) == har.entries.count)

        let text = Self.searchableText(sanitized)
        for (label, canary) in har.canaries {
            #expect(!text.contains(canary), "canary \(label) survived")
        }
        #expect(!text.contains(har.samlSignature))
        #expect(!text.contains(har.samlAssertionText), "a SAMLResponse is replaced whole by default")
        // Names and structure stay.
        #expect(text.contains("RelayState"))
        #expect(text.contains("[REDACTED:saml:"))
        #expect(text.contains("name=\"password\""))
    }

    @Test("keep-unsigned SAML drops only the signature")
    func samlKeepUnsigned() throws {
        let har = SyntheticHAR()
        let scratch = try ScratchDirectory()
        let input = scratch.path("saml.har")
        try har.data.write(to: URL(fileURLWithPath: input))
        let run = try LogsieveBinary.run(["har", "--saml", "keep-unsigned", "-o", "-", input])
        #expect(run.status == 0, "\(run.standardError)")
        let text = Self.searchableText(run.standardOutput)
        #expect(!text.contains(har.samlSignature))
        #expect(text.contains(har.samlAssertionText))
        #expect(text.contains("<ds:SignatureValue></ds:SignatureValue>"))
        for (label, canary) in har.canaries {
            #expect(!text.contains(canary), "canary \(label) survived")
        }
    }

    @Test("check reports paths, then nothing")
    func checkReportsPaths() throws {
        let har = SyntheticHAR()
        let scratch = try ScratchDirectory()
        let input = scratch.path("synthetic.har")
        try har.data.write(to: URL(fileURLWithPath: input))
        let check = try LogsieveBinary.run(["har", "--check", "--format", "json", input])
        #expect(check.status == 1)
        let lines = String(decoding: check.standardOutput, as: UTF8.self).split(separator: "\n")
        let findings = lines.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(findings.count == lines.count)
        let pairs = Set(findings.map { "\($0["path"]!) \($0["kind"]!)" })
        for expected in [
            ".log.entries[0].request.headers[1].value bearer",
            ".log.entries[0].request.headers[0].value oauth_code",
            ".log.entries[0].request.cookies[0].value cookie",
            ".log.entries[0].request.queryString[0].value token",
            ".log.entries[0].request.url oauth_state",
            ".log.entries[1].response.redirectURL jwt",
            ".log.entries[1]._initiator.url api_key",
            ".log.entries[2].request.postData.params[1].value password",
            ".log.entries[4].response.content.text token",
            ".log.entries[5].request.postData.text password",
            ".log.entries[6].request.postData.params[0].value saml",
            ".log.entries[7]._webSocketMessages[1].data session",
            ".log.creator.comment password",
        ] {
            #expect(pairs.contains(expected), "missing finding \(expected)")
        }
        let output = String(decoding: check.standardOutput, as: UTF8.self)
        for (label, canary) in har.canaries {
            #expect(!output.contains(canary), "check printed canary \(label)")
        }

        let sanitized = scratch.path("synthetic.sanitized.har")
        #expect(try LogsieveBinary.run(["har", "-o", sanitized, input]).status == 0)
        let clean = try LogsieveBinary.run(["har", "--check", sanitized])
        #expect(clean.status == 0)
        #expect(clean.standardOutput.isEmpty)
    }

    @Test("undecodable base64 body is unscannable")
    func undecodableBody() throws {
        let scratch = try ScratchDirectory()
        let input = scratch.path("bad64.har")
        let document = "{\"log\":{\"version\":\"1.2\",\"entries\":[{\"response\":{\"content\":{\"encoding\":\"base64\",\"text\":\"not base64 at all!\"}}}]}}"
        try Data(document.utf8).write(to: URL(fileURLWithPath: input))
        let check = try LogsieveBinary.run(["har", "--check", input])
        #expect(check.status == 1)
        #expect(String(decoding: check.standardOutput, as: UTF8.self).contains(".log.entries[0].response.content.text unscannable -"))
        let run = try LogsieveBinary.run(["har", "-o", "-", input])
        #expect(String(decoding: run.standardOutput, as: UTF8.self).contains("\"text\":\"[REDACTED:unscannable]\""))
    }

    @Test("report counts by kind and path")
    func report() throws {
        let har = SyntheticHAR()
        let scratch = try ScratchDirectory()
        let input = scratch.path("synthetic.har")
        try har.data.write(to: URL(fileURLWithPath: input))
        let reportPath = scratch.path("report.json")
        #expect(try LogsieveBinary.run(["har", "--report", reportPath, input]).status == 0)
        let data = try Data(contentsOf: URL(fileURLWithPath: reportPath))
        let report = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let byKind = try #require(report["by_kind"] as? [String: Int])
        #expect(byKind["bearer"] == 1)
        let rows = try #require(report["by_path"] as? [[String: Any]])
        #expect(rows.contains { $0["path"] as? String == ".log.entries[].request.headers[].value" })
        let text = String(decoding: data, as: UTF8.self)
        for canary in har.canaries.values { #expect(!text.contains(canary)) }
        let mode = try FileManager.default.attributesOfItem(atPath: reportPath)[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }
}
