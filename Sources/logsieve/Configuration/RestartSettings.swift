import LogsieveCore

/// The settings that a SIGHUP reload cannot change: every filter row of
/// `ConfigKey.all` that is not reloadable, and the pipeline, the input
/// files and the key, which have their own handling. A new row is covered
/// as soon as it is in the table and `FilterOptions.configValue` returns its value.
struct RestartSettings: Equatable {
    private var values: [(name: String, value: String)]

    init(_ options: FilterOptions) {
        values = [
            ("pipeline", options.pipelineText ?? ""),
            ("input.files", options.inputs.joined(separator: "\n")),
            ("key_file", options.keyFile ?? ""),
        ]
        for row in ConfigKey.all where row.command == .filter && !row.reloadable {
            // NOTE: a row that `configValue` does not list compares as unchanged.
            // Only the reload test's table of restart-only keys would catch it.
            values.append((row.path, options.configValue(row.path, arguments: []) ?? ""))
        }
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
    /// `FilterProcessors` checks the result against `RestartSettings`.
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
        sidecar = old.sidecar
        // The log level changes live, but the format and the metrics address do not.
        let logLevel = observability.logLevel
        observability = old.observability
        observability.logLevel = logLevel
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
