import Foundation
import Testing
@testable import LogsieveCore

/// The README documents the key rules as data; these tests keep it in step
/// with the code.
@Suite struct DocumentationTests {
    static let readme: String = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return (try? String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)) ?? ""
    }()

    static var documentedNames: [String] {
        KeyRuleSet.defaultExactRules.map(\.0) + KeyRuleSet.defaultSuffixRules.map(\.0)
            + KeyRuleSet.defaultExclusions + KeyRuleSet.defaultURLParameterRules.map(\.0)
    }

    @Test(arguments: documentedNames)
    func readmeNamesRule(name: String) {
        #expect(Self.readme.contains("`\(name)`"), "README.md does not list the rule `\(name)`")
    }

    @Test(arguments: SecretKind.allCases)
    func readmeNamesKind(kind: SecretKind) {
        #expect(Self.readme.contains("`\(kind.name)`"), "README.md does not name the kind `\(kind.name)`")
    }
}
