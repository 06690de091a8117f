/// The parts that `ParallelEventProcessor` and `RecordBatchProcessor`
/// share: the checks on their workers, the ordered stages, the counters and
/// the cut of a batch into one group per worker.
enum WorkerGroups {
    /// Checks `workers` and, when their pipeline has an `enrich` stage, sets
    /// them to defer it and the stages after it to the returned runner.
    static func orderedStages(for workers: [EventProcessor]) -> OrderedStageRunner? {
        precondition(!workers.isEmpty, "a parallel processor needs at least one worker")
        let expression = workers[0].pipeline.expression
        precondition(workers.count == 1 || expression.runsOnSeveralThreads,
                     "a pipeline with redact after enrich runs on one worker")
        guard let stageIndex = expression.orderedStageStart else { return nil }
        for worker in workers { worker.deferStages(from: stageIndex) }
        return OrderedStageRunner(pipeline: workers[0].pipeline, from: stageIndex, redactor: workers[0].redactor)
    }

    /// Sums the counters of all workers and the ordered stages.
    static func stats(_ workers: [EventProcessor], _ orderedStages: OrderedStageRunner?) -> ProcessingStats {
        var total = workers.reduce(into: ProcessingStats()) { $0.merge($1.stats) }
        if let orderedStages { total.merge(orderedStages.stats) }
        return total
    }

    /// Sums the redaction counts of all workers and the ordered stages.
    static func counts(_ workers: [EventProcessor], _ orderedStages: OrderedStageRunner?) -> RedactionCounts {
        var total = workers.reduce(into: RedactionCounts()) { $0.merge($1.redactor.counts) }
        if let orderedStages { total.merge(orderedStages.envelopeRedactor.counts) }
        return total
    }

    /// Cuts records of the given byte sizes into `groupCount` contiguous
    /// groups of about equal bytes, counting one more byte per record for
    /// its line break.
    static func split(sizes: some Collection<Int>, into groupCount: Int, totalBytes: Int) -> [Range<Int>] {
        let target = totalBytes / groupCount + 1
        var groups: [Range<Int>] = []
        var start = 0
        var bytes = 0
        for (index, size) in sizes.enumerated() {
            bytes += size + 1
            if bytes >= target && groups.count < groupCount - 1 {
                groups.append(start..<(index + 1))
                start = index + 1
                bytes = 0
            }
        }
        groups.append(start..<sizes.count)
        while groups.count < groupCount { groups.append(sizes.count..<sizes.count) }
        return groups
    }
}
