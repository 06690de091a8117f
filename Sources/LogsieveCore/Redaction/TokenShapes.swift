// Token-shape detection: finds vendor tokens by their fixed prefix and body
// alphabet alone, without a key name or other context around them.
//
// The shapes follow the gitleaks default rules (cmd/generate/config/rules in
// github.com/gitleaks/gitleaks). Each check runs in three steps:
//
//   1. `matchTokenShape` switches on the first byte, so most word starts cost
//      one comparison and a return.
//   2. The per-vendor function compares the literal prefix, for example `ghp_`.
//   3. It then counts the body bytes in the rule's alphabet and checks the
//      right boundary: the byte after the match must not be in [A-Za-z0-9_-].
//
// Worked example: in `token=ghp_<36 letters or digits>"`, the caller calls
// at the `g` because `=` is not a token byte. `g` selects the GitHub and
// GitLab function, `ghp_` matches, 36 alphanumeric bytes follow, and `"` is
// a boundary, so the match ends at the quote. With a 37th alphanumeric byte
// in place of the quote there is no match, because a fixed-length rule must
// not redact half of a longer identifier.
//
// Nothing here allocates: prefixes are `StaticString`s compared byte by byte
// and the alphabets are range tests.
//
// Shapes left out on purpose:
// - Heroku API keys before the `HRKU-AA` format are plain UUIDs. gitleaks
//   finds them only next to the word "heroku", and a bare UUID is a request
//   id or a primary key far more often than a Heroku key.
// - Mailgun signing keys (`<32 hex>-<8 hex>-<8 hex>`) have no prefix at all.
// - Stripe publishable keys (`pk_live_`, `pk_test_`) are public by design.
// - Slack legacy `xoxo-` tokens, because "xoxo" is a common word.

/// A token-shaped secret found at a word start.
struct TokenShapeMatch: Equatable {
    var kind: SecretKind
    /// The index one past the last byte of the match.
    var end: Int
}

/// Matches well-known token shapes starting exactly at `index` in `text[0..<end]`.
///
/// The caller calls it only at a word start: `index == 0` or `text[index - 1]`
/// is not in [A-Za-z0-9_-]. A match for a Slack webhook URL starts at the
/// `h` of `https://`.
///
/// - Returns: The kind and the end of the match, or nil when no shape matches.
/// - Complexity: O(1) for bytes that start no shape; otherwise linear in the
///   length of the candidate token.
@inline(__always)
func matchTokenShape(_ text: UnsafePointer<UInt8>, at index: Int, end: Int) -> TokenShapeMatch? {
    guard index < end else { return nil }
    switch text[index] {
    case UInt8(ascii: "1"): return matchGoogleOAuthRefreshToken(text, at: index, end: end)
    case UInt8(ascii: "A"): return matchAWSOrGoogleAPIKey(text, at: index, end: end)
    case UInt8(ascii: "G"): return matchGitLabRunnerRegistrationToken(text, at: index, end: end)
    case UInt8(ascii: "H"): return matchHerokuKey(text, at: index, end: end)
    case UInt8(ascii: "S"): return matchSendGridOrTwilioKey(text, at: index, end: end)
    case UInt8(ascii: "d"): return matchDockerHubOrDigitalOceanToken(text, at: index, end: end)
    case UInt8(ascii: "g"): return matchGitHubOrGitLabToken(text, at: index, end: end)
    case UInt8(ascii: "h"): return matchSlackWebhook(text, at: index, end: end)
    case UInt8(ascii: "k"): return matchMailgunKey(text, at: index, end: end)
    case UInt8(ascii: "n"): return matchNPMToken(text, at: index, end: end)
    case UInt8(ascii: "p"): return matchPyPIToken(text, at: index, end: end)
    case UInt8(ascii: "r"), UInt8(ascii: "w"): return matchStripeKey(text, at: index, end: end)
    case UInt8(ascii: "s"): return matchSKOrShopifyKey(text, at: index, end: end)
    case UInt8(ascii: "x"): return matchSlackToken(text, at: index, end: end)
    case UInt8(ascii: "y"): return matchGoogleOAuthAccessToken(text, at: index, end: end)
    default: return nil
    }
}

