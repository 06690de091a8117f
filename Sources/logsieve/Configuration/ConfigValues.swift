import LogsieveCore

/// The value in effect for each filter row of `ConfigKey.all`, as YAML that
/// `config check` accepts. `config show` prints these values, and
/// `RestartSettings` compares them across a reload.
extension FilterOptions {
    /// Returns the YAML text of the setting at `path`, or nil for a path
    /// that is not a filter row. `arguments` are the filter options from
    /// every source, in order, for the values that are kept only in parsed form.
    func configValue(_ path: String, arguments: [String]) -> String? {
        if path.hasPrefix("enrichment.") { return enrichmentValue(path, arguments: arguments) }
        switch path {
        case "redaction.redact_keys": return ConfigShow.list(extraSecretKeys)
        case "redaction.keep_keys": return ConfigShow.list(excludedKeys)
        case "redaction.value_detectors": return "\(valueDetectors)"
        case "redaction.jwt": return jwtMode.rawValue
        case "redaction.max_depth": return "\(maxDepth)"
        case "redaction.max_line_bytes": return "\(maxLineBytes)"
        case "input.format": return inputFormat.rawValue
        case "input.split": return ConfigShow.quoted(split)
        case "input.listen": return ConfigShow.list(sidecar.listenAddresses.map(\.description))
        case "input.follow": return ConfigShow.list(sidecar.followedFiles)
        case "input.socket_mode": return ConfigShow.quoted(String(sidecar.socketMode, radix: 8))
        case "input.max_connections": return "\(sidecar.maxConnections)"
        case "input.idle_timeout": return ConfigShow.number(sidecar.idleTimeout)
        case "output.path": return ConfigShow.quoted(output)
        case "output.force": return "\(allowsOutputSymlink)"
        case "output.rotate_bytes": return sidecar.rotateBytes.map(String.init) ?? "null"
        case "output.rotate_keep": return "\(sidecar.rotateKeep)"
        case "output.buffer_bytes": return "\(sidecar.outputBufferBytes)"
        case "output.drain_timeout": return ConfigShow.number(sidecar.drainTimeout)
        case "metrics.listen": return ConfigShow.quoted(observability.metricsAddress.map { "tcp://\($0)" })
        case "log.format": return observability.logFormat.rawValue
        case "log.level": return (observability.logLevel ?? .warning).name
        case "threads": return "\(threads)"
        case "fail_on_invalid": return "\(failsOnInvalid)"
        case "stats": return "\(printsStats)"
        default: return nil
        }
    }

    private func enrichmentValue(_ path: String, arguments: [String]) -> String? {
        let configuration = enrich.configuration
        switch path {
        case "enrichment.event_root": return ConfigShow.quoted(enrich.eventRootText)
        case "enrichment.geoip_db": return ConfigShow.list(enrich.geoIPDatabases)
        case "enrichment.state_dir": return ConfigShow.quoted(enrich.stateDirectory)
        case "enrichment.state_interval": return ConfigShow.number(enrich.stateInterval)
        case "enrichment.trusted_cidrs": return ConfigShow.list(Self.values(of: "--trusted-cidr", in: arguments))
        case "enrichment.trusted_asns":
            return "[" + configuration.trustedASNumbers.sorted().map(String.init).joined(separator: ", ") + "]"
        case "enrichment.max_travel_speed": return ConfigShow.number(configuration.maxTravelSpeed)
        case "enrichment.min_travel_distance": return ConfigShow.number(configuration.minTravelDistance)
        case "enrichment.sensitive_action_window": return ConfigShow.number(configuration.sensitiveActionWindow)
        case "enrichment.mfa_reset_window": return ConfigShow.number(configuration.mfaResetWindow)
        case "enrichment.late_tolerance": return ConfigShow.number(configuration.lateTolerance)
        case "enrichment.session_ttl": return ConfigShow.number(configuration.sessionTTL)
        case "enrichment.user_ttl": return ConfigShow.number(configuration.userTTL)
        case "enrichment.max_sessions": return "\(configuration.maxSessions)"
        case "enrichment.max_users": return "\(configuration.maxUsers)"
        default: return nil
        }
    }

    /// Returns every value given to `option` in `arguments`, in order.
    static func values(of option: String, in arguments: [String]) -> [String] {
        var cursor = ArgumentCursor(arguments)
        var values: [String] = []
        while let item = cursor.next() {
            guard case .option(let name, _) = item else { continue }
            if name == option, let value = try? cursor.value(for: name) { values.append(value) }
        }
        return values
    }
}
