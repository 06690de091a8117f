import LogsieveCore
import LogsieveIO
import LogsieveObservability

/// The filter's `ParallelEventProcessor` and its replacement on SIGHUP.
///
/// A reload builds new redactors (key rules, replacement modes, value
/// detectors, JWT mode, depth, custom patterns) from the file. It swaps
/// them in between two batches, when every record read so far has been
/// written and none is queued, so no event is dropped or written twice.
/// The enricher and its session and user state stay; only its thresholds
/// and allowlists change, and so does the log level. Settings in
/// `RestartSettings` keep their old value until a restart, and a reload
/// that changes one reports it on stderr.
final class FilterProcessors {
    private(set) var current: ParallelEventProcessor
    private var options: FilterOptions
    private let expression: PipelineExpression
    private let split: JSONPath?
    private let key: FingerprintKey
    private let enricher: Enricher?
    private let environment: [String: String]
    /// The counters of processors replaced by a reload.
    private var retiredStats = ProcessingStats()
    private var retiredCounts = RedactionCounts()

    init(options: FilterOptions, expression: PipelineExpression, split: JSONPath?, key: FingerprintKey,
         enricher: Enricher?, environment: [String: String]) throws(RuntimeFailure) {
        self.options = options
        self.expression = expression
        self.split = split
        self.key = key
        self.enricher = enricher
        self.environment = environment
        current = try Self.makeProcessor(options: options, expression: expression, split: split, key: key, enricher: enricher)
    }

    /// Builds one redactor and one pipeline per thread. They share nothing mutable
    /// but the enricher, whose stage the processor runs on this thread in
    /// input order. A redact stage after enrich would need this thread's
    /// redactor, so such a pipeline runs on one thread.
    private static func makeProcessor(
        options: FilterOptions, expression: PipelineExpression, split: JSONPath?, key: FingerprintKey, enricher: Enricher?
    ) throws(RuntimeFailure) -> ParallelEventProcessor {
        let threads = expression.runsOnSeveralThreads ? options.threads : 1
        var workers: [EventProcessor] = []
        for _ in 0..<threads {
            let redactor = try options.makeRedactor(key: key)
            let pipeline = Pipeline(expression: expression, redactor: redactor, enricher: enricher)
            let worker = EventProcessor(pipeline: pipeline, redactor: redactor, inputFormat: options.inputFormat, split: split)
            worker.maxLineBytesForMessage = options.maxLineBytes
            workers.append(worker)
        }
        return ParallelEventProcessor(workers: workers)
    }

    var stats: ProcessingStats {
        var total = retiredStats
        total.merge(current.stats)
        return total
    }

    var counts: RedactionCounts {
        var total = retiredCounts
        total.merge(current.counts)
        return total
    }

    /// Reloads the configuration file if SIGHUP asked for it. Call it only
    /// between batches, when the processor has flushed everything it took.
    func reloadIfRequested() {
        guard ReloadSignal.takeRequest(), let path = options.configFile?.path else { return }

        let file = ConfigFile.load(path: path, environment: environment)
        guard file.errors.isEmpty else {
            Diagnostics.error("configuration reload rejected; the previous configuration stays in force:\n\(file.formattedErrors)")
            MetricsRegistry.shared.add(.configReloads, [("result", "failure")])
            return
        }
        var new: FilterOptions
        do {
            new = try ConfigResolution.filterOptions(commandLine: options.commandLineArguments, file: file,
                                                     environment: environment) { _ in true }
        } catch {
            Diagnostics.error("configuration reload rejected; the previous configuration stays in force: \(error.message)")
            MetricsRegistry.shared.add(.configReloads, [("result", "failure")])
            return
        }

        for setting in RestartSettings(options).changes(to: RestartSettings(new)) {
            Diagnostics.warn("\(setting) changed in \(path); it takes effect only after a restart, the old value stays in force")
        }
        new.keepRestartSettings(of: options)
        let missed = RestartSettings(options).changes(to: RestartSettings(new))
        guard missed.isEmpty else {
            // keepRestartSettings missed a setting that RestartSettings compares, so the reload fails closed.
            Diagnostics.error("configuration reload rejected; the previous configuration stays in force: "
                              + "cannot keep the old value of \(missed.joined(separator: ", "))")
            MetricsRegistry.shared.add(.configReloads, [("result", "failure")])
            return
        }

        let processor: ParallelEventProcessor
        do {
            processor = try Self.makeProcessor(options: new, expression: expression, split: split, key: key, enricher: enricher)
        } catch {
            Diagnostics.error("configuration reload rejected; the previous configuration stays in force: \(error.message)")
            MetricsRegistry.shared.add(.configReloads, [("result", "failure")])
            return
        }

        retiredStats.merge(current.stats)
        retiredCounts.merge(current.counts)
        current = processor
        enricher?.updateThresholds(from: new.enrich.configuration)
        Diagnostics.configure(level: new.observability.logLevel ?? .warning, format: new.observability.logFormat)
        options = new
        MetricsRegistry.shared.add(.configReloads, [("result", "success")])
        Diagnostics.info("reloaded \(path); its rules apply from input record \(retiredStats.eventsIn + 1) on")
    }
}