// The per-vendor functions are `@inline(never)` so that inlining
// `matchTokenShape` at every call site copies only the switch above.

// MARK: - A, G, H, S: AWS, Google API, GitLab runner, Heroku, SendGrid, Twilio

@inline(never)
private func matchAWSOrGoogleAPIKey(_ text: UnsafePointer<UInt8>, at index: Int, end: Int) -> TokenShapeMatch? {
    if hasPrefix(text, at: index, end: end, "AIza") {
        return match(.googleAPIKey, fixedBody(text, from: index + 4, end: end, count: 35, .token))
    }

    // AWS access key IDs: a four-byte prefix naming the key type, then 16 bytes.
    // `A3T` takes any upper-case letter or digit as its fourth byte.
    let hasKnownPrefix = hasPrefix(text, at: index, end: end, "AKIA")
        || hasPrefix(text, at: index, end: end, "ASIA")
        || hasPrefix(text, at: index, end: end, "ABIA")
        || hasPrefix(text, at: index, end: end, "ACCA")
        || (hasPrefix(text, at: index, end: end, "A3T")
            && index + 3 < end
            && TokenAlphabet.upperAlphanumeric.contains(text[index + 3]))
    guard hasKnownPrefix else { return nil }
    return match(.awsAccessKey, fixedBody(text, from: index + 4, end: end, count: 16, .upperAlphanumeric))
}

@inline(never)
private func matchGitLabRunnerRegistrationToken(_ text: UnsafePointer<UInt8>, at index: Int, end: Int) -> TokenShapeMatch? {
    guard hasPrefix(text, at: index, end: end, "GR1348941") else { return nil }
    return match(.gitlabToken, variableBody(text, from: index + 9, end: end, minimum: 20, .token))
}

@inline(never)
private func matchHerokuKey(_ text: UnsafePointer<UInt8>, at index: Int, end: Int) -> TokenShapeMatch? {
    guard hasPrefix(text, at: index, end: end, "HRKU-AA") else { return nil }
    return match(.herokuKey, fixedBody(text, from: index + 7, end: end, count: 58, .token))
}

@inline(never)
private func matchSendGridOrTwilioKey(_ text: UnsafePointer<UInt8>, at index: Int, end: Int) -> TokenShapeMatch? {
    if hasPrefix(text, at: index, end: end, "SK") {
        return match(.twilioKey, fixedBody(text, from: index + 2, end: end, count: 32, .hex))
    }
    guard hasPrefix(text, at: index, end: end, "SG.") else { return nil }

    // SG.<22-byte key id>.<43-byte secret>. The dot right after 22 bytes
    // also rejects a longer first segment.
    let dot = index + 3 + 22
    guard dot < end,
          scan(text, from: index + 3, limit: dot, .token) == dot,
          text[dot] == UInt8(ascii: ".")
    else { return nil }
    return match(.sendgridKey, fixedBody(text, from: dot + 1, end: end, count: 43, .token))
}

// MARK: - d, g: Docker Hub, DigitalOcean, GitHub, GitLab

@inline(never)
private func matchDockerHubOrDigitalOceanToken(_ text: UnsafePointer<UInt8>, at index: Int, end: Int) -> TokenShapeMatch? {
    // Docker Hub documents no length. Tokens in public samples have 27 body
    // bytes, so a minimum of 20 leaves room without matching short words.
    if hasPrefix(text, at: index, end: end, "dckr_pat_") {
        return match(.dockerHubToken, variableBody(text, from: index + 9, end: end, minimum: 20, .token))
    }

    // dop_v1_ (personal), doo_v1_ (OAuth access), dor_v1_ (OAuth refresh).
    let isDigitalOcean = hasPrefix(text, at: index, end: end, "dop_v1_")
        || hasPrefix(text, at: index, end: end, "doo_v1_")
        || hasPrefix(text, at: index, end: end, "dor_v1_")
    guard isDigitalOcean else { return nil }
    return match(.doToken, fixedBody(text, from: index + 7, end: end, count: 64, .lowerHex))
}

