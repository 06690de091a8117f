import Foundation
import LogsieveCore

/// Runs one Kafka message value through the event processor: the same
/// pipeline, key rules and invalid-input envelopes as the filter command.
public final class EventSanitizer {
    /// What became of a value.
    enum Outcome: Equatable {
        /// `output` contains the sanitized events, one per line.
        case events
        /// `output` contains the scrubbed `logsieve_invalid` envelope.
        case invalid
        /// Nothing to send: the value was empty or whitespace, or a
        /// `select` stage dropped every event.
        case nothing
    }

    let processor: EventProcessor
    /// The sanitized value of the last `sanitize` call, without a trailing newline.
    let output = ByteBuffer(capacity: 1 << 20)
    private let headerJSON = ByteBuffer(capacity: 4096)
    private let headerOutput = ByteBuffer(capacity: 4096)

    public init(processor: EventProcessor) {
        self.processor = processor
    }

    public var stats: ProcessingStats { processor.stats }

    func sanitize(_ value: UnsafeRawBufferPointer) -> Outcome {
        output.removeAll()
        let invalidBefore = processor.stats.invalidRecords
        // A value with a line break may be pretty-printed JSON or several
        // NDJSON lines; either way it is one record here, because a Kafka
        // message is the unit that is delivered and committed.
        let hasLineBreak = value.count > 0 && memchr(value.baseAddress!, 0x0A, value.count) != nil
        var record = FramedRecord.external(kind: hasLineBreak ? .multiLineValue : .line, bytes: value, lineNumber: 1)
        if processor.process(record, to: output) == .continuesOnNextLine {
            // A truncated value: no next line will come, so it is invalid.
            record.kind = .unterminatedValue
            _ = processor.process(record, to: output)
        }
        if output.count > 0 && output.base[output.count - 1] == 0x0A {
            output.truncate(to: output.count - 1)
        }
        if processor.stats.invalidRecords > invalidBefore { return .invalid }
        return output.isEmpty ? .nothing : .events
    }

    /// Redacts a header value as the key rules would redact a JSON member of
    /// the same name, so `cookie` and `authorization` headers lose their
    /// secrets and the value detectors run over every header. Returns nil
    /// when the value stays as it was.
    func sanitizeHeader(name: UnsafePointer<CChar>, value: UnsafeRawBufferPointer) -> [UInt8]? {
        headerJSON.removeAll()
        headerJSON.append(string: "{\"")
        JSONText.appendEscaped(UnsafeRawBufferPointer(start: name, count: strlen(name)), to: headerJSON)
        headerJSON.append(string: "\":\"")
        JSONText.appendEscaped(value, to: headerJSON)
        headerJSON.append(string: "\"}")
        headerOutput.removeAll()
        do {
            _ = try processor.redactor.redactValue(UnsafePointer(headerJSON.base), from: 0, end: headerJSON.count, to: headerOutput)
        } catch {
            // The object is built from escaped strings, so this is not
            // expected; a value that cannot be checked is not passed on.
            return Array("[REDACTED]".utf8)
        }
        if headerOutput.count == headerJSON.count && memcmp(headerOutput.base, headerJSON.base, headerJSON.count) == 0 {
            return nil
        }
        // Decoding the rare redacted value through Foundation keeps this
        // file free of a second JSON string decoder.
        let data = Data(bytes: headerOutput.base, count: headerOutput.count)
        if let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any], let text = object.values.first as? String {
            return Array(text.utf8)
        }
        return Array("[REDACTED]".utf8)
    }

    /// The envelope sent in place of a sanitized value over the producer's
    /// `message.max.bytes`: its text is dropped, as for an over-long line.
    func oversizedEnvelope(bytes: Int, limit: String) -> [UInt8] {
        let buffer = ByteBuffer(capacity: 256)
        processor.redactor.appendDroppedEnvelope(
            reason: "sanitized message larger than the producer's message.max.bytes (\(bytes) bytes, limit \(limit))",
            offset: 0, bytes: bytes, line: 1, to: buffer)
        return buffer.toArray()
    }
}

/// JSON string escaping for header names and values. Invalid UTF-8
/// becomes U+FFFD, which only matters when the value is redacted, because
/// an unchanged value is passed through as the original bytes.
enum JSONText {
    static func appendEscaped(_ bytes: UnsafeRawBufferPointer, to output: ByteBuffer) {
        let text = String(decoding: bytes, as: UTF8.self)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output.append(string: "\\\"")
            case "\\": output.append(string: "\\\\")
            case "\n": output.append(string: "\\n")
            case "\r": output.append(string: "\\r")
            case "\t": output.append(string: "\\t")
            case _ where scalar.value < 0x20:
                output.append(string: "\\u00" + (scalar.value < 0x10 ? "0" : "") + String(scalar.value, radix: 16))
            default:
                output.append(string: String(scalar))
            }
        }
    }
}
