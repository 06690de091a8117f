import Dispatch
import Glibc

/// Runs a batch of records that each stand alone, such as the values of
/// Kafka messages, through several `EventProcessor`s at once, and gives
/// each record's output on its own, in input order.
///
/// `prepare` cuts the batch into contiguous groups, one per worker, and
/// runs the stages before `enrich` on the workers' threads. `result(at:)`
/// then runs `enrich` and the stages after it on the caller's thread, one
/// record at a time in input order (`OrderedStageRunner`), so the enrich
/// state sees the records in the order they came, whatever the thread
/// count. Each record is one unit: a value that does not parse is one
/// invalid-input envelope, never joined with the next record.
public final class RecordBatchProcessor {
    /// The outcome of one record.
    public enum Outcome: Equatable, Sendable {
        /// The output contains the record's events, one per line.
        case events
        /// The output contains the scrubbed invalid-input envelope.
        case invalid
        /// Nothing to send: the record was empty or whitespace, or a
        /// `select` stage dropped every event.
        case nothing
    }

    /// The position of one record's output after `prepare`.
    private struct Entry {
        var worker = 0
        var bytes = 0..<0
        var events = 0..<0
        var invalid = false
    }

    public let workers: [EventProcessor]
    private let outputs: [ByteBuffer]
    private let orderedStages: OrderedStageRunner?
    /// A record's output after the ordered stages.
    private let orderedOutput = ByteBuffer(capacity: 64 * 1024)
    /// Below this many bytes in a batch, one worker is faster than waking others.
    private let parallelThreshold: Int
    private var entries: UnsafeMutableBufferPointer<Entry>
    private var entryCount = 0
    private var nextResult = 0

    /// `workers` must not share a `Redactor`, and must run one pipeline
    /// expression. When it has an `orderedStageStart`, the workers are set
    /// to defer the stages from there on. Several workers need an
    /// expression that `runsOnSeveralThreads`.
    public init(workers: [EventProcessor], parallelThreshold: Int = 64 * 1024) {
        orderedStages = WorkerGroups.orderedStages(for: workers)
        self.workers = workers
        self.parallelThreshold = parallelThreshold
        outputs = workers.map { _ in ByteBuffer(capacity: 1 << 20) }
        entries = .allocate(capacity: 1024)
    }

    deinit {
        entries.deallocate()
    }

    /// Processes `values` up to the ordered stages. Their output stays
    /// valid until `finish()` or the next `prepare`.
    public func prepare(_ values: [UnsafeRawBufferPointer]) {
        finish()
        if entries.count < values.count {
            entries.deallocate()
            entries = .allocate(capacity: values.count)
        }
        entries.initialize(repeating: Entry())
        entryCount = values.count
        var totalBytes = 0
        for value in values { totalBytes += value.count }
        let groupCount = totalBytes < parallelThreshold ? 1 : min(workers.count, values.count)
        if groupCount <= 1 {
            process(values, 0..<values.count, worker: 0)
            return
        }
        let groups = WorkerGroups.split(sizes: values.lazy.map(\.count), into: groupCount, totalBytes: totalBytes)
        let work = UnsafeSendable(value: (self, values, groups))
        DispatchQueue.concurrentPerform(iterations: groupCount) { index in
            let (processor, values, groups) = work.value
            processor.process(values, groups[index], worker: index)
        }
    }

    /// The outcome and output of record `index` of the last `prepare`,
    /// without the last event's newline. Call it in increasing `index`
    /// order, at most once per record. The bytes stay valid until the next
    /// call, `finish()` or `prepare`.
    public func result(at index: Int) -> (Outcome, UnsafeRawBufferPointer) {
        precondition(index >= nextResult && index < entryCount, "results are taken once each, in input order")
        nextResult = index + 1
        let entry = entries[index]
        let workerOutput = outputs[entry.worker]
        var invalid = entry.invalid
        var start = UnsafeRawPointer(workerOutput.base) + entry.bytes.lowerBound
        var count = entry.bytes.count
        if let orderedStages {
            orderedOutput.removeAll()
            let invalidBefore = orderedStages.stats.invalidRecords
            orderedStages.run(workers[entry.worker], output: workerOutput, bytes: entry.bytes, events: entry.events, to: orderedOutput)
            invalid = invalid || orderedStages.stats.invalidRecords > invalidBefore
            start = UnsafeRawPointer(orderedOutput.base)
            count = orderedOutput.count
        }
        if count > 0 && start.load(fromByteOffset: count - 1, as: UInt8.self) == ASCII.newline { count -= 1 }
        let bytes = UnsafeRawBufferPointer(start: start, count: count)
        if invalid { return (.invalid, bytes) }
        return (count == 0 ? .nothing : .events, bytes)
    }

    /// Releases the batch: the workers forget its output and deferred events.
    public func finish() {
        for (worker, output) in zip(workers, outputs) {
            worker.removeDeferredEvents()
            output.removeAll()
        }
        entryCount = 0
        nextResult = 0
    }

    /// The counters of all workers and the ordered stages together.
    public var stats: ProcessingStats { WorkerGroups.stats(workers, orderedStages) }

    /// The redaction counts of all workers and the ordered stages together.
    public var counts: RedactionCounts { WorkerGroups.counts(workers, orderedStages) }

    /// Runs one group on one worker. Groups write disjoint entries.
    private func process(_ values: [UnsafeRawBufferPointer], _ group: Range<Int>, worker index: Int) {
        let worker = workers[index]
        let output = outputs[index]
        for recordIndex in group {
            let start = output.count
            let eventsStart = worker.deferredEvents.count
            let invalidBefore = worker.stats.invalidRecords
            let value = values[recordIndex]
            // A value with a line break may be pretty-printed JSON or several
            // NDJSON lines. Either way it is one record, because it is one
            // unit of delivery upstream.
            let hasLineBreak = value.count > 0 && memchr(value.baseAddress!, Int32(ASCII.newline), value.count) != nil
            var record = FramedRecord.external(kind: hasLineBreak ? .multiLineValue : .line, bytes: value, lineNumber: 1)
            if worker.process(record, to: output) == .continuesOnNextLine {
                // A truncated value: no next line will come, so it is invalid.
                record.kind = .unterminatedValue
                _ = worker.process(record, to: output)
            }
            entries[recordIndex] = Entry(worker: index, bytes: start..<output.count, events: eventsStart..<worker.deferredEvents.count,
                                         invalid: worker.stats.invalidRecords > invalidBefore)
        }
    }
}