@inline(never)
private func matchGitHubOrGitLabToken(_ text: UnsafePointer<UInt8>, at index: Int, end: Int) -> TokenShapeMatch? {
    guard index + 3 < end else { return nil }
    switch text[index + 1] {
    case UInt8(ascii: "h"):
        // gh<type>_: p personal, o OAuth, u user-to-server, s server-to-server, r refresh.
        switch text[index + 2] {
        case UInt8(ascii: "p"), UInt8(ascii: "o"), UInt8(ascii: "u"), UInt8(ascii: "s"), UInt8(ascii: "r"):
            guard text[index + 3] == UInt8(ascii: "_") else { return nil }
            return match(.githubToken, fixedBody(text, from: index + 4, end: end, count: 36, .alphanumeric))
        default:
            return nil
        }
    case UInt8(ascii: "i"):
        // Fine-grained personal access tokens.
        guard hasPrefix(text, at: index, end: end, "github_pat_") else { return nil }
        return match(.githubToken, fixedBody(text, from: index + 11, end: end, count: 82, .word))
    case UInt8(ascii: "l"):
        break
    default:
        return nil
    }

    guard let prefixLength = gitLabPrefixLength(text, at: index, end: end) else { return nil }
    guard let bodyEnd = variableBody(text, from: index + prefixLength, end: end, minimum: 20, .token) else {
        return nil
    }
    return TokenShapeMatch(kind: .gitlabToken, end: routableSuffixEnd(text, from: bodyEnd, end: end))
}

/// Returns the length of the GitLab token prefix at `index`, dash included,
/// or nil when the bytes start no GitLab token type.
private func gitLabPrefixLength(_ text: UnsafePointer<UInt8>, at index: Int, end: Int) -> Int? {
    // Personal, pipeline trigger, OAuth application, incoming mail, CI/CD job.
    if hasPrefix(text, at: index, end: end, "glpat-")
        || hasPrefix(text, at: index, end: end, "glptt-")
        || hasPrefix(text, at: index, end: end, "gloas-")
        || hasPrefix(text, at: index, end: end, "glimt-")
        || hasPrefix(text, at: index, end: end, "glcbt-") {
        return 6
    }
    // Deploy, runner authentication, feed.
    if hasPrefix(text, at: index, end: end, "gldt-")
        || hasPrefix(text, at: index, end: end, "glrt-")
        || hasPrefix(text, at: index, end: end, "glft-") {
        return 5
    }
    // SCIM, feature flag client.
    if hasPrefix(text, at: index, end: end, "glsoat-") || hasPrefix(text, at: index, end: end, "glffct-") {
        return 7
    }
    // Kubernetes agent.
    if hasPrefix(text, at: index, end: end, "glagent-") {
        return 8
    }
    return nil
}

/// Extends a GitLab token over its routable suffix, a dot and nine bytes of
/// [0-9a-z] that encode where the token was issued. Returns `bodyEnd`
/// unchanged when no complete suffix follows.
private func routableSuffixEnd(_ text: UnsafePointer<UInt8>, from bodyEnd: Int, end: Int) -> Int {
    guard bodyEnd < end, text[bodyEnd] == UInt8(ascii: ".") else { return bodyEnd }
    return fixedBody(text, from: bodyEnd + 1, end: end, count: 9, .lowerAlphanumeric) ?? bodyEnd
}

// MARK: - h, x: Slack

