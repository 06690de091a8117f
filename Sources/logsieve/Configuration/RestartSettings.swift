import LogsieveCore

/// The settings that a SIGHUP reload cannot change: where input and output
/// go, how records are framed, the pipeline and its threads, the key, and
/// what the stored enrichment state was built with.
struct RestartSettings: Equatable {
    private var values: [(name: String, value: String)]

    init(_ options: FilterOptions) {
        let enrich = options.enrich
        let configuration = enrich.configuration
        values = [
            ("pipeline", options.pipelineText ?? ""),
            ("input.files", options.inputs.joined(separator: "\n")),
            ("input.format", options.inputFormat.rawValue),
            ("input.split", options.split ?? ""),
            ("output.path", options.output ?? ""),
            ("output.force", "\(options.allowsOutputSymlink)"),
            ("threads", "\(options.threads)"),
            ("key_file", options.keyFile ?? ""),
            ("redaction.max_line_bytes", "\(options.maxLineBytes)"),
            ("fail_on_invalid", "\(options.failsOnInvalid)"),
            ("stats", "\(options.printsStats)"),
            ("enrichment.event_root", enrich.eventRootText ?? ""),
            ("enrichment.geoip_db", enrich.geoIPDatabases.joined(separator: "\n")),
            ("enrichment.state_dir", enrich.stateDirectory ?? ""),
            ("enrichment.state_interval", "\(enrich.stateInterval)"),
            ("enrichment.late_tolerance", "\(configuration.lateTolerance)"),
            ("enrichment.session_ttl", "\(configuration.sessionTTL)"),
            ("enrichment.user_ttl", "\(configuration.userTTL)"),
            ("enrichment.max_sessions", "\(configuration.maxSessions)"),
            ("enrichment.max_users", "\(configuration.maxUsers)"),
        ]
    }

    /// Returns the names of the settings whose value differs in `other`.
    func changes(to other: RestartSettings) -> [String] {
        zip(values, other.values).filter { $0.value != $1.value }.map(\.0.name)
    }

    static func == (lhs: RestartSettings, rhs: RestartSettings) -> Bool {
        lhs.changes(to: rhs).isEmpty && lhs.values.count == rhs.values.count
    }
}

extension FilterOptions {
    /// Puts back the restart-only settings of `old`, after a reload read new ones.
    mutating func keepRestartSettings(of old: FilterOptions) {
        pipelineText = old.pipelineText
        inputs = old.inputs
        inputFormat = old.inputFormat
        split = old.split
        output = old.output
        allowsOutputSymlink = old.allowsOutputSymlink
        threads = old.threads
        keyFile = old.keyFile
        maxLineBytes = old.maxLineBytes
        failsOnInvalid = old.failsOnInvalid
        printsStats = old.printsStats
        let thresholds = enrich.configuration
        enrich = old.enrich
        enrich.configuration.maxTravelSpeed = thresholds.maxTravelSpeed
        enrich.configuration.minTravelDistance = thresholds.minTravelDistance
        enrich.configuration.sensitiveActionWindow = thresholds.sensitiveActionWindow
        enrich.configuration.mfaResetWindow = thresholds.mfaResetWindow
        enrich.configuration.trustedNetworks = thresholds.trustedNetworks
        enrich.configuration.trustedASNumbers = thresholds.trustedASNumbers
    }
}
