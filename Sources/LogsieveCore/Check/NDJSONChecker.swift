import Glibc

/// Checks the records of NDJSON input without writing them: every JSON
/// value of a record is redacted into a scratch buffer and compared with
/// the original, and each changed value is reported with its path and the
/// 1-based line number. A record that is not valid JSON or was too long to
/// read is reported as kind `unscannable` at path `.`.
public final class NDJSONChecker {
    public let redactor: Redactor
    let report: (RedactionFinding, Int) -> Void
    private let redacted = ByteBuffer(capacity: 1 << 16)

    public init(redactor: Redactor, report: @escaping (RedactionFinding, Int) -> Void) {
        self.redactor = redactor
        self.report = report
    }

    public func check(_ record: FramedRecord) -> LineVerdict {
        let line = record.lineNumber
        if case .tooLong = record.kind {
            report(RedactionFinding(path: [], kind: SecretKind.unscannable.name, fingerprint: nil), line)
            return .consumed
        }
        guard let base = record.bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), record.bytes.count > 0 else {
            return .consumed
        }
        let count = record.bytes.count
        var findings: [RedactionFinding] = []
        var index = JSONLexer.skipWhitespace(base, from: 0, end: count)
        let first = index
        do throws(JSONScanError) {
            while index < count {
                redacted.removeAll()
                redactor.beginEvent()
                let end = try redactor.redactValue(base, from: index, end: count, to: redacted)
                if redacted.count != end - index || memcmp(base + index, redacted.base, redacted.count) != 0 {
                    RedactionDiff.compare(original: base + index, count: end - index, redacted: redacted.base,
                                          count: redacted.count, path: []) { findings.append($0) }
                }
                index = JSONLexer.skipWhitespace(base, from: end, end: count)
            }
        } catch {
            // The same rule as the filter's, so that both frame input alike.
            if record.kind == .line && !record.isFinal && error.isUnexpectedEnd && error.offset >= count && first < count
                && EventProcessor.mayContinue(base, first: first, count: count) {
                return .continuesOnNextLine
            }
            findings = [RedactionFinding(path: [], kind: SecretKind.unscannable.name, fingerprint: nil)]
        }
        for finding in findings { report(finding, line) }
        return .consumed
    }
}