@inline(never)
private func matchSlackWebhook(_ text: UnsafePointer<UInt8>, at index: Int, end: Int) -> TokenShapeMatch? {
    var position = index
    if hasPrefix(text, at: position, end: end, "https://") {
        position += 8
    } else if hasPrefix(text, at: position, end: end, "http://") {
        position += 7
    }
    guard hasPrefix(text, at: position, end: end, "hooks.slack.com/") else { return nil }
    position += 16

    if hasPrefix(text, at: position, end: end, "services/") {
        position += 9
    } else if hasPrefix(text, at: position, end: end, "workflows/") {
        position += 10
    } else if hasPrefix(text, at: position, end: end, "triggers/") {
        position += 9
    } else {
        return nil
    }
    // The path after the type is the team ID, the channel or app ID and the
    // secret, separated by slashes. gitleaks expects 43 to 56 bytes, and a
    // longer path is still redacted whole.
    return match(.slackWebhook, variableBody(text, from: position, end: end, minimum: 43, .slackWebhookPath))
}

@inline(never)
private func matchSlackToken(_ text: UnsafePointer<UInt8>, at index: Int, end: Int) -> TokenShapeMatch? {
    let bodyStart: Int
    var alphabet = TokenAlphabet.slackToken
    if hasPrefix(text, at: index, end: end, "xapp-") {
        bodyStart = index + 5
    } else if hasPrefix(text, at: index, end: end, "xoxe.xoxb-") || hasPrefix(text, at: index, end: end, "xoxe.xoxp-") {
        // Configuration access tokens: the `xoxe.` prefix wraps a bot or user token.
        bodyStart = index + 10
    } else if hasPrefix(text, at: index, end: end, "xox"), index + 4 < end, text[index + 4] == UInt8(ascii: "-") {
        // b bot, p user, a and r legacy workspace access and refresh,
        // s legacy, e rotating refresh, d the browser session cookie.
        // "xoxo" is a common word and is left alone.
        switch text[index + 3] {
        case UInt8(ascii: "b"), UInt8(ascii: "p"), UInt8(ascii: "a"), UInt8(ascii: "r"), UInt8(ascii: "s"), UInt8(ascii: "e"):
            break
        case UInt8(ascii: "d"):
            // The `d` cookie value is percent-encoded base64.
            alphabet = .slackCookie
        default:
            return nil
        }
        bodyStart = index + 5
    } else {
        return nil
    }

    // Slack bodies vary by token type and age. Every gitleaks Slack shape has
    // at least 8 body bytes and a digit group, which placeholders such as
    // `xoxb-your-bot-token` lack.
    // NOTE: legacy `xoxa-`/`xoxr-` tokens may omit the digit group, so one
    // whose random body has no digit is missed.
    guard let bodyEnd = variableBody(text, from: bodyStart, end: end, minimum: 8, alphabet),
          containsDigit(text, from: bodyStart, to: bodyEnd)
    else { return nil }
    return TokenShapeMatch(kind: .slackToken, end: bodyEnd)
}

// MARK: - y, 1: Google OAuth

@inline(never)
private func matchGoogleOAuthAccessToken(_ text: UnsafePointer<UInt8>, at index: Int, end: Int) -> TokenShapeMatch? {
    guard hasPrefix(text, at: index, end: end, "ya29.") else { return nil }

    // Service account tokens contain dots (`ya29.c.…`), so dots are part of
    // the body, but a trailing dot ends a sentence rather than the token.
    let bodyStart = index + 5
    var bodyEnd = scan(text, from: bodyStart, limit: end, .dottedToken)
    while bodyEnd > bodyStart, text[bodyEnd - 1] == UInt8(ascii: ".") {
        bodyEnd -= 1
    }
    guard bodyEnd - bodyStart >= 20 else { return nil }
    return TokenShapeMatch(kind: .googleOAuth, end: bodyEnd)
}

@inline(never)
private func matchGoogleOAuthRefreshToken(_ text: UnsafePointer<UInt8>, at index: Int, end: Int) -> TokenShapeMatch? {
    guard hasPrefix(text, at: index, end: end, "1//0") else { return nil }
    return match(.googleOAuth, variableBody(text, from: index + 4, end: end, minimum: 20, .token))
}

// MARK: - k, n, p: Mailgun, npm, PyPI

