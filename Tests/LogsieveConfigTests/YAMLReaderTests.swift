import LogsieveConfig
import Testing

@Suite("YAML reader")
struct YAMLReaderTests {
    @Test("mapping keeps positions")
    func mappingPositions() throws {
        let root = try #require(try YAMLReader.parse("a: 1\nb:\n  - x\n  - 'y'\n"))
        guard case .mapping(let members) = root.value else {
            Issue.record("expected a mapping")
            return
        }
        #expect(members.count == 2)
        #expect(members[1].key.mark == YAMLMark(line: 2, column: 1))
        guard case .sequence(let items) = members[1].value.value else {
            Issue.record("expected a list")
            return
        }
        #expect(items[1].mark == YAMLMark(line: 4, column: 5))
        #expect(items[1].scalarText == "y")
    }

    @Test("JSON document parses")
    func jsonDocument() throws {
        let root = try #require(try YAMLReader.parse("{\n  \"threads\": 2,\n  \"redaction\": {\"redact_keys\": [\"x-api\"]}\n}\n"))
        guard case .mapping(let members) = root.value else {
            Issue.record("expected a mapping")
            return
        }
        #expect(members.map { $0.key.scalarText } == ["threads", "redaction"])
        #expect(members[0].key.mark == YAMLMark(line: 2, column: 3))
    }

    @Test("JSON syntax error has line and column")
    func jsonSyntaxError() {
        do {
            _ = try YAMLReader.parse("{\n  \"threads\": 2,\n  \"x\" 3\n}\n")
            Issue.record("expected a syntax error")
        } catch {
            #expect(error.mark.line == 3)
        }
    }

    @Test("duplicate key is rejected")
    func duplicateKey() {
        do {
            _ = try YAMLReader.parse("a: 1\na: 2\n")
            Issue.record("expected an error")
        } catch {
            #expect(error.mark == YAMLMark(line: 2, column: 1))
            #expect(error.message.contains("duplicate"))
        }
    }

    @Test("alias is rejected")
    func aliasRejected() {
        #expect(throws: YAMLSyntaxError.self) { try YAMLReader.parse("a: &x 1\nb: *x\n") }
    }

    @Test("empty file has no root")
    func emptyFile() throws {
        #expect(try YAMLReader.parse("# only a comment\n") == nil)
    }
}
