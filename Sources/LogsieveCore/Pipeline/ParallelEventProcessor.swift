import Dispatch

/// Runs framed records through several `EventProcessor`s at once, one per
/// thread, and appends their output in input order.
///
/// Records that end with a closing bracket (or start with neither `{` nor
/// `[`) cannot continue on the next line, so they are queued and processed
/// in parallel when the queue is flushed. Any other record first flushes the
/// queue and is then processed on the first worker, in order, because the
/// framer needs its verdict at once. The output is the same as with one
/// thread, except that a name/value pair split over two invalid lines that
/// fall to different workers has its value redacted as a `secret` rather
/// than by its name.
///
/// A pipeline with `enrich` has the workers run the stages before it, and
/// runs `enrich` and the stages after it on the caller's thread, over the
/// workers' output in input order (`OrderedStageRunner`). A one-worker
/// processor does the same, so that every thread count gives one output.
public final class ParallelEventProcessor {
    public let workers: [EventProcessor]
    private let outputs: [ByteBuffer]
    private var queue: [FramedRecord] = []
    private var queuedBytes = 0
    /// Below this many queued bytes, one worker is faster than waking others.
    private let parallelThreshold: Int
    private let orderedStages: OrderedStageRunner?

    /// `workers` must not share a `Redactor`, and must run one pipeline
    /// expression. When it has an `orderedStageStart`, the workers are set
    /// to defer the stages from there on. Several workers need an
    /// expression that `runsOnSeveralThreads`.
    public init(workers: [EventProcessor], parallelThreshold: Int = 64 * 1024) {
        orderedStages = WorkerGroups.orderedStages(for: workers)
        self.workers = workers
        self.parallelThreshold = parallelThreshold
        outputs = workers.map { _ in ByteBuffer(capacity: 1 << 20) }
    }

    /// Takes one record from the framer. Records stay valid only until the
    /// framer's buffer changes, so call `flush(to:)` after every drain.
    public func process(_ record: FramedRecord, to output: ByteBuffer) -> LineVerdict {
        if canQueue(record) {
            queue.append(record)
            queuedBytes += record.bytes.count
            return .consumed
        }
        flush(to: output)
        guard let orderedStages else { return workers[0].process(record, to: output) }
        outputs[0].removeAll()
        let verdict = workers[0].process(record, to: outputs[0])
        orderedStages.run(workers[0], output: outputs[0], to: output)
        return verdict
    }

    /// Processes the queued records and appends their output in order.
    public func flush(to output: ByteBuffer) {
        guard !queue.isEmpty else { return }
        defer {
            queue.removeAll(keepingCapacity: true)
            queuedBytes = 0
        }
        let groupCount = queuedBytes < parallelThreshold ? 1 : min(workers.count, queue.count)
        if groupCount == 1 {
            guard let orderedStages else {
                for record in queue { _ = workers[0].process(record, to: output) }
                return
            }
            outputs[0].removeAll()
            for record in queue { _ = workers[0].process(record, to: outputs[0]) }
            orderedStages.run(workers[0], output: outputs[0], to: output)
            return
        }
        let groups = WorkerGroups.split(sizes: queue.lazy.map(\.bytes.count), into: groupCount, totalBytes: queuedBytes)
        let work = UnsafeSendable(value: (self, groups))
        DispatchQueue.concurrentPerform(iterations: groupCount) { index in
            let (processor, groups) = work.value
            let worker = processor.workers[index]
            let workerOutput = processor.outputs[index]
            workerOutput.removeAll()
            for record in processor.queue[groups[index]] { _ = worker.process(record, to: workerOutput) }
        }
        for index in 0..<groupCount {
            if let orderedStages {
                orderedStages.run(workers[index], output: outputs[index], to: output)
            } else {
                output.append(outputs[index].bytes)
            }
        }
    }

    /// The counters of all workers and the ordered stages together.
    public var stats: ProcessingStats { WorkerGroups.stats(workers, orderedStages) }

    /// The redaction counts of all workers and the ordered stages together.
    public var counts: RedactionCounts { WorkerGroups.counts(workers, orderedStages) }

    private func canQueue(_ record: FramedRecord) -> Bool {
        guard record.kind == .line, workers[0].inputFormat == .json else { return record.kind != .multiLineValue }
        guard let base = record.bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), record.bytes.count > 0 else {
            return true
        }
        let first = JSONLexer.skipWhitespace(base, from: 0, end: record.bytes.count)
        return first == record.bytes.count || !EventProcessor.mayContinue(base, first: first, count: record.bytes.count)
    }

}

/// Carries values into `concurrentPerform`, whose iterations touch disjoint
/// workers and outputs and only read the queue.
struct UnsafeSendable<Value>: @unchecked Sendable {
    let value: Value
}