@inline(never)
private func matchMailgunKey(_ text: UnsafePointer<UInt8>, at index: Int, end: Int) -> TokenShapeMatch? {
    // gitleaks reports `key-<32 hex>` only near the word "mailgun". Here it
    // matches alone, because the exact length and both boundaries leave few
    // other candidates and a missed key costs more than a redacted cache key.
    // NOTE: an identifier spelled `key-` plus an MD5 hex digest is redacted
    // as a Mailgun key.
    guard hasPrefix(text, at: index, end: end, "key-") else { return nil }
    return match(.mailgunKey, fixedBody(text, from: index + 4, end: end, count: 32, .hex))
}

@inline(never)
private func matchNPMToken(_ text: UnsafePointer<UInt8>, at index: Int, end: Int) -> TokenShapeMatch? {
    guard hasPrefix(text, at: index, end: end, "npm_") else { return nil }
    return match(.npmToken, fixedBody(text, from: index + 4, end: end, count: 36, .alphanumeric))
}

@inline(never)
private func matchPyPIToken(_ text: UnsafePointer<UInt8>, at index: Int, end: Int) -> TokenShapeMatch? {
    // `AgEIcHlwaS5vcmc` is the base64 macaroon header naming pypi.org, the
    // same in every upload token.
    guard hasPrefix(text, at: index, end: end, "pypi-AgEIcHlwaS5vcmc") else { return nil }
    return match(.pypiToken, variableBody(text, from: index + 20, end: end, minimum: 50, .token))
}

// MARK: - r, s, w: Stripe, OpenAI, Anthropic, Shopify

@inline(never)
private func matchStripeKey(_ text: UnsafePointer<UInt8>, at index: Int, end: Int) -> TokenShapeMatch? {
    if hasPrefix(text, at: index, end: end, "whsec_") {
        return match(.stripeKey, variableBody(text, from: index + 6, end: end, minimum: 24, .alphanumeric))
    }

    // sk_ secret and rk_ restricted keys, in live, test or prod mode.
    let hasKeyType = hasPrefix(text, at: index, end: end, "sk_") || hasPrefix(text, at: index, end: end, "rk_")
    let hasMode = hasPrefix(text, at: index + 3, end: end, "live_")
        || hasPrefix(text, at: index + 3, end: end, "test_")
        || hasPrefix(text, at: index + 3, end: end, "prod_")
    guard hasKeyType, hasMode else { return nil }

    // Random bodies mix cases and digits. Requiring a digit or an upper-case
    // letter keeps identifiers such as `sk_live_configuration` out.
    let bodyStart = index + 8
    guard let bodyEnd = variableBody(text, from: bodyStart, end: end, minimum: 10, .alphanumeric),
          containsDigitOrUppercase(text, from: bodyStart, to: bodyEnd)
    else { return nil }
    return TokenShapeMatch(kind: .stripeKey, end: bodyEnd)
}

@inline(never)
private func matchSKOrShopifyKey(_ text: UnsafePointer<UInt8>, at index: Int, end: Int) -> TokenShapeMatch? {
    guard index + 2 < end else { return nil }
    if text[index + 1] == UInt8(ascii: "h") {
        return matchShopifyToken(text, at: index, end: end)
    }
    guard text[index + 1] == UInt8(ascii: "k") else { return nil }
    switch text[index + 2] {
    case UInt8(ascii: "_"): return matchStripeKey(text, at: index, end: end)
    case UInt8(ascii: "-"): return matchOpenAIOrAnthropicKey(text, at: index, end: end)
    default: return nil
    }
}

private func matchShopifyToken(_ text: UnsafePointer<UInt8>, at index: Int, end: Int) -> TokenShapeMatch? {
    // Access, custom app, private app tokens and the app shared secret.
    let isShopify = hasPrefix(text, at: index, end: end, "shpat_")
        || hasPrefix(text, at: index, end: end, "shpca_")
        || hasPrefix(text, at: index, end: end, "shppa_")
        || hasPrefix(text, at: index, end: end, "shpss_")
    guard isShopify else { return nil }
    return match(.shopifyToken, fixedBody(text, from: index + 6, end: end, count: 32, .hex))
}

