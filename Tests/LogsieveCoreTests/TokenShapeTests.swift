import Testing
@testable import LogsieveCore

// Every token below is built from repeated characters, so none of them is a
// real credential. They have the shape of real tokens but not their randomness.

/// A token-shaped value and the kind it must be reported as.
struct TokenShapeCase: Sendable, CustomTestStringConvertible {
    var label: String
    var value: String
    var kind: SecretKind

    var testDescription: String { label }
}

/// Builds `count` bytes by repeating `unit` and cutting the last copy short.
private func filler(_ unit: String, count: Int) -> String {
    String(String(repeating: unit, count: count / unit.count + 1).prefix(count))
}

private let hex32 = filler("0a1b2c3d", count: 32)
private let hex64 = filler("4e5f6a7b", count: 64)

private let positiveCases: [TokenShapeCase] = [
    // AWS
    TokenShapeCase(label: "AWS AKIA", value: "AKIA" + filler("Z2Y3", count: 16), kind: .awsAccessKey),
    TokenShapeCase(label: "AWS ASIA", value: "ASIA" + filler("Q7R6", count: 16), kind: .awsAccessKey),
    TokenShapeCase(label: "AWS ABIA", value: "ABIA" + filler("M4N5", count: 16), kind: .awsAccessKey),
    TokenShapeCase(label: "AWS ACCA", value: "ACCA" + filler("P2W7", count: 16), kind: .awsAccessKey),
    TokenShapeCase(label: "AWS A3T", value: "A3TX" + filler("K3L4", count: 16), kind: .awsAccessKey),
    // GitHub
    TokenShapeCase(label: "GitHub ghp_", value: "ghp_" + String(repeating: "A1b2", count: 9), kind: .githubToken),
    TokenShapeCase(label: "GitHub gho_", value: "gho_" + String(repeating: "C3d4", count: 9), kind: .githubToken),
    TokenShapeCase(label: "GitHub ghu_", value: "ghu_" + String(repeating: "E5f6", count: 9), kind: .githubToken),
    TokenShapeCase(label: "GitHub ghs_", value: "ghs_" + String(repeating: "G7h8", count: 9), kind: .githubToken),
    TokenShapeCase(label: "GitHub ghr_", value: "ghr_" + String(repeating: "J9k0", count: 9), kind: .githubToken),
    TokenShapeCase(label: "GitHub github_pat_", value: "github_pat_" + filler("11Ab_cD2", count: 82), kind: .githubToken),
    // GitLab
    TokenShapeCase(label: "GitLab glpat-", value: "glpat-" + filler("a1B2-c3D4_", count: 20), kind: .gitlabToken),
    TokenShapeCase(
        label: "GitLab routable glpat-",
        value: "glpat-" + filler("x9Y8z7", count: 27) + "." + filler("01abc", count: 9),
        kind: .gitlabToken
    ),
    TokenShapeCase(label: "GitLab gldt-", value: "gldt-" + filler("Dd4e", count: 20), kind: .gitlabToken),
    TokenShapeCase(label: "GitLab glptt-", value: "glptt-" + filler("0f1e2d", count: 40), kind: .gitlabToken),
    TokenShapeCase(label: "GitLab glrt-", value: "glrt-" + filler("Rr5s", count: 20), kind: .gitlabToken),
    TokenShapeCase(label: "GitLab gloas-", value: "gloas-" + filler("Oo6p", count: 64), kind: .gitlabToken),
    TokenShapeCase(label: "GitLab glft-", value: "glft-" + filler("Ff7g", count: 20), kind: .gitlabToken),
    TokenShapeCase(label: "GitLab glimt-", value: "glimt-" + filler("Ii8j", count: 25), kind: .gitlabToken),
    TokenShapeCase(label: "GitLab glagent-", value: "glagent-" + filler("Aa9b", count: 50), kind: .gitlabToken),
    TokenShapeCase(label: "GitLab glsoat-", value: "glsoat-" + filler("Ss0t", count: 20), kind: .gitlabToken),
    TokenShapeCase(label: "GitLab glffct-", value: "glffct-" + filler("Ff1c", count: 20), kind: .gitlabToken),
    TokenShapeCase(label: "GitLab glcbt-", value: "glcbt-" + "12345_" + filler("Cc2d", count: 20), kind: .gitlabToken),
    TokenShapeCase(label: "GitLab GR1348941", value: "GR1348941" + filler("Gg3h", count: 20), kind: .gitlabToken),
    // Slack
    TokenShapeCase(
        label: "Slack xoxb-",
        value: "xoxb-" + filler("1", count: 12) + "-" + filler("2", count: 13) + "-" + filler("AbCd", count: 24),
        kind: .slackToken
    ),
    TokenShapeCase(
        label: "Slack xoxp-",
        value: "xoxp-" + filler("3", count: 11) + "-" + filler("4", count: 10) + "-" + filler("5", count: 11)
            + "-" + filler("e7a8", count: 32),
        kind: .slackToken
    ),
    TokenShapeCase(label: "Slack xoxa-", value: "xoxa-2-" + filler("6", count: 9) + "-" + filler("Qq", count: 12), kind: .slackToken),
    TokenShapeCase(label: "Slack xoxa- shortest", value: "xoxa-" + filler("9Qq", count: 8), kind: .slackToken),
    TokenShapeCase(label: "Slack xoxr-", value: "xoxr-" + filler("7Rr", count: 12), kind: .slackToken),
    TokenShapeCase(
        label: "Slack xoxs-",
        value: "xoxs-" + filler("8", count: 10) + "-" + filler("9", count: 10) + "-" + filler("1", count: 10) + "-" + hex32,
        kind: .slackToken
    ),
    TokenShapeCase(label: "Slack xoxd-", value: "xoxd-" + filler("Dd3", count: 30) + "%2F" + filler("Ee4", count: 20) + "%3D", kind: .slackToken),
    TokenShapeCase(label: "Slack xoxe-", value: "xoxe-1-" + filler("Ee5F", count: 146), kind: .slackToken),
    TokenShapeCase(label: "Slack xoxe.xoxp-", value: "xoxe.xoxp-1-" + filler("Mi0y", count: 163), kind: .slackToken),
    TokenShapeCase(
        label: "Slack xapp-",
        value: "xapp-1-A" + filler("0", count: 10) + "-" + filler("5", count: 13) + "-" + hex64,
        kind: .slackToken
    ),
    TokenShapeCase(
        label: "Slack webhook https",
        value: "https://hooks.slack.com/services/T" + filler("0", count: 8) + "/B" + filler("1", count: 8) + "/" + filler("Xy9", count: 24),
        kind: .slackWebhook
    ),
    TokenShapeCase(
        label: "Slack webhook http",
        value: "http://hooks.slack.com/workflows/T" + filler("2", count: 10) + "/A" + filler("3", count: 10) + "/" + filler("4", count: 18)
            + "/" + filler("Zz", count: 24),
        kind: .slackWebhook
    ),
    TokenShapeCase(label: "Slack webhook no scheme", value: "hooks.slack.com/triggers/" + filler("Tt7+/u", count: 56), kind: .slackWebhook),
    // Google
    TokenShapeCase(label: "Google ya29.", value: "ya29." + filler("a0Bc_-", count: 120), kind: .googleOAuth),
    TokenShapeCase(label: "Google ya29.c. service account", value: "ya29.c." + filler("b0Dd.e_-", count: 200), kind: .googleOAuth),
    TokenShapeCase(label: "Google refresh 1//0", value: "1//0" + filler("gAbC-_9", count: 99), kind: .googleOAuth),
    TokenShapeCase(label: "Google AIza", value: "AIza" + filler("Sy1_z-", count: 35), kind: .googleAPIKey),
    // Stripe
    TokenShapeCase(label: "Stripe sk_live_", value: "sk_live_" + filler("51Ab", count: 24), kind: .stripeKey),
    TokenShapeCase(label: "Stripe sk_test_", value: "sk_test_" + filler("4eC3", count: 99), kind: .stripeKey),
    TokenShapeCase(label: "Stripe sk_prod_", value: "sk_prod_" + filler("Pp7q", count: 30), kind: .stripeKey),
    TokenShapeCase(label: "Stripe rk_live_", value: "rk_live_" + filler("Rr8s", count: 24), kind: .stripeKey),
    TokenShapeCase(label: "Stripe rk_test_", value: "rk_test_" + filler("Tt9u", count: 24), kind: .stripeKey),
    TokenShapeCase(label: "Stripe whsec_", value: "whsec_" + filler("a1B2", count: 32), kind: .stripeKey),
    // npm, SendGrid
    TokenShapeCase(label: "npm", value: "npm_" + filler("a1B2", count: 36), kind: .npmToken),
    TokenShapeCase(label: "SendGrid", value: "SG." + filler("Ab1_-", count: 22) + "." + filler("Cd2-_", count: 43), kind: .sendgridKey),
    // OpenAI
    TokenShapeCase(
        label: "OpenAI legacy sk-",
        value: "sk-" + filler("A1b2C", count: 20) + "T3BlbkFJ" + filler("D3e4F", count: 20),
        kind: .openAIKey
    ),
    TokenShapeCase(label: "OpenAI sk-proj-", value: "sk-proj-" + filler("Pr0j_-", count: 156), kind: .openAIKey),
    TokenShapeCase(label: "OpenAI sk-svcacct-", value: "sk-svcacct-" + filler("Sv4c-_", count: 156), kind: .openAIKey),
    TokenShapeCase(label: "OpenAI sk-admin-", value: "sk-admin-" + filler("Ad5m_", count: 124), kind: .openAIKey),
    // Anthropic
    TokenShapeCase(label: "Anthropic sk-ant-api03-", value: "sk-ant-api03-" + filler("An7h-_", count: 93) + "AA", kind: .anthropicKey),
    TokenShapeCase(label: "Anthropic sk-ant-admin01-", value: "sk-ant-admin01-" + filler("Ad8m_-", count: 93) + "AA", kind: .anthropicKey),
    TokenShapeCase(label: "Anthropic sk-ant-oat01-", value: "sk-ant-oat01-" + filler("Oa9t", count: 100), kind: .anthropicKey),
    TokenShapeCase(label: "Anthropic sk-ant-ort01-", value: "sk-ant-ort01-" + filler("Or0t", count: 100), kind: .anthropicKey),
    // PyPI, Docker Hub
    TokenShapeCase(label: "PyPI", value: "pypi-AgEIcHlwaS5vcmc" + filler("a1B2_-", count: 150), kind: .pypiToken),
    TokenShapeCase(label: "Docker Hub", value: "dckr_pat_" + filler("a1B2c_-", count: 27), kind: .dockerHubToken),
    // Shopify
    TokenShapeCase(label: "Shopify shpat_", value: "shpat_" + hex32, kind: .shopifyToken),
    TokenShapeCase(label: "Shopify shpca_", value: "shpca_" + hex32, kind: .shopifyToken),
    TokenShapeCase(label: "Shopify shppa_", value: "shppa_" + hex32.uppercased(), kind: .shopifyToken),
    TokenShapeCase(label: "Shopify shpss_", value: "shpss_" + hex32, kind: .shopifyToken),
    // Twilio, Mailgun, Heroku
    TokenShapeCase(label: "Twilio", value: "SK" + hex32, kind: .twilioKey),
    TokenShapeCase(label: "Mailgun", value: "key-" + hex32, kind: .mailgunKey),
    TokenShapeCase(label: "Heroku HRKU-AA", value: "HRKU-AA" + filler("Hk1_-", count: 58), kind: .herokuKey),
    // DigitalOcean
    TokenShapeCase(label: "DigitalOcean dop_v1_", value: "dop_v1_" + hex64, kind: .doToken),
    TokenShapeCase(label: "DigitalOcean doo_v1_", value: "doo_v1_" + hex64, kind: .doToken),
    TokenShapeCase(label: "DigitalOcean dor_v1_", value: "dor_v1_" + hex64, kind: .doToken),
]

