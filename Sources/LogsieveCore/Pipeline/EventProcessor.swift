/// The format of input records.
public enum InputFormat: String, Sendable, CaseIterable {
    /// A stream of JSON values, one per line on the fast path.
    case json
    /// Plain text lines: the value detectors and URL rules run over each.
    case text
}

/// Counters for `--stats`.
public struct ProcessingStats: Sendable, Equatable {
    public var eventsIn = 0
    public var eventsOut = 0
    public var eventsDropped = 0
    /// Records written as `logsieve_invalid` envelopes.
    public var invalidRecords = 0
    /// Invalid records that were over `--max-line-bytes`.
    public var overlongRecords = 0
    /// `invalidRecords` by reason; they add up to it.
    public var invalidByReason = InvalidRecordCounts()
    /// Values in which the `--split` path found nothing.
    public var splitMissing = 0
    public var bytesIn = 0

    public init() {}

    public mutating func merge(_ other: ProcessingStats) {
        eventsIn += other.eventsIn
        eventsOut += other.eventsOut
        eventsDropped += other.eventsDropped
        invalidRecords += other.invalidRecords
        overlongRecords += other.overlongRecords
        invalidByReason.merge(other.invalidByReason)
        splitMissing += other.splitMissing
        bytesIn += other.bytesIn
    }
}

/// Turns framed records into output NDJSON: values through the pipeline,
/// invalid text into scrubbed envelopes, one output line per event.
public final class EventProcessor {
    public let pipeline: Pipeline
    public let redactor: Redactor
    public let inputFormat: InputFormat
    /// `--split PATH`: the elements at this path become the events.
    public let split: JSONPath?
    public private(set) var stats = ProcessingStats()

    private let maxDepth: Int
    private let redactedValue = ByteBuffer(capacity: 64 * 1024)
    private let stagingA = ByteBuffer(capacity: 64 * 1024)
    private let stagingB = ByteBuffer(capacity: 64 * 1024)

    /// The first stage left to an `OrderedStageRunner`, or `nil` when this
    /// processor runs every stage itself.
    public private(set) var orderedStageStart: Int?
    /// The events written since `removeDeferredEvents()` whose stages from
    /// `orderedStageStart` on have yet to run, in output order.
    private(set) var deferredEvents: [DeferredEvent] = []
    /// The session MACs of the deferred events, in the ranges they name.
    private(set) var deferredMACs: [SessionMAC] = []
    private var currentLineNumber = 0

    public init(pipeline: Pipeline, redactor: Redactor, inputFormat: InputFormat = .json, split: JSONPath? = nil) {
        self.pipeline = pipeline
        self.redactor = redactor
        self.inputFormat = inputFormat
        self.split = split
        maxDepth = redactor.configuration.maxDepth
    }

    /// Leaves the stages from `stageIndex` on to an `OrderedStageRunner`:
    /// `process(_:to:)` then writes each event as the earlier stages left
    /// it, without a newline, and records it in `deferredEvents`. Output
    /// other than events, such as invalid-input envelopes, is written whole.
    public func deferStages(from stageIndex: Int) {
        precondition(!pipeline.expression.stages[stageIndex...].contains(.redact), "a deferred redact stage would need this redactor")
        orderedStageStart = stageIndex
    }

    /// Forgets the deferred events once their output buffer was consumed.
    public func removeDeferredEvents() {
        deferredEvents.removeAll(keepingCapacity: true)
        deferredMACs.removeAll(keepingCapacity: true)
    }

    /// Processes one record and appends its output lines to `output`.
    public func process(_ record: FramedRecord, to output: ByteBuffer) -> LineVerdict {
        if case .tooLong(let bytes) = record.kind {
            stats.bytesIn += bytes + 1
            stats.invalidRecords += 1
            stats.overlongRecords += 1
            stats.invalidByReason[.tooLong] += 1
            redactor.appendDroppedEnvelope(
                reason: "line longer than --max-line-bytes (\(bytes) bytes, limit \(maxLineBytesForMessage))",
                offset: maxLineBytesForMessage, bytes: bytes, line: record.lineNumber, to: output)
            output.append(ASCII.newline)
            return .consumed
        }
        guard let base = record.bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), record.bytes.count > 0 else {
            stats.bytesIn += 1
            return .consumed
        }
        let count = record.bytes.count
        if inputFormat == .text {
            stats.bytesIn += count + 1
            stats.eventsIn += 1
            redactor.redactTextLine(base, count: count, to: output)
            output.append(ASCII.newline)
            stats.eventsOut += 1
            return .consumed
        }
        let first = JSONLexer.skipWhitespace(base, from: 0, end: count)
        guard first < count else {
            stats.bytesIn += count + 1
            return .consumed
        }