/// Matches the keys that start with `sk-`, which OpenAI and Anthropic share.
private func matchOpenAIOrAnthropicKey(_ text: UnsafePointer<UInt8>, at index: Int, end: Int) -> TokenShapeMatch? {
    if hasPrefix(text, at: index, end: end, "sk-ant-") {
        return matchAnthropicKey(text, at: index, end: end)
    }

    // Project, service account and admin keys. gitleaks expects bodies of
    // 124 or 156 bytes around `T3BlbkFJ`, so a minimum of 40 only excludes
    // short words and is not a length check.
    let prefixLength: Int
    if hasPrefix(text, at: index, end: end, "sk-proj-") {
        prefixLength = 8
    } else if hasPrefix(text, at: index, end: end, "sk-svcacct-") {
        prefixLength = 11
    } else if hasPrefix(text, at: index, end: end, "sk-admin-") {
        prefixLength = 9
    } else {
        prefixLength = 0
    }
    if prefixLength > 0 {
        return match(.openAIKey, variableBody(text, from: index + prefixLength, end: end, minimum: 40, .token))
    }

    // Legacy user keys: 20 bytes, `T3BlbkFJ` (base64 of "openai"), 20 bytes.
    let marker = index + 3 + 20
    guard marker + 8 <= end,
          scan(text, from: index + 3, limit: marker, .alphanumeric) == marker,
          hasPrefix(text, at: marker, end: end, "T3BlbkFJ")
    else { return nil }
    return match(.openAIKey, fixedBody(text, from: marker + 8, end: end, count: 20, .alphanumeric))
}

private func matchAnthropicKey(_ text: UnsafePointer<UInt8>, at index: Int, end: Int) -> TokenShapeMatch? {
    // API and admin keys: 93 bytes, then `AA`.
    let fixedPrefixLength: Int
    if hasPrefix(text, at: index, end: end, "sk-ant-api03-") {
        fixedPrefixLength = 13
    } else if hasPrefix(text, at: index, end: end, "sk-ant-admin01-") {
        fixedPrefixLength = 15
    } else {
        fixedPrefixLength = 0
    }
    if fixedPrefixLength > 0 {
        guard let keyEnd = fixedBody(text, from: index + fixedPrefixLength, end: end, count: 95, .token),
              text[keyEnd - 2] == UInt8(ascii: "A"),
              text[keyEnd - 1] == UInt8(ascii: "A")
        else { return nil }
        return TokenShapeMatch(kind: .anthropicKey, end: keyEnd)
    }

    // OAuth access and refresh tokens have no published length.
    guard hasPrefix(text, at: index, end: end, "sk-ant-oat01-") || hasPrefix(text, at: index, end: end, "sk-ant-ort01-") else {
        return nil
    }
    return match(.anthropicKey, variableBody(text, from: index + 13, end: end, minimum: 40, .token))
}

// MARK: - Byte helpers

/// A set of bytes that a token body may contain.
enum TokenAlphabet {
    /// [A-Za-z0-9]
    case alphanumeric
    /// [A-Za-z0-9_]
    case word
    /// [A-Za-z0-9_-], also the set that decides word starts and right boundaries.
    case token
    /// [A-Za-z0-9_.-]
    case dottedToken
    /// [0-9A-Fa-f]
    case hex
    /// [0-9a-f]
    case lowerHex
    /// [A-Z0-9]
    case upperAlphanumeric
    /// [a-z0-9]
    case lowerAlphanumeric
    /// [A-Za-z0-9-]
    case slackToken
    /// [A-Za-z0-9%-]
    case slackCookie
    /// [A-Za-z0-9+/]
    case slackWebhookPath

