import Foundation
import Testing

@Suite("logsieve check")
struct CheckCommandTests {
    @Test("secret in NDJSON is reported by line and path")
    func findsSecret() throws {
        let canary = Canary.make("ndjson")
        let input = "{\"a\":1}\n{\"request\":{\"headers\":[{\"name\":\"Accept\",\"value\":\"*/*\"},{\"name\":\"Authorization\",\"value\":\"Bearer \(canary)\"}]}}\n"
        let run = try LogsieveBinary.run(["check"], input: Data(input.utf8))
        #expect(run.status == 1)
        let output = String(decoding: run.standardOutput, as: UTF8.self)
        #expect(output.hasPrefix("standard input:2: .request.headers[1].value bearer "))
        #expect(!output.contains(canary))
    }

    @Test("secret used as key is shown redacted")
    func secretKey() throws {
        let jwt = Canary.jwt(signature: Canary.make("key"))
        let run = try LogsieveBinary.run(["check"], input: Data("{\"\(jwt)\":{\"a\":\"b\"}}\n".utf8))
        #expect(run.status == 1)
        let output = String(decoding: run.standardOutput, as: UTF8.self)
        #expect(output.contains(".\"[REDACTED:jwt:"))
        #expect(!output.contains(jwt))
    }

    @Test("clean NDJSON exits 0")
    func clean() throws {
        let run = try LogsieveBinary.run(["check"], input: Data("{\"a\":\"hello\"}\n{\"status code\":200}\n".utf8))
        #expect(run.status == 0)
        #expect(run.standardOutput.isEmpty)
    }

    @Test("invalid JSON is unscannable")
    func invalidRecord() throws {
        let run = try LogsieveBinary.run(["check"], input: Data("{\"a\":\"hello\"}\nnot json\n".utf8))
        #expect(run.status == 1)
        #expect(String(decoding: run.standardOutput, as: UTF8.self) == "standard input:2: . unscannable -\n")
    }
}
