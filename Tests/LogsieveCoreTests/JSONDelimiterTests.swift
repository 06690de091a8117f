import Testing
@testable import LogsieveCore

@Suite struct JSONDelimiterTests {
    private func end(_ text: String) -> Int? {
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBufferPointer { JSONDelimiter.containerEnd($0.baseAddress!, from: 0, end: bytes.count) }
    }

    @Test(arguments: [
        (#"{"a": 1}, {"b": 2}"#, 8),
        (#"{"s": "}]\"{", "t": [1, {"u": "\\"}]}x"#, 37),
        (#"[{"long": "0123456789abcdefghijklmnop\"qrstuvwxyz"}] "#, 52),
        ("{}", 2),
    ])
    func findsContainerEnd(text: String, expected: Int) {
        #expect(end(text) == expected)
    }

    @Test(arguments: [#"{"a": [1, 2"#, #"{"a": "unterminated}"#, #"{"a": "x\"}"#, "{"])
    func incompleteContainerHasNoEnd(text: String) {
        #expect(end(text) == nil)
    }
}
