/// The entry points for whole events: one line of NDJSON, one JSON value,
/// or one line of plain text.
extension Redactor {
    /// Redacts the JSON value that starts at `start` (no leading whitespace)
    /// and writes it to `output`. Returns the index after the value; throws
    /// if the text is not JSON, and then `output` is as it was.
    public func redactValue(
        _ text: UnsafePointer<UInt8>, from start: Int, end: Int, to output: ByteBuffer
    ) throws(JSONScanError) -> Int {
        let outputStart = output.count
        var pass = JSONPass(text: text, end: end, output: output, start: start)
        do {
            let valueEnd = try redactValue(&pass, at: start, depth: 0, context: .plain, level: 0)
            pass.copyThrough(valueEnd)
            return valueEnd
        } catch {
            output.truncate(to: outputStart)
            throw error
        }
    }

    /// Scrubs a line of plain text (`--input-format text`) and writes it to
    /// `output` without a newline.
    public func redactTextLine(_ text: UnsafePointer<UInt8>, count: Int, to output: ByteBuffer) {
        unowned(unsafe) let sanitized = scratchBuffer(level: 0, slot: 0)
        JSONStringCoding.appendReplacingInvalidUTF8(text, count: count, into: sanitized)
        unowned(unsafe) let scrubbed = scratchBuffer(level: 0, slot: 1)
        var pending: KeyRule? = nil
        var line = (base: UnsafePointer(sanitized.base), count: sanitized.count)
        if scrubText(sanitized.base, count: sanitized.count, into: scrubbed, depth: 0, level: 1, pendingPairRule: &pending) {
            line = (UnsafePointer(scrubbed.base), scrubbed.count)
        }
        if let valuePatterns {
            patternOutput.removeAll()
            if applyValuePatterns(valuePatterns, line.base, count: line.count, into: patternOutput) {
                line = (UnsafePointer(patternOutput.base), patternOutput.count)
            }
        }
        output.append(line.base, count: line.count)
    }

    /// Writes the envelope for text that is not valid JSON: one JSON object
    /// that states why and where it failed, with the text (invalid UTF-8 as
    /// U+FFFD) after the key rules, the value detectors and the URL rules
    /// ran over it. `error.offset` is relative to `text`.
    public func appendInvalidEnvelope(
        _ text: UnsafePointer<UInt8>, count: Int, error: JSONScanError, line: Int?, to output: ByteBuffer
    ) {
        let sanitized = ByteBuffer(capacity: count + 64)
        JSONStringCoding.appendReplacingInvalidUTF8(text, count: count, into: sanitized)
        let scrubbed = ByteBuffer(capacity: sanitized.count + 64)
        _ = scrubFragment(sanitized.base, count: sanitized.count, into: scrubbed, depth: 0, level: 0, state: &fragmentState)
        appendEnvelopeHeader(reason: error.message, offset: error.offset, bytes: count, line: line, to: output)
        output.append(",\"text\":\"")
        JSONStringCoding.encode(scrubbed.base, count: scrubbed.count, into: output)
        output.append("\"}}")
    }

    /// Writes the envelope for text that was not scanned in full (a line
    /// over `--max-line-bytes`): its text is dropped, not kept in part.
    public func appendDroppedEnvelope(reason: String, offset: Int, bytes: Int, line: Int?, to output: ByteBuffer) {
        countRedaction(.unscannable)
        appendEnvelopeHeader(reason: reason, offset: offset, bytes: bytes, line: line, to: output)
        output.append(",\"text\":null}}")
    }

    /// Forgets a pending name/value pair name once valid JSON comes along.
    public func resetFragmentState() {
        fragmentState = FragmentState()
    }

    private func appendEnvelopeHeader(reason: String, offset: Int, bytes: Int, line: Int?, to output: ByteBuffer) {
        output.append(string: "{\"\(InvalidEnvelope.member)\":{\"reason\":\"")
        var reason = reason
        reason.withUTF8 { JSONStringCoding.encode($0.baseAddress!, count: $0.count, into: output) }
        output.append("\",\"offset\":")
        output.appendDecimal(offset)
        output.append(",\"bytes\":")
        output.appendDecimal(bytes)
        if let line {
            output.append(",\"line\":")
            output.appendDecimal(line)
        }
    }
}

/// The envelope written in place of input that is not valid JSON:
/// `{"logsieve_invalid": {"reason": …, "offset": …, "bytes": …, "line": …, "text": …}}`.
public enum InvalidEnvelope {
    /// The envelope's only top-level member.
    public static let member = "logsieve_invalid"
}
