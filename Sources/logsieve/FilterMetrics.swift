import LogsieveCore
import LogsieveObservability

/// Copies the filter's counters into the metrics registry at batch
/// boundaries. They are the totals that `--stats` prints, taken from the
/// same `ProcessingStats` and `RedactionCounts`, so the two agree at the
/// end of a run. Between batches, `logsieve_bytes_out_total` follows the
/// writes and may trail the events by the bytes still buffered.
final class FilterMetrics {
    let registry: MetricsRegistry
    private var lastInvalid = InvalidRecordCounts()

    /// `countsBytesOut` is false in Kafka mode, where the producer
    /// compresses and batches the output.
    init(registry: MetricsRegistry = .shared, enriches: Bool, countsBytesOut: Bool = true) {
        self.registry = registry
        // Every series starts at 0, so that rate() counts the first increase.
        registry.update { updater in
            for metric in [MetricName.eventsIn, .eventsOut, .eventsDropped, .bytesIn] {
                updater.set(metric, to: 0)
            }
            if countsBytesOut { updater.set(.bytesOut, to: 0) }
            for reason in InvalidRecordReason.allCases {
                updater.set(.invalidRecords, [("reason", reason.name)], to: 0)
            }
            for kind in SecretKind.allCases {
                updater.set(.redactions, [("kind", kind.name)], to: 0)
            }
            if enriches {
                updater.set(.enrichmentEvents, to: 0)
                for flag in EnrichmentFlag.allCases {
                    updater.set(.enrichmentFlags, [("flag", flag.rawValue)], to: 0)
                }
            }
        }
    }

    /// Publishes the totals so far; returns the invalid records by reason
    /// since the previous call, for the log.
    @discardableResult
    func publish(_ stats: ProcessingStats, counts: RedactionCounts, bytesOut: Int?, enrichment: EnrichmentStats?)
        -> [(InvalidRecordReason, Int)]
    {
        registry.update { updater in
            updater.set(.eventsIn, to: stats.eventsIn)
            updater.set(.eventsOut, to: stats.eventsOut)
            updater.set(.eventsDropped, to: stats.eventsDropped)
            updater.set(.bytesIn, to: stats.bytesIn)
            if let bytesOut { updater.set(.bytesOut, to: bytesOut) }
            for reason in InvalidRecordReason.allCases {
                updater.set(.invalidRecords, [("reason", reason.name)], to: stats.invalidByReason[reason])
            }
            for kind in SecretKind.allCases {
                updater.set(.redactions, [("kind", kind.name)], to: counts[kind])
            }
            if let enrichment {
                updater.set(.enrichmentEvents, to: enrichment.eventsRecognized)
                for (index, flag) in EnrichmentFlag.allCases.enumerated() {
                    updater.set(.enrichmentFlags, [("flag", flag.rawValue)], to: enrichment.flagCounts[index])
                }
            }
        }
        var newInvalid: [(InvalidRecordReason, Int)] = []
        for reason in InvalidRecordReason.allCases where stats.invalidByReason[reason] > lastInvalid[reason] {
            newInvalid.append((reason, stats.invalidByReason[reason] - lastInvalid[reason]))
        }
        lastInvalid = stats.invalidByReason
        return newInvalid
    }
}
