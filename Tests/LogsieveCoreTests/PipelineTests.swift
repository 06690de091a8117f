import Testing
@testable import LogsieveCore

@Suite struct PipelineTests {
    static let events = """
    {"eventType": "user.session.start", "actor": {"id": "u1"}, "n": 1, "list": ["a", "b"]}
    {"eventType": "user.session.end", "actor": {"id": "u2"}, "n": 2.0, "password": "p"}
    {"eventType": "user.session.start", "actor": {"id": "u3", "alternateId": null}}

    """

    private func run(_ pipeline: String) throws -> [String] {
        try runPipeline(Self.events, pipeline: pipeline).split(separator: "\n").map(String.init)
    }

    @Test func selectEquals() throws {
        let lines = try run(#"select(.eventType == "user.session.start")"#)
        #expect(lines.count == 2)
        #expect(lines.allSatisfy { $0.contains("user.session.start") })
    }

    @Test func selectNotEqualsAndNumbers() throws {
        #expect(try run(#"select(.eventType != "user.session.start")"#).count == 1)
        #expect(try run("select(.n == 2)").count == 1)
        #expect(try run("select(.actor.alternateId == null)").count == 3)
        #expect(try run(#"select(.list[] == "b")"#).count == 1)
        #expect(try run(#"select(.list[0] == "a")"#).count == 1)
    }

    @Test func selectHas() throws {
        #expect(try run("select(has(.password))").count == 1)
        #expect(try run(#"select(has("n"))"#).count == 2)
        #expect(try run(#"select(has(.actor."alternateId"))"#).count == 1)
    }

    @Test func selectAfterRedactSeesRedactedValues() throws {
        #expect(try run(#"redact | select(.password == "p")"#).isEmpty)
        #expect(try run(#"select(.password == "p")"#).count == 1)
    }

    @Test func deletePaths() throws {
        let lines = try run("del(.actor.id) | del(.list[0])")
        #expect(lines[0] == #"{"eventType": "user.session.start","actor": {},"n": 1,"list": ["b"]}"#)
        #expect(try run("del(.list[])")[0].contains(#""list": []"#))
    }

    @Test func redactIsAppended() throws {
        let expression = try PipelineExpression.parse("select(has(.a))").ensuringRedaction()
        #expect(expression.stages.last == .redact)
        #expect(try PipelineExpression.parse("redact | del(.a)").ensuringRedaction().stages.count == 2)
    }

    @Test(arguments: [
        ("enrichx", 1, "unknown stage 'enrichx'"),
        ("redact |", 9, "expected a stage, found the end of the expression"),
        ("select(.a = 1)", 11, "expected '==' (one '=' assigns in jq)"),
        ("select(.a == )", 14, "expected a string, a number, true, false or null"),
        ("del(.a", 7, "expected ')' to close del, found the end of the expression"),
        ("redact redact", 8, "expected '|' or the end of the pipeline, found 'r'"),
        (#"select(.a == "x)"#, 14, "unterminated string"),
        ("del(.)", 1, "del(.) would delete the whole event"),
    ])
    func syntaxErrorsNameTheColumn(text: String, column: Int, message: String) {
        #expect(throws: ExpressionError(message, column: column)) {
            try PipelineExpression.parse(text)
        }
    }

    @Test func pathParsing() throws {
        #expect(try JSONPath.parse(#".a."b c"[0][]["d"]"#).components
            == [.key(Array("a".utf8)), .key(Array("b c".utf8)), .index(0), .iterate, .key(Array("d".utf8))])
        #expect(try JSONPath.parse(".").components.isEmpty)
        #expect(try JSONPath.parse(".records[]").description == ".records[]")
    }
}
