/// The keys of a configuration file that stand for one command-line option.
///
/// The file is turned into the options it stands for, placed before the
/// options from the environment and the command line, so that the parsers
/// of `FilterOptions` and `KafkaOptions` validate every value and the last
/// source wins. A new option needs one row here.
struct ConfigKey: Sendable {
    enum Shape: Sendable {
        /// One value: `--option VALUE`.
        case value
        /// A list: `--option ITEM` for each item.
        case list
        /// A list given as one comma-separated value: `--option A,B`.
        case commaList
        /// A boolean: `--option` alone when the value equals `emittedWhen`.
        case flag(emittedWhen: Bool)
    }

    enum Command: Sendable {
        case filter
        case kafka
    }

    /// The dotted path in the file, such as `redaction.max_depth`.
    let path: String
    let option: String
    let shape: Shape
    let command: Command
    /// The environment variable that overrides the file, if any.
    let environment: String?
    /// Whether a SIGHUP reload can change it; the others need a restart.
    let reloadable: Bool

    init(_ path: String, _ option: String, _ shape: Shape = .value, _ command: Command = .filter,
         environment: String? = nil, reloadable: Bool = false) {
        self.path = path
        self.option = option
        self.shape = shape
        self.command = command
        self.environment = environment
        self.reloadable = reloadable
    }