// MARK: - Helpers

/// Calls `matchTokenShape` at `index` of the UTF-8 bytes of `text`, with
/// `end` defaulting to the byte count.
private func matchShape(in text: String, at index: Int = 0, end: Int? = nil) -> TokenShapeMatch? {
    let bytes = Array(text.utf8)
    return bytes.withUnsafeBufferPointer { buffer in
        guard let base = buffer.baseAddress else { return nil }
        return matchTokenShape(base, at: index, end: end ?? buffer.count)
    }
}

/// A match found by `findShapes`, with its start offset.
struct FoundShape: Equatable {
    var kind: SecretKind
    var start: Int
    var end: Int
}

/// Scans `text` as a caller of `matchTokenShape` would: tries every word start and skips
/// past each match.
private func findShapes(in text: String) -> [FoundShape] {
    let bytes = Array(text.utf8)
    var found: [FoundShape] = []
    bytes.withUnsafeBufferPointer { buffer in
        guard let base = buffer.baseAddress else { return }
        var index = 0
        while index < buffer.count {
            let isWordStart = index == 0 || !TokenAlphabet.token.contains(base[index - 1])
            if isWordStart, let match = matchTokenShape(base, at: index, end: buffer.count) {
                found.append(FoundShape(kind: match.kind, start: index, end: match.end))
                index = match.end
            } else {
                index += 1
            }
        }
    }
    return found
}

