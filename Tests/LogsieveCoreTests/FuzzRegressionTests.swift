import Testing
@testable import LogsieveCore

/// Inputs that the libFuzzer targets in `Tests/Fuzz` found to break an
/// oracle, minimised, kept here so that the fixes stay fixed.
@Suite struct FuzzRegressionTests {
    /// The expression target found that a path starting with a bracket
    /// printed without its leading `.` (`[]` for `.[]`), which `parse`
    /// rejects, and that a key with a quote printed unescaped.
    @Test(arguments: [
        (".[]", ".[]"), (".[0]", ".[0]"), (".[2].a", ".[2].a"), (".a[]", ".a[]"), (#"."a\"b""#, #"."a\"b""#),
        (#"."back\\slash""#, #"."back\\slash""#), (#"."new\nline""#, #"."new\nline""#), (#".["x y"]"#, #"."x y""#),
        (#"."""#, #"."""#), (".", "."),
    ])
    func pathDescriptionParsesBack(text: String, printed: String) throws {
        let path = try JSONPath.parse(text)
        #expect(path.description == printed)
        #expect(try JSONPath.parse(path.description) == path)
    }
}