    static let all: [ConfigKey] = [
        // Redaction: every rule can change on reload.
        ConfigKey("redaction.redact_keys", "--redact-key", .list, reloadable: true),
        ConfigKey("redaction.keep_keys", "--keep-key", .list, reloadable: true),
        ConfigKey("redaction.value_detectors", "--no-value-detectors", .flag(emittedWhen: false),
                  environment: "LOGSIEVE_VALUE_DETECTORS", reloadable: true),
        ConfigKey("redaction.jwt", "--jwt", environment: "LOGSIEVE_JWT", reloadable: true),
        ConfigKey("redaction.max_depth", "--max-depth", environment: "LOGSIEVE_MAX_DEPTH", reloadable: true),
        ConfigKey("redaction.max_line_bytes", "--max-line-bytes", environment: "LOGSIEVE_MAX_LINE_BYTES"),
        // Enrichment: thresholds and allowlists change on reload; what the
        // stored state depends on (TTLs, sizes, the event root) does not.
        ConfigKey("enrichment.event_root", "--event-root"),
        ConfigKey("enrichment.geoip_db", "--geoip-db", .list),
        ConfigKey("enrichment.state_dir", "--state-dir", environment: "LOGSIEVE_STATE_DIR"),
        ConfigKey("enrichment.state_interval", "--state-interval"),
        ConfigKey("enrichment.trusted_cidrs", "--trusted-cidr", .list, reloadable: true),
        ConfigKey("enrichment.trusted_asns", "--trusted-asn", .list, reloadable: true),
        ConfigKey("enrichment.max_travel_speed", "--max-travel-speed", reloadable: true),
        ConfigKey("enrichment.min_travel_distance", "--min-travel-distance", reloadable: true),
        ConfigKey("enrichment.sensitive_action_window", "--sensitive-action-window", reloadable: true),
        ConfigKey("enrichment.mfa_reset_window", "--mfa-reset-window", reloadable: true),
        ConfigKey("enrichment.late_tolerance", "--late-tolerance"),
        ConfigKey("enrichment.session_ttl", "--session-ttl"),
        ConfigKey("enrichment.user_ttl", "--user-ttl"),
        ConfigKey("enrichment.max_sessions", "--max-sessions"),
        ConfigKey("enrichment.max_users", "--max-users"),
        // Inputs, output and the process. Of these, only the log level
        // changes on reload.
        ConfigKey("input.format", "--input-format", environment: "LOGSIEVE_INPUT_FORMAT"),
        ConfigKey("input.split", "--split", environment: "LOGSIEVE_SPLIT"),
        ConfigKey("input.listen", "--listen", .list),
        ConfigKey("input.follow", "--follow", .list),
        ConfigKey("input.socket_mode", "--socket-mode"),
        ConfigKey("input.max_connections", "--max-connections"),
        ConfigKey("input.idle_timeout", "--idle-timeout"),
        ConfigKey("output.path", "--output", environment: "LOGSIEVE_OUTPUT"),
        ConfigKey("output.force", "--force-output", .flag(emittedWhen: true)),
        ConfigKey("output.rotate_bytes", "--rotate-bytes"),
        ConfigKey("output.rotate_keep", "--rotate-keep"),
        ConfigKey("output.buffer_bytes", "--output-buffer-bytes"),
        ConfigKey("output.drain_timeout", "--drain-timeout"),
        ConfigKey("metrics.listen", "--metrics"),
        ConfigKey("log.format", "--log-format"),
        ConfigKey("log.level", "--log-level", reloadable: true),
        ConfigKey("threads", "--threads", environment: "LOGSIEVE_THREADS"),
        ConfigKey("fail_on_invalid", "--fail-on-invalid", .flag(emittedWhen: true)),
        ConfigKey("stats", "--stats", .flag(emittedWhen: true)),
        // `logsieve kafka`. Its parser reads these variables itself.
        ConfigKey("kafka.brokers", "--brokers", .commaList, .kafka, environment: "LOGSIEVE_KAFKA_BROKERS"),
        ConfigKey("kafka.group", "--group", .value, .kafka, environment: "LOGSIEVE_KAFKA_GROUP"),
        ConfigKey("kafka.from", "--from", .commaList, .kafka, environment: "LOGSIEVE_KAFKA_FROM"),
        ConfigKey("kafka.to", "--to", .value, .kafka, environment: "LOGSIEVE_KAFKA_TO"),
        ConfigKey("kafka.dead_letter", "--dead-letter", .value, .kafka, environment: "LOGSIEVE_KAFKA_DEAD_LETTER"),
        ConfigKey("kafka.partitioner", "--partitioner", .value, .kafka, environment: "LOGSIEVE_KAFKA_PARTITIONER"),
        ConfigKey("kafka.properties_file", "--kafka-config", .value, .kafka, environment: "LOGSIEVE_KAFKA_CONFIG"),
        ConfigKey("kafka.commit_interval", "--commit-interval", .value, .kafka),
        ConfigKey("kafka.flush_timeout", "--flush-timeout", .value, .kafka),
        ConfigKey("kafka.batch_size", "--batch-size", .value, .kafka),
        ConfigKey("kafka.log_level", "--log-level", .value, .kafka, environment: "LOGSIEVE_KAFKA_LOG_LEVEL", reloadable: true),
    ]

    /// Keys with their own handling in `ConfigFile`, which have no row.
    static let special: [String: String] = [
        "pipeline": "the pipeline, like -p; the command line and LOGSIEVE_PIPELINE win",
        "key_file": "the fingerprint key file, like --key-file; --key-file and the LOGSIEVE_HMAC_KEY variables win",
        "input.files": "input files, used when the command line names none",
        "redaction.replace": "fingerprint, mask or remove, or a mapping from kind (and default) to one of them",
        "redaction.patterns": "custom value patterns: a list of {name, regex, kind, literal, caseless}",
        "redaction.pattern_match_limit": "the PCRE2 match limit per search",
        "redaction.pattern_depth_limit": "the PCRE2 depth limit per search",
        "kafka.properties": "librdkafka properties, a mapping from name to value",
    ]

    static func row(_ path: String) -> ConfigKey? {
        all.first { $0.path == path }
    }

    /// The mapping sections of the file: every path prefix of a key.
    static let sections: Set<String> = {
        var sections = Set<String>()
        for path in all.map(\.path) + Array(special.keys) {
            var parts = path.split(separator: ".").dropLast()
            while !parts.isEmpty {
                sections.insert(parts.joined(separator: "."))
                parts = parts.dropLast()
            }
        }
        return sections
    }()
}
