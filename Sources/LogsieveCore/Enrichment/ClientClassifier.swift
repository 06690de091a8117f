/// A user agent's kind at the level that a stolen session changes: the
/// browser family and operating system, never the version.
struct ClientProfile: Equatable {
    var family: String
    var operatingSystem: String
    /// Command-line tools, HTTP libraries and headless browsers.
    var isScripted: Bool
}

/// Profiles of recently seen clients. Streams repeat a few thousand user
/// agents, and classifying one costs many string searches.
struct ClientProfileCache {
    private var profiles: [ClientFacts: ClientProfile?] = [:]
    static let maxEntries = 4096

    mutating func profile(_ client: ClientFacts) -> ClientProfile? {
        var key = client
        key.deviceTokenHash = nil
        if let cached = profiles[key] { return cached }
        let profile = ClientClassifier.profile(key)
        if profiles.count >= Self.maxEntries { profiles.removeAll(keepingCapacity: true) }
        profiles[key] = profile
        return profile
    }
}

enum ClientClassifier {
    /// Raw user-agent prefixes and substrings of HTTP libraries and headless
    /// browsers, lower-cased.
    static let scriptedPrefixes = ["curl/", "python-requests/", "go-http-client/", "wget/", "python-urllib/",
                                   "python-httpx/", "aiohttp/", "okhttp/", "java/", "apache-httpclient/",
                                   "libwww-perl/", "powershell/", "axios/", "node-fetch/", "postmanruntime/"]
    static let headlessMarkers = ["headlesschrome", "phantomjs", "puppeteer", "playwright", "selenium"]

    static func profile(_ client: ClientFacts) -> ClientProfile? {
        let raw = client.rawUserAgent?.lowercased() ?? ""
        let isScripted = scriptedPrefixes.contains { raw.hasPrefix($0) } || headlessMarkers.contains { raw.contains($0) }
        var family = client.browser.map(normalized) ?? ""
        var operatingSystem = client.operatingSystem.map(normalized) ?? ""
        if family.isEmpty || family == "unknown" { family = familyFromUserAgent(raw) }
        if operatingSystem.isEmpty || operatingSystem == "unknown" { operatingSystem = operatingSystemFromUserAgent(raw) }
        if isScripted, let slash = raw.firstIndex(of: "/"), !raw.hasPrefix("mozilla") { family = String(raw[..<slash]) }
        if raw.contains("headlesschrome") { family = "headlesschrome" }
        guard !family.isEmpty || !operatingSystem.isEmpty else { return nil }
        return ClientProfile(family: family, operatingSystem: operatingSystem, isScripted: isScripted)
    }

    /// Okta's `Mac OS X` and `MacOS`, `Windows 10` and `Windows`, compare equal:
    /// the OS family only.
    private static func normalized(_ name: String) -> String {
        let lower = name.lowercased()
        if lower.hasPrefix("mac") { return "macos" }
        if lower.hasPrefix("windows") { return "windows" }
        if lower.hasPrefix("ios") || lower.hasPrefix("iphone") || lower.hasPrefix("ipad") { return "ios" }
        if lower.hasPrefix("android") { return "android" }
        if lower.hasPrefix("chrome os") || lower.hasPrefix("chromeos") { return "chromeos" }
        if lower == "edge_chromium" || lower.hasPrefix("edge") { return "edge" }
        if lower == "mobile_safari" { return "safari" }
        if let space = lower.firstIndex(of: " "), lower[space...].dropFirst().first?.isNumber == true {
            return String(lower[..<space])
        }
        return lower
    }

    private static func familyFromUserAgent(_ raw: String) -> String {
        if raw.contains("edg/") { return "edge" }
        if raw.contains("opr/") { return "opera" }
        if raw.contains("firefox/") { return "firefox" }
        if raw.contains("chrome/") { return "chrome" }
        if raw.contains("safari/") { return "safari" }
        return ""
    }

    private static func operatingSystemFromUserAgent(_ raw: String) -> String {
        if raw.contains("iphone") || raw.contains("ipad") { return "ios" }
        if raw.contains("android") { return "android" }
        if raw.contains("windows") { return "windows" }
        if raw.contains("mac os x") || raw.contains("macintosh") { return "macos" }
        if raw.contains("cros") { return "chromeos" }
        if raw.contains("linux") { return "linux" }
        return ""
    }
}