// MARK: - Tests

@Suite("Token shapes")
struct TokenShapeTests {
    @Test("Every kind has a positive case")
    func everyKindCovered() {
        let detectorKinds: [SecretKind] = [
            .awsAccessKey, .githubToken, .gitlabToken, .slackToken, .slackWebhook, .googleOAuth, .googleAPIKey,
            .stripeKey, .npmToken, .sendgridKey, .openAIKey, .anthropicKey, .pypiToken, .dockerHubToken,
            .shopifyToken, .twilioKey, .mailgunKey, .herokuKey, .doToken,
        ]
        let covered = Set(positiveCases.map(\.kind))
        for kind in detectorKinds {
            #expect(covered.contains(kind), "no positive case for \(kind.name)")
        }
    }

    @Test("Whole value matches kind and end", arguments: positiveCases)
    func wholeValue(_ testCase: TokenShapeCase) {
        let match = matchShape(in: testCase.value)
        #expect(match?.kind == testCase.kind)
        #expect(match?.end == testCase.value.utf8.count)
    }

    @Test("Value inside JSON text matches", arguments: positiveCases)
    func insideText(_ testCase: TokenShapeCase) {
        let before = #"{"level":"info","msg":"retrying with token="#
        let text = before + testCase.value + #"","n":3}"#
        let start = before.utf8.count
        let expected = FoundShape(kind: testCase.kind, start: start, end: start + testCase.value.utf8.count)
        #expect(findShapes(in: text) == [expected])
    }

