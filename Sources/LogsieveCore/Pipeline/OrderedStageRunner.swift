/// Runs the stages that must see the events in input order, `enrich` and
/// the stages after it, on the caller's thread, over the output of
/// `EventProcessor`s that deferred them (`EventProcessor.deferStages`).
///
/// Each event is enriched with the session MACs that its processor's
/// redactor recorded for it, so the result does not depend on which
/// processor redacted the event.
final class OrderedStageRunner {
    private let stages: [PipelineStage]
    private let currentMACs = SessionMACBox()
    /// Writes the envelopes of events that a stage here fails on.
    let envelopeRedactor: Redactor
    /// `eventsOut` and `eventsDropped` of the deferred events, and the
    /// events turned into envelopes here.
    private(set) var stats = ProcessingStats()
    private let stagingA = ByteBuffer(capacity: 64 * 1024)
    private let stagingB = ByteBuffer(capacity: 64 * 1024)

    /// Runs the stages of `pipeline` from `stageIndex` on. `redactor` gives
    /// the configuration and key of the envelope redactor.
    init(pipeline: Pipeline, from stageIndex: Int, redactor: Redactor) {
        let currentMACs = currentMACs
        stages = pipeline.stages[stageIndex...].map { stage -> PipelineStage in
            guard let enrich = stage as? EnrichStage else { return stage }
            return EnrichStage(enricher: enrich.enricher) { currentMACs.table }
        }
        envelopeRedactor = Redactor(configuration: redactor.configuration,
                                    fingerprinter: Fingerprinter(key: redactor.fingerprinter.key))
    }

    /// Appends the output of `processor`, written to `processorOutput`, to
    /// `output`: the deferred events through the stages, every other byte
    /// as it is. Then empties the processor's list of deferred events.
    func run(_ processor: EventProcessor, output processorOutput: ByteBuffer, to output: ByteBuffer) {
        run(processor, output: processorOutput, bytes: 0..<processorOutput.count, events: 0..<processor.deferredEvents.count, to: output)
        processor.removeDeferredEvents()
    }

    /// Appends one part of `processorOutput`, the bytes in `bytes`, whose
    /// deferred events are those in `events`, as `run(_:output:to:)` does
    /// for all of it. The processor keeps its deferred events.
    func run(_ processor: EventProcessor, output processorOutput: ByteBuffer, bytes: Range<Int>, events: Range<Int>, to output: ByteBuffer) {
        let base = UnsafePointer(processorOutput.base)
        let macs = processor.deferredMACs
        var position = bytes.lowerBound
        for event in processor.deferredEvents[events] {
            output.append(base + position, count: event.range.lowerBound - position)
            currentMACs.table.removeAll()
            for index in event.macs { currentMACs.table.record(macs[index]) }
            runStages(base + event.range.lowerBound, count: event.range.count, event: event, to: output)
            position = event.range.upperBound
        }
        output.append(base + position, count: bytes.upperBound - position)
    }

    private func runStages(_ event: UnsafePointer<UInt8>, count: Int, event record: DeferredEvent, to output: ByteBuffer) {
        var current = event
        var currentCount = count
        var useA = true
        for stage in stages {
            let target = useA ? stagingA : stagingB
            target.removeAll()
            let result: StageResult
            do {
                result = try stage.apply(current, count: currentCount, to: target)
            } catch {
                // The event was valid when it got here, so the stage failed
                // on what an earlier stage added, such as an `enrich` member
                // that goes deeper than --max-depth allows.
                appendEnvelope(current, count: currentCount, error: error, lineNumber: record.lineNumber, to: output)
                return
            }
            switch result {
            case .unchanged:
                break
            case .dropped:
                stats.eventsDropped += 1
                return
            case .rewritten:
                current = UnsafePointer(target.base)
                currentCount = target.count
                useA.toggle()
            }
        }
        if record.joinsLines {
            EventProcessor.appendJoiningLines(current, count: currentCount, to: output)
        } else {
            output.append(current, count: currentCount)
        }
        output.append(ASCII.newline)
        stats.eventsOut += 1
    }

    /// Writes an event that a stage failed on as an invalid-input envelope
    /// and counts it as an invalid record instead of an event.
    private func appendEnvelope(
        _ event: UnsafePointer<UInt8>, count: Int, error: JSONScanError, lineNumber: Int, to output: ByteBuffer
    ) {
        stats.eventsIn -= 1
        stats.invalidRecords += 1
        stats.invalidByReason[InvalidRecordReason(error.reason)] += 1
        envelopeRedactor.beginEvent()
        envelopeRedactor.appendInvalidEnvelope(event, count: count, error: error, line: lineNumber, to: output)
        output.append(ASCII.newline)
    }
}

/// The session MACs of the event that an `OrderedStageRunner` is running,
/// read by its `enrich` stages.
private final class SessionMACBox {
    var table = SessionMACTable()
}