        let outputStart = output.count
        let statsBefore = stats
        let deferredCountBefore = deferredEvents.count
        let deferredMACCountBefore = deferredMACs.count
        currentLineNumber = record.lineNumber
        redactor.beginEvent()
        do {
            var index = first
            while index < count {
                index = try processValue(base, from: index, end: count, to: output, joinsLines: record.kind == .multiLineValue)
                index = JSONLexer.skipWhitespace(base, from: index, end: count)
            }
            redactor.resetFragmentState()
            stats.bytesIn += count + 1
            return .consumed
        } catch {
            output.truncate(to: outputStart)
            stats = statsBefore
            deferredEvents.removeSubrange(deferredCountBefore...)
            deferredMACs.removeSubrange(deferredMACCountBefore...)
            redactor.rollBackCounts(to: 0)
            if record.kind == .line && !record.isFinal && error.isUnexpectedEnd && error.offset >= count
                && Self.mayContinue(base, first: first, count: count) {
                return .continuesOnNextLine
            }
            stats.bytesIn += count + 1
            stats.invalidRecords += 1
            stats.invalidByReason[InvalidRecordReason(error.reason)] += 1
            redactor.appendInvalidEnvelope(base, count: count, error: error, line: record.lineNumber, to: output)
            output.append(ASCII.newline)
            return .consumed
        }
    }

    /// Whether a line that ended inside a value may continue on the next
    /// line: it starts with `{` or `[`, and it does not end with `}` or `]`.
    /// A line that closes a bracket at its end is taken as a complete record,
    /// which is what lets several threads cut the input at any such line.
    static func mayContinue(_ text: UnsafePointer<UInt8>, first: Int, count: Int) -> Bool {
        guard text[first] == ASCII.openBrace || text[first] == ASCII.openBracket else { return false }
        var last = count - 1
        while last > first && ByteClass.isWhitespace(text[last]) { last -= 1 }
        return text[last] != ASCII.closeBrace && text[last] != ASCII.closeBracket
    }

    /// The limit named in envelopes of over-long lines.
    public var maxLineBytesForMessage = 0

    /// Runs the value at `start` through the pipeline; returns the index after it.
    private func processValue(
        _ text: UnsafePointer<UInt8>, from start: Int, end: Int, to output: ByteBuffer, joinsLines: Bool
    ) throws(JSONScanError) -> Int {
        if pipeline.redactsFirst && split == nil {
            redactedValue.removeAll()
            let valueEnd = try redactor.redactValue(text, from: start, end: end, to: redactedValue)
            stats.eventsIn += 1
            try runStages(from: 1, UnsafePointer(redactedValue.base), count: redactedValue.count, to: output, joinsLines: joinsLines)
            return valueEnd
        }
        let valueEnd = try JSONLexer.skipValue(text, from: start, end: end, depth: 0, maxDepth: maxDepth)
        guard let split else {
            stats.eventsIn += 1
            try runStages(from: 0, text + start, count: valueEnd - start, to: output, joinsLines: joinsLines)
            return valueEnd
        }
        var elements: [(Int, Int)] = []
        try JSONPathLookup.forEachValue(text, start: start, end: valueEnd, path: split.components[...], maxDepth: maxDepth) {
            elements.append(($0, $1))
        }
        if elements.isEmpty {
            // The value passes whole rather than being lost.
            stats.splitMissing += 1
            elements.append((start, valueEnd))
        }
        for (elementStart, elementEnd) in elements {
            stats.eventsIn += 1
            try runStages(from: 0, text + elementStart, count: elementEnd - elementStart, to: output, joinsLines: joinsLines)
        }
        return valueEnd
    }

    private func runStages(
        from firstStage: Int, _ event: UnsafePointer<UInt8>, count: Int, to output: ByteBuffer, joinsLines: Bool
    ) throws(JSONScanError) {
        var current = event
        var currentCount = count
        var useA = true
        var stageIndex = firstStage
        let stageEnd = orderedStageStart ?? pipeline.stages.count
        while stageIndex < stageEnd {
            let target = useA ? stagingA : stagingB
            target.removeAll()
            switch try pipeline.stages[stageIndex].apply(current, count: currentCount, to: target) {
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
            stageIndex += 1
        }
        if orderedStageStart != nil {
            deferEvent(current, count: currentCount, to: output, joinsLines: joinsLines)
            return
        }
        if joinsLines {
            Self.appendJoiningLines(current, count: currentCount, to: output)
        } else {
            output.append(current, count: currentCount)
        }
        output.append(ASCII.newline)
        stats.eventsOut += 1
    }

    /// Writes an event for the ordered stages and records where it is. The
    /// MACs are those of the whole record so far, which is what an `enrich`
    /// stage run here would have read from the redactor.
    private func deferEvent(_ event: UnsafePointer<UInt8>, count: Int, to output: ByteBuffer, joinsLines: Bool) {
        let start = output.count
        output.append(event, count: count)
        let macStart = deferredMACs.count
        redactor.sessionMACs.appendMACs(to: &deferredMACs)
        deferredEvents.append(DeferredEvent(
            range: start..<output.count, macs: macStart..<deferredMACs.count,
            lineNumber: currentLineNumber, joinsLines: joinsLines))
    }

    /// Appends a valid JSON value without its line breaks and the
    /// indentation after them. A valid JSON string contains no raw line break,
    /// so every one removed is whitespace between tokens.
    static func appendJoiningLines(_ text: UnsafePointer<UInt8>, count: Int, to output: ByteBuffer) {
        var index = 0
        var runStart = 0
        while index < count {
            let byte = text[index]
            guard byte == ASCII.newline || byte == ASCII.carriageReturn else {
                index += 1
                continue
            }
            output.append(text + runStart, count: index - runStart)
            index += 1
            while index < count && ByteClass.isWhitespace(text[index]) { index += 1 }
            runStart = index
        }
        output.append(text + runStart, count: count - runStart)
    }
}

/// An event whose stages from `EventProcessor.orderedStageStart` on have
/// yet to run.
struct DeferredEvent {
    /// The event as the earlier stages left it, in the processor's output.
    var range: Range<Int>
    /// Its session MACs, in `EventProcessor.deferredMACs`.
    var macs: Range<Int>
    var lineNumber: Int
    /// Whether the event came from a value over several lines, whose line
    /// breaks are removed when it is written.
    var joinsLines: Bool
}