    @Test("Match ends before trailing punctuation", arguments: positiveCases)
    func trailingPunctuation(_ testCase: TokenShapeCase) {
        for suffix in [".", " and more", ",", ")"] {
            let match = matchShape(in: testCase.value + suffix)
            #expect(match?.kind == testCase.kind, "suffix \(suffix)")
            #expect(match?.end == testCase.value.utf8.count, "suffix \(suffix)")
        }
    }

    @Test("Nonzero index gives absolute end")
    func absoluteEnd() {
        let token = "npm_" + filler("a1B2", count: 36)
        let text = "npm token " + token + " was revoked"
        let match = matchShape(in: text, at: 10)
        #expect(match == TokenShapeMatch(kind: .npmToken, end: 10 + token.utf8.count))
    }

    @Test("Bytes past end are ignored")
    func endBound() {
        let token = "ghp_" + String(repeating: "A1b2", count: 9)
        // The bytes after `end` would continue the token, but the caller's
        // range stops at the token end, so the token is complete.
        let match = matchShape(in: token + "XYZ", end: token.utf8.count)
        #expect(match == TokenShapeMatch(kind: .githubToken, end: token.utf8.count))
    }

    @Test("Token cut short by end rejected")
    func truncatedByEnd() {
        let token = "AKIA" + filler("Z2Y3", count: 16)
        #expect(matchShape(in: token, end: token.utf8.count - 1) == nil)
        #expect(matchShape(in: "AKIA", end: 2) == nil)
        #expect(matchShape(in: "sk-ant-api03-", end: 3) == nil)
    }

    @Test("Empty range returns nil", arguments: positiveCases)
    func emptyRange(_ testCase: TokenShapeCase) {
        #expect(matchShape(in: testCase.value, at: 0, end: 0) == nil)
        #expect(matchShape(in: "ab" + testCase.value, at: 2, end: 2) == nil)
    }

