/// What a stage did with an event.
public enum StageResult {
    /// The event passes on as it was; nothing was written.
    case unchanged
    /// The event is filtered out.
    case dropped
    /// The stage wrote the new event to the output buffer.
    case rewritten
}

/// A pipeline stage. It receives one valid JSON value and either passes it,
/// drops it, or writes a new value. Stages keep per-event state only where
/// they must (enrichment); the built-in ones keep none.
public protocol PipelineStage: AnyObject {
    func apply(_ event: UnsafePointer<UInt8>, count: Int, to output: ByteBuffer) throws(JSONScanError) -> StageResult
}

/// `redact`.
public final class RedactStage: PipelineStage {
    let redactor: Redactor

    public init(redactor: Redactor) {
        self.redactor = redactor
    }

    public func apply(_ event: UnsafePointer<UInt8>, count: Int, to output: ByteBuffer) throws(JSONScanError) -> StageResult {
        _ = try redactor.redactValue(event, from: 0, end: count, to: output)
        return .rewritten
    }
}

/// `select(PATH == VALUE)`, `select(PATH != VALUE)`, `select(has(PATH))`.
///
/// A path with `[]` selects the event when any value it reaches matches.
/// A missing path compares as `null`, as in jq.
public final class SelectStage: PipelineStage {
    let condition: SelectCondition
    let maxDepth: Int

    public init(condition: SelectCondition, maxDepth: Int) {
        self.condition = condition
        self.maxDepth = maxDepth
    }

    public func apply(_ event: UnsafePointer<UInt8>, count: Int, to output: ByteBuffer) throws(JSONScanError) -> StageResult {
        try matches(event, count: count) ? .unchanged : .dropped
    }

    func matches(_ event: UnsafePointer<UInt8>, count: Int) throws(JSONScanError) -> Bool {
        switch condition {
        case .has(let path):
            var found = false
            try JSONPathLookup.forEachValue(event, start: 0, end: count, path: path.components[...], maxDepth: maxDepth) { _, _ in
                found = true
            }
            return found
        case .equals(let path, let literal):
            return try anyEquals(event, count: count, path: path, literal: literal)
        case .notEquals(let path, let literal):
            return try !anyEquals(event, count: count, path: path, literal: literal)
        }
    }

    private func anyEquals(
        _ event: UnsafePointer<UInt8>, count: Int, path: JSONPath, literal: JSONLiteral
    ) throws(JSONScanError) -> Bool {
        var found = false
        var equal = false
        try JSONPathLookup.forEachValue(event, start: 0, end: count, path: path.components[...], maxDepth: maxDepth) {
            start, end in
            found = true
            if literal.matches(event, start: start, end: end) { equal = true }
        }
        return found ? equal : literal == .null
    }
}

/// `del(PATH)`.
public final class DeleteStage: PipelineStage {
    let path: JSONPath
    let maxDepth: Int

    public init(path: JSONPath, maxDepth: Int) {
        self.path = path
        self.maxDepth = maxDepth
    }

    public func apply(_ event: UnsafePointer<UInt8>, count: Int, to output: ByteBuffer) throws(JSONScanError) -> StageResult {
        let start = JSONLexer.skipWhitespace(event, from: 0, end: count)
        let outputStart = output.count
        guard try JSONDeletion.write(event, start: start, end: count, deleting: path.components[...],
                                     maxDepth: maxDepth, to: output) else {
            output.truncate(to: outputStart)
            return .unchanged
        }
        return .rewritten
    }
}
