/// What a redacted value was found to be. The raw value's `name` appears in
/// the replacement marker `[REDACTED:<name>:<fingerprint>]`, so SIEM rules
/// match on it: treat a rename as a breaking change.
public enum SecretKind: UInt8, CaseIterable, Sendable, BitwiseCopyable {
    // Found by key rules and by name/value pairs.
    case cookie
    case authorization
    case password
    case secret
    case privateKey
    case token
    case apiKey
    case session
    case saml
    // Found by credential schemes, anywhere in a string.
    case bearer
    case basic
    case digest
    case ssws
    case jwt
    case userinfo
    // Found by URL parameter name, in URLs and query strings only.
    case oauthCode
    case oauthState
    case urlSignature
    case urlCredential
    // Found by token shape, anywhere in a string.
    case awsAccessKey
    case githubToken
    case gitlabToken
    case slackToken
    case slackWebhook
    case googleOAuth
    case googleAPIKey
    case stripeKey
    case npmToken
    case sendgridKey
    case openAIKey
    case anthropicKey
    case pypiToken
    case dockerHubToken
    case shopifyToken
    case twilioKey
    case mailgunKey
    case herokuKey
    case doToken
    /// Content that could not be scanned and was dropped whole.
    case unscannable

    /// The name written into the marker.
    public var name: String {
        switch self {
        case .cookie: "cookie"
        case .authorization: "authorization"
        case .password: "password"
        case .secret: "secret"
        case .privateKey: "private_key"
        case .token: "token"
        case .apiKey: "api_key"
        case .session: "session"
        case .saml: "saml"
        case .bearer: "bearer"
        case .basic: "basic"
        case .digest: "digest"
        case .ssws: "ssws"
        case .jwt: "jwt"
        case .userinfo: "userinfo"
        case .oauthCode: "oauth_code"
        case .oauthState: "oauth_state"
        case .urlSignature: "signature"
        case .urlCredential: "credential"
        case .awsAccessKey: "aws_access_key"
        case .githubToken: "github_token"
        case .gitlabToken: "gitlab_token"
        case .slackToken: "slack_token"
        case .slackWebhook: "slack_webhook"
        case .googleOAuth: "google_oauth"
        case .googleAPIKey: "google_api_key"
        case .stripeKey: "stripe_key"
        case .npmToken: "npm_token"
        case .sendgridKey: "sendgrid_key"
        case .openAIKey: "openai_key"
        case .anthropicKey: "anthropic_key"
        case .pypiToken: "pypi_token"
        case .dockerHubToken: "dockerhub_token"
        case .shopifyToken: "shopify_token"
        case .twilioKey: "twilio_key"
        case .mailgunKey: "mailgun_key"
        case .herokuKey: "heroku_key"
        case .doToken: "digitalocean_token"
        case .unscannable: "unscannable"
        }
    }

    /// Whether the marker carries a fingerprint. Passwords, client secrets,
    /// Basic credentials and private keys get none, because equal
    /// fingerprints would show that two users share a password.
    public var isFingerprinted: Bool {
        switch self {
        case .password, .secret, .privateKey, .basic, .userinfo, .unscannable: false
        default: true
        }
    }
}
