import LogsieveCore
import LogsieveIO
import LogsieveKafka

/// SIGHUP in `logsieve kafka`: reads the configuration file again and
/// swaps new workers into the relay's sanitizer.
///
/// As in the filter (`FilterProcessors`), a reload builds new redactors
/// (key rules, replacement modes, value detectors, JWT mode, depth, custom
/// patterns) from the file. The relay runs `reloadIfRequested` between two
/// consumer batches, on its own thread, so no message is sanitized partly
/// by the old and partly by the new rules. The enricher and its state
/// stay; only its thresholds and allowlists change, and so does the log
/// level. The Kafka settings and the filter settings in `RestartSettings`
/// keep their old value until a restart, and a reload that changes one
/// reports it on stderr.
final class KafkaReload {
    private var options: KafkaOptions
    /// The command line without `--config`, applied over the file again.
    private let commandLine: [String]
    private let configPath: String?
    private let environment: [String: String]
    private let expression: PipelineExpression
    private let split: JSONPath?
    private let key: FingerprintKey
    private let enricher: Enricher
    private let sanitizer: EventSanitizer

    init(options: KafkaOptions, commandLine: [String], configPath: String?, environment: [String: String],
         expression: PipelineExpression, split: JSONPath?, key: FingerprintKey, enricher: Enricher, sanitizer: EventSanitizer) {
        self.options = options
        self.commandLine = commandLine
        self.configPath = configPath
        self.environment = environment
        self.expression = expression
        self.split = split
        self.key = key
        self.enricher = enricher
        self.sanitizer = sanitizer
    }

    /// Builds one worker per thread, each with its own redactor. They share
    /// the enricher, which runs on the relay's thread in message order.
    static func makeWorkers(_ filter: FilterOptions, expression: PipelineExpression, split: JSONPath?, key: FingerprintKey,
                            enricher: Enricher, threads: Int) throws(RuntimeFailure) -> [EventProcessor] {
        var workers: [EventProcessor] = []
        for _ in 0..<threads {
            let redactor = try filter.makeRedactor(key: key)
            let worker = EventProcessor(pipeline: Pipeline(expression: expression, redactor: redactor, enricher: enricher), redactor: redactor,
                                        inputFormat: filter.inputFormat, split: split)
            worker.maxLineBytesForMessage = filter.maxLineBytes
            workers.append(worker)
        }
        return workers
    }

    /// Rejects fingerprints with a random per-process key, because every
    /// instance in the group must write the same fingerprints.
    static func checkFingerprintKey(_ filter: FilterOptions, key: FingerprintKey) throws(UsageError) {
        // A per-kind override (`--replace-kind password=fingerprint`) writes
        // fingerprints too, even when the default mode does not.
        let writesFingerprints = filter.replacement == .fingerprint || filter.replacementOverrides.values.contains(.fingerprint)
        if key.isEphemeral && writesFingerprints && !filter.noRedact {
            throw UsageError("no fingerprint key configured; pass --key-file FILE or set \(KeyLoading.fileVariable), so that every instance in the group writes the same fingerprints")
        }
    }

    /// Reloads the configuration file if SIGHUP requested it. Call it only
    /// between batches, when no message is in hand.
    func reloadIfRequested() {
        guard ReloadSignal.takeRequest() else { return }
        guard let path = configPath else {
            Diagnostics.warn("SIGHUP received, but there is nothing to reload: logsieve kafka was started without --config FILE or \(ConfigFile.variable); the relay goes on with its settings")
            return
        }

        let file = ConfigFile.load(path: path, environment: environment)
        guard file.errors.isEmpty else {
            reject("\n\(file.formattedErrors.dropLast())")
            return
        }
        var new: KafkaOptions
        do {
            new = try ConfigResolution.kafkaOptions(commandLine: commandLine, file: file, environment: environment)
            try Self.checkFingerprintKey(new.filter, key: key)
        } catch {
            reject(" \(error.message)")
            return
        }

        for setting in KafkaRestartSettings(options).changes(to: KafkaRestartSettings(new)) {
            Diagnostics.warn("\(setting) changed in \(path); it takes effect only after a restart, the old value stays in force")
        }
        new.keepRestartSettings(of: options)
        let missed = KafkaRestartSettings(options).changes(to: KafkaRestartSettings(new))
        guard missed.isEmpty else {
            // keepRestartSettings missed a setting that KafkaRestartSettings compares, so the reload fails closed.
            reject(" cannot keep the old value of \(missed.joined(separator: ", "))")
            return
        }

        let workers: [EventProcessor]
        do {
            workers = try Self.makeWorkers(new.filter, expression: expression, split: split, key: key, enricher: enricher,
                                           threads: sanitizer.threadCount)
        } catch {
            reject(" \(error.message)")
            return
        }

        sanitizer.replaceWorkers(workers)
        // NOTE: the enricher keeps the max depth it was built with, as in the filter.
        enricher.updateThresholds(from: new.filter.enrich.configuration)
        Diagnostics.configure(level: new.logLevel, format: new.filter.observability.logFormat, component: "logsieve kafka")
        options = new
        MetricsRegistry.shared.add(.configReloads, [("result", "success")])
        Diagnostics.info("reloaded \(path); its rules apply from the next consumer batch on")
    }

    /// Logs a rejected reload with `reason` and counts it.
    private func reject(_ reason: String) {
        Diagnostics.error("configuration reload rejected; the previous configuration stays in force:\(reason)")
        MetricsRegistry.shared.add(.configReloads, [("result", "failure")])
    }
}