    @Test("Two tokens in one string")
    func twoTokens() {
        let aws = "AKIA" + filler("Z2Y3", count: 16)
        let slack = "xoxb-" + filler("1", count: 12) + "-" + filler("AbCd", count: 24)
        let text = "aws=" + aws + "; slack=" + slack
        let awsStart = 4
        let slackStart = awsStart + aws.utf8.count + 8
        #expect(findShapes(in: text) == [
            FoundShape(kind: .awsAccessKey, start: awsStart, end: awsStart + aws.utf8.count),
            FoundShape(kind: .slackToken, start: slackStart, end: slackStart + slack.utf8.count),
        ])
    }

    @Test("GitLab partial routable suffix excluded")
    func gitLabPartialSuffix() {
        let token = "glpat-" + filler("x9Y8z7", count: 27)
        let match = matchShape(in: token + ".ab")
        #expect(match == TokenShapeMatch(kind: .gitlabToken, end: token.utf8.count))
    }

    @Test("Google token excludes trailing dots")
    func googleTrailingDots() {
        let token = "ya29." + filler("a0Bc_-", count: 40)
        let match = matchShape(in: token + "..")
        #expect(match == TokenShapeMatch(kind: .googleOAuth, end: token.utf8.count))
    }

    @Test(
        "Common text matches nothing",
        arguments: [
            "123e4567-e89b-12d3-a456-426614174000",
            "da39a3ee5e6b4b0d3255bfef95601890afd80709",
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            "skill", "ghost", "xoxo", "xoxo-gossip-" + filler("9", count: 20),
            "ya29", "ya29.", "ya29.short",
            "key-value", "github", "github_pat_", "glpat", "gloss-" + filler("a1", count: 30),
            "sk", "sk-", "sk_", "skip_test_" + filler("1A", count: 20),
            "npm_install", "pypi-upload", "dckr_pat_short", "1//0abc", "1/2", "100", "SK", "SG.", "HRKU",
            "hooks.slack.com", "https://hooks.slack.com/services/", "https://example.com/services/T0/B0/" + filler("X", count: 40),
            "The quick brown fox jumps over the lazy dog while the ghost skips.",
        ]
    )
    func commonText(_ text: String) {
        #expect(findShapes(in: text) == [])
    }

    @Test(
        "Too few body bytes rejected",
        arguments: [
            "AKIA" + filler("Z2Y3", count: 10),
            "AKIA" + filler("Z2Y3", count: 15),
            "ghp_" + filler("A1b2", count: 35),
            "github_pat_" + filler("A1b_", count: 81),
            "glpat-" + filler("a1B2", count: 19),
            "GR1348941" + filler("Gg3h", count: 19),
            "xoxb-" + filler("1", count: 7),
            "xoxr-7Rr7Rr7",
            "xapp-1-A0",
            "ya29." + filler("a0Bc", count: 19),
            "1//0" + filler("gAbC", count: 19),
            "AIza" + filler("Sy1_", count: 34),
            "sk_live_" + filler("51Ab", count: 9),
            "whsec_" + filler("a1B2", count: 23),
            "npm_" + filler("a1B2", count: 35),
            "SG." + filler("Ab1_", count: 22) + "." + filler("Cd2-", count: 42),
            "SG." + filler("Ab1_", count: 21) + "." + filler("Cd2-", count: 43),
            "sk-" + filler("A1b2C", count: 20) + "T3BlbkFJ" + filler("D3e4F", count: 19),
            "sk-proj-" + filler("Pr0j", count: 39),
            "sk-ant-api03-" + filler("An7h", count: 92) + "AA",
            "sk-ant-oat01-" + filler("Oa9t", count: 39),
            "pypi-AgEIcHlwaS5vcmc" + filler("a1B2", count: 49),
            "dckr_pat_" + filler("a1B2", count: 19),
            "shpat_" + filler("0a1b", count: 31),
            "SK" + filler("0a1b", count: 31),
            "key-" + filler("0a1b", count: 31),
            "HRKU-AA" + filler("Hk1_", count: 57),
            "dop_v1_" + filler("4e5f", count: 63),
            "https://hooks.slack.com/services/" + filler("T0/B1/Xy", count: 42),
        ]
    )
    func tooShort(_ text: String) {
        #expect(matchShape(in: text) == nil)
    }

    @Test(
        "Longer identifier with prefix rejected",
        arguments: [
            "AKIA" + filler("Z2Y3", count: 17),
            "AKIA" + filler("Z2Y3", count: 16) + "_id",
            "AKIA" + filler("Z2Y3", count: 16) + "z",
            "ghp_" + filler("A1b2", count: 37),
            "ghp_" + filler("A1b2", count: 36) + "-suffix",
            "github_pat_" + filler("A1b_", count: 83),
            "AIza" + filler("Sy1_", count: 36),
            "npm_" + filler("a1B2", count: 37),
            "npm_" + filler("a1B2", count: 36) + "_x",
            "SG." + filler("Ab1_", count: 22) + "." + filler("Cd2-", count: 44),
            "SG." + filler("Ab1_", count: 23) + "." + filler("Cd2-", count: 43),
            "sk-" + filler("A1b2C", count: 20) + "T3BlbkFJ" + filler("D3e4F", count: 21),
            "sk-" + filler("A1b2C", count: 21) + "T3BlbkFJ" + filler("D3e4F", count: 20),
            "sk-ant-api03-" + filler("An7h", count: 94) + "AA",
            "sk-ant-admin01-" + filler("Ad8m", count: 93) + "AAx",
            "shpat_" + filler("0a1b", count: 33),
            "shpat_" + hex32 + "g",
            "SK" + filler("0a1b", count: 33),
            "key-" + filler("0a1b", count: 33),
            "key-" + hex32 + "-v2",
            "HRKU-AA" + filler("Hk1_", count: 59),
            "dop_v1_" + filler("4e5f", count: 65),
        ]
    )
    func longerIdentifier(_ text: String) {
        #expect(matchShape(in: text) == nil)
    }

    @Test(
        "Body byte outside alphabet rejected",
        arguments: [
            "akia" + filler("z2y3", count: 16),
            "AKIA" + filler("Z2y3", count: 16),
            "ghp_" + filler("A1b-", count: 36),
            "shpat_" + filler("0a1g", count: 32),
            "SK" + filler("0a1z", count: 32),
            "key-" + filler("0a1x", count: 32),
            "dop_v1_" + filler("4E5F", count: 64),
            "sk-ant-api03-" + filler("An7h", count: 93) + "BB",
            "sk-ant-api03-" + filler("An7h", count: 93) + "AB",
            "sk-ant-admin01-" + filler("Ad8m", count: 93) + "BA",
            "sk_live_" + filler("51Ab", count: 24) + "_suffix",
            "sk_live_" + filler("51Ab", count: 24) + "-suffix",
            "https://hooks.slack.com/services/" + filler("T0/B1/Xy", count: 50) + "_x",
        ]
    )
    func wrongAlphabet(_ text: String) {
        #expect(matchShape(in: text) == nil)
    }

    @Test(
        "Stripe publishable and word keys rejected",
        arguments: [
            "pk_live_" + filler("51Ab", count: 24),
            "pk_test_" + filler("51Ab", count: 99),
            "sk_live_configurationsettings",
            "sk_test_" + filler("abcdef", count: 30),
            "sk_dev_" + filler("51Ab", count: 24),
            "xk_live_" + filler("51Ab", count: 24),
        ]
    )
    func stripeNegatives(_ text: String) {
        #expect(findShapes(in: text) == [])
    }

    @Test(
        "Slack placeholder without digit rejected",
        arguments: ["xoxb-your-bot-token-here", "xoxp-" + filler("abc-", count: 40), "xoxz-" + filler("1", count: 20)]
    )
    func slackPlaceholders(_ text: String) {
        #expect(matchShape(in: text) == nil)
    }

    @Test("Prefix inside a word ignored")
    func insideWord() {
        let token = "ghp_" + String(repeating: "A1b2", count: 9)
        #expect(findShapes(in: "x" + token) == [])
        #expect(findShapes(in: "_" + token) == [])
        #expect(findShapes(in: "9" + token) == [])
    }

    @Test("Non-token separators start a word")
    func separators() {
        let token = "npm_" + filler("a1B2", count: 36)
        for separator in [" ", "\"", "=", ":", "/", ".", "\t", "(", "'"] {
            let text = "a" + separator + token
            let start = 1 + separator.utf8.count
            #expect(
                findShapes(in: text) == [FoundShape(kind: .npmToken, start: start, end: start + token.utf8.count)],
                "separator \(separator)"
            )
        }
    }
}
