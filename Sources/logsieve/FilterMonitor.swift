import Foundation
import LogsieveCore
import LogsieveObservability

/// The filter's health, metrics and log lines around each batch: the
/// pipeline thread calls it between batches, never per event.
final class FilterMonitor {
    let health: HealthState
    /// Nil without `--metrics`: the counters are then not copied at all.
    let metrics: FilterMetrics?
    private(set) var currentInput = "-"

    init(options: FilterOptions, enriches: Bool) {
        health = .shared
        metrics = options.observability.metricsAddress == nil ? nil : FilterMetrics(enriches: enriches)
        health.setNotReady("the inputs are not open yet")
    }

    /// Marks the process ready. NOTE: `Inputs.open` reads the first bytes
    /// of a file to detect its compression, so a FIFO counts as open only
    /// once its writer has written something.
    func inputOpened(_ path: String) {
        currentInput = path
        health.setReady()
        Diagnostics.log.debug("input opened", [("file", path)])
    }

    /// Runs one batch between `beginWork` and `endWork`, then publishes the totals.
    func runBatch(_ body: () -> Void, processor: FilterProcessors, writer: OutputWriter, enricher: Enricher?) {
        health.beginWork()
        body()
        health.endWork()
        guard metrics != nil || Diagnostics.log.isEnabled(.info) else { return }
        let stats = processor.stats
        let newInvalid: [(InvalidRecordReason, Int)]
        if let metrics {
            newInvalid = metrics.publish(stats, counts: processor.counts, bytesOut: writer.bytesWritten, enrichment: enricher?.stats)
        } else {
            newInvalid = []
        }
        for (reason, count) in newInvalid {
            Diagnostics.log.logLimited(.info, "input records are not valid JSON and were written as logsieve_invalid envelopes (reason \(reason.name))",
                                       [("file", currentInput), ("records", String(count))])
        }
    }

    func bytesWritten(_ total: Int) {
        metrics?.registry.set(.bytesOut, to: Double(total))
    }

    func logStart(options: FilterOptions, expression: PipelineExpression, threads: Int, key: FingerprintKey, metrics: ListenAddress?) {
        let log = Diagnostics.log
        guard log.isEnabled(.info) else { return }
        var metadata = [("version", Versions.logsieve), ("mode", "filter"), ("pipeline", Self.describe(expression)),
                        ("threads", String(threads)), ("inputs", Self.describeInputs(options)),
                        ("output", options.output ?? "-"), ("key", key.isEphemeral ? "random" : "configured")]
        if let metrics { metadata.append(("metrics", metrics.description)) }
        log.info("started", metadata)
    }

    func logStop(processor: FilterProcessors, bytesOut: Int, seconds: Double, status: Int32) {
        let stats = processor.stats
        Diagnostics.log.info("stopped", [("events.in", String(stats.eventsIn)), ("events.out", String(stats.eventsOut)),
                                         ("invalid", String(stats.invalidRecords)), ("redactions", String(processor.counts.total)),
                                         ("bytes.in", String(stats.bytesIn)), ("bytes.out", String(bytesOut)),
                                         ("seconds", String(format: "%.3f", seconds)), ("status", String(status))])
        Diagnostics.log.flushRepeats()
    }

    /// Returns the stage names of the pipeline, e.g. `select|redact|enrich`,
    /// without values, because a select condition may compare against a secret.
    private static func stageName(_ stage: StageSpecification) -> String {
        switch stage {
        case .redact: "redact"
        case .select: "select"
        case .delete: "del"
        case .enrich: "enrich"
        }
    }

    /// Returns the inputs for the `started` line: the listen addresses and
    /// followed files of a sidecar run, else the FILE arguments or `-`.
    static func describeInputs(_ options: FilterOptions) -> String {
        if options.sidecar.usesEventLoop { return options.sidecar.inputDescription }
        return options.inputs.isEmpty ? "-" : options.inputs.joined(separator: ",")
    }

    static func describe(_ expression: PipelineExpression) -> String {
        expression.stages.isEmpty ? "none" : expression.stages.map(stageName).joined(separator: "|")
    }
}
