/// Writes the `logsieve` member as the last member of the event object,
/// copying every other byte as it was:
/// `"logsieve": {"flags": [...], "severity": "...", "reasons": [{"flag", "severity", "detail"}]}`.
enum EnrichmentMember {
    static let name = "logsieve"
    static let path: [JSONPath.Component] = [.key(Array(name.utf8))]

    /// Writes the object at `start..<end` with an old `logsieve` member
    /// removed and the new one appended when there are reasons.
    static func write(
        _ text: UnsafePointer<UInt8>, start: Int, end: Int, removingOld: Bool, assessment: EventAssessment,
        source: IdentitySource, maxDepth: Int, scratch: ByteBuffer, to output: ByteBuffer
    ) throws(JSONScanError) {
        var base = text
        var objectStart = start
        var objectEnd = end
        if removingOld {
            scratch.removeAll()
            _ = try JSONDeletion.write(text, start: start, end: end, deleting: path[...], maxDepth: maxDepth, to: scratch)
            base = UnsafePointer(scratch.base)
            objectStart = 0
            objectEnd = scratch.count
        }
        var close = objectEnd - 1
        while close > objectStart && base[close] != ASCII.closeBrace { close -= 1 }
        guard !assessment.reasons.isEmpty else {
            output.append(base + objectStart, count: objectEnd - objectStart)
            return
        }
        var last = close - 1
        while last > objectStart && ByteClass.isWhitespace(base[last]) { last -= 1 }
        let isEmpty = base[last] == ASCII.openBrace

        output.append(base + objectStart, count: close - objectStart)
        if !isEmpty { output.append(ASCII.comma) }
        appendMember(assessment, source: source, to: output)
        output.append(base + close, count: objectEnd - close)
    }

    static func appendMember(_ assessment: EventAssessment, source: IdentitySource, to output: ByteBuffer) {
        let reasons = assessment.reasons
        output.append("\"logsieve\":{\"flags\":[")
        var seen: [EnrichmentFlag] = []
        for reason in reasons where !seen.contains(reason.flag) {
            if !seen.isEmpty { output.append(ASCII.comma) }
            seen.append(reason.flag)
            appendString(reason.flag.rawValue, to: output)
        }
        output.append("],\"severity\":")
        appendString(reasons.map(\.severity).max()!.name, to: output)
        output.append(",\"source\":")
        appendString(source.rawValue, to: output)
        if assessment.isLate { output.append(",\"late\":true") }
        if assessment.usesArrivalTime { output.append(",\"time\":\"arrival\"") }
        output.append(",\"reasons\":[")
        for (index, reason) in reasons.enumerated() {
            if index > 0 { output.append(ASCII.comma) }
            output.append("{\"flag\":")
            appendString(reason.flag.rawValue, to: output)
            output.append(",\"severity\":")
            appendString(reason.severity.name, to: output)
            output.append(",\"detail\":{")
            for (offset, (key, value)) in reason.detail.enumerated() {
                if offset > 0 { output.append(ASCII.comma) }
                appendString(key, to: output)
                output.append(ASCII.colon)
                appendEvidence(value, to: output)
            }
            output.append("}}")
        }
        output.append("]}")
    }

    private static func appendEvidence(_ value: Evidence, to output: ByteBuffer) {
        switch value {
        case .string(let text): appendString(text, to: output)
        case .integer(let number): output.appendDecimal(number)
        case .number(let number): output.append(string: number.isFinite ? String(number) : "null")
        case .boolean(let flag): output.append(string: flag ? "true" : "false")
        }
    }

    private static func appendString(_ text: String, to output: ByteBuffer) {
        var text = text
        output.append(ASCII.quote)
        text.withUTF8 { if let base = $0.baseAddress { JSONStringCoding.encode(base, count: $0.count, into: output) } }
        output.append(ASCII.quote)
    }
}

/// `enrich`.
public final class EnrichStage: PipelineStage {
    public let enricher: Enricher
    /// Returns the session MACs of the event being enriched.
    let sessionMACs: () -> SessionMACTable

    /// Reads the session MACs that `redactor` recorded for the current record.
    public convenience init(enricher: Enricher, redactor: Redactor) {
        self.init(enricher: enricher) { redactor.sessionMACs }
    }

    init(enricher: Enricher, sessionMACs: @escaping () -> SessionMACTable) {
        self.enricher = enricher
        self.sessionMACs = sessionMACs
    }

    public func apply(_ event: UnsafePointer<UInt8>, count: Int, to output: ByteBuffer) throws(JSONScanError) -> StageResult {
        try enricher.enrich(event, count: count, sessionMACs: sessionMACs(), to: output)
    }
}