    @inline(__always)
    func contains(_ byte: UInt8) -> Bool {
        let isDigit = byte &- UInt8(ascii: "0") < 10
        let isUpper = byte &- UInt8(ascii: "A") < 26
        let isLower = byte &- UInt8(ascii: "a") < 26
        let isAlphanumeric = isDigit || isUpper || isLower
        switch self {
        case .alphanumeric:
            return isAlphanumeric
        case .word:
            return isAlphanumeric || byte == UInt8(ascii: "_")
        case .token:
            return isAlphanumeric || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
        case .dottedToken:
            return isAlphanumeric || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
        case .hex:
            return isDigit || (byte | 0x20) &- UInt8(ascii: "a") < 6
        case .lowerHex:
            return isDigit || byte &- UInt8(ascii: "a") < 6
        case .upperAlphanumeric:
            return isDigit || isUpper
        case .lowerAlphanumeric:
            return isDigit || isLower
        case .slackToken:
            return isAlphanumeric || byte == UInt8(ascii: "-")
        case .slackCookie:
            return isAlphanumeric || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "%")
        case .slackWebhookPath:
            return isAlphanumeric || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "/")
        }
    }
}

/// Returns whether `text[index..<end]` starts with `prefix`.
@inline(__always)
private func hasPrefix(_ text: UnsafePointer<UInt8>, at index: Int, end: Int, _ prefix: StaticString) -> Bool {
    let count = prefix.utf8CodeUnitCount
    guard end - index >= count else { return false }
    let bytes = prefix.utf8Start
    for offset in 0..<count where text[index + offset] != bytes[offset] {
        return false
    }
    return true
}

/// Returns the index of the first byte at or after `start` that is not in
/// `alphabet`, or `limit` when every byte up to it is.
@inline(__always)
private func scan(_ text: UnsafePointer<UInt8>, from start: Int, limit: Int, _ alphabet: TokenAlphabet) -> Int {
    var position = start
    while position < limit, alphabet.contains(text[position]) {
        position += 1
    }
    return position
}

/// Returns whether a token may end before `index`: the text ends there or
/// the byte there is not in [A-Za-z0-9_-].
@inline(__always)
private func isRightBoundary(_ text: UnsafePointer<UInt8>, at index: Int, end: Int) -> Bool {
    index == end || !TokenAlphabet.token.contains(text[index])
}

/// Matches exactly `count` bytes of `alphabet` at `start`, then a right
/// boundary. Returns the end of the body, or nil.
private func fixedBody(
    _ text: UnsafePointer<UInt8>, from start: Int, end: Int, count: Int, _ alphabet: TokenAlphabet
) -> Int? {
    let bodyEnd = start + count
    guard bodyEnd <= end,
          scan(text, from: start, limit: bodyEnd, alphabet) == bodyEnd,
          isRightBoundary(text, at: bodyEnd, end: end)
    else { return nil }
    return bodyEnd
}

/// Matches the longest run of `alphabet` at `start`, at least `minimum`
/// bytes long, then a right boundary. Returns the end of the run, or nil.
///
/// A run that stops at a token byte outside `alphabet`, such as `_` after a
/// Stripe key, fails the boundary check instead of matching a shorter token.
private func variableBody(
    _ text: UnsafePointer<UInt8>, from start: Int, end: Int, minimum: Int, _ alphabet: TokenAlphabet
) -> Int? {
    let bodyEnd = scan(text, from: start, limit: end, alphabet)
    guard bodyEnd - start >= minimum, isRightBoundary(text, at: bodyEnd, end: end) else { return nil }
    return bodyEnd
}

private func containsDigit(_ text: UnsafePointer<UInt8>, from start: Int, to bodyEnd: Int) -> Bool {
    for position in start..<bodyEnd where text[position] &- UInt8(ascii: "0") < 10 {
        return true
    }
    return false
}

private func containsDigitOrUppercase(_ text: UnsafePointer<UInt8>, from start: Int, to bodyEnd: Int) -> Bool {
    for position in start..<bodyEnd where TokenAlphabet.upperAlphanumeric.contains(text[position]) {
        return true
    }
    return false
}

@inline(__always)
private func match(_ kind: SecretKind, _ end: Int?) -> TokenShapeMatch? {
    guard let end else { return nil }
    return TokenShapeMatch(kind: kind, end: end)
}
