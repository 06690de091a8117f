import Foundation
import LogsieveCore

/// Runs Kafka message values through the event processor: the same
/// pipeline, key rules and invalid-input envelopes as the filter command.
/// A batch of values is redacted on several threads (`RecordBatchProcessor`);
/// header values and single values run on the caller's thread.
public final class EventSanitizer {
    typealias Outcome = RecordBatchProcessor.Outcome

    private(set) var batch: RecordBatchProcessor
    /// The first worker, whose redactor also serves the headers and whose
    /// pipeline contains the enricher.
    private(set) var processor: EventProcessor
    private let headerJSON = ByteBuffer(capacity: 4096)
    private let headerOutput = ByteBuffer(capacity: 4096)
    /// The counters of workers replaced by `replaceWorkers`.
    private var retiredStats = ProcessingStats()
    private var retiredCounts = RedactionCounts()

    /// `workers` as for `RecordBatchProcessor`: one pipeline expression, a
    /// redactor each.
    public init(workers: [EventProcessor]) {
        batch = RecordBatchProcessor(workers: workers, parallelThreshold: Self.parallelThreshold)
        processor = workers[0]
    }

    public convenience init(processor: EventProcessor) {
        self.init(workers: [processor])
    }

    /// Replaces the workers with `workers`, built from reloaded rules, and
    /// keeps the counters of the old ones in `stats` and `counts`. Call it
    /// only between batches, from `KafkaRelay.betweenBatches`, so that no
    /// message is sanitized partly by the old and partly by the new rules.
    /// The new workers must run the same pipeline expression and enricher.
    public func replaceWorkers(_ workers: [EventProcessor]) {
        batch.finish()
        retiredStats.merge(batch.stats)
        retiredCounts.merge(batch.counts)
        batch = RecordBatchProcessor(workers: workers, parallelThreshold: Self.parallelThreshold)
        processor = workers[0]
    }

    /// Only a batch of 1 MiB of values or more is split over the threads,
    /// as a consumer that is behind its partitions' end gets them. In
    /// bench/kafka (2 shared cores, noisy runs) two threads that split
    /// every batch over 64 KiB took about a fifth more CPU per message than
    /// one thread, for about 5% more messages per second.
    static let parallelThreshold = 1 << 20

    /// The threads that redact a batch.
    public var threadCount: Int { batch.workers.count }

    public var stats: ProcessingStats {
        var total = retiredStats
        total.merge(batch.stats)
        return total
    }

    public var counts: RedactionCounts {
        var total = retiredCounts
        total.merge(batch.counts)
        return total
    }

    /// Sanitizes one value alone and returns its outcome and output, valid
    /// until the next call on this sanitizer.
    func sanitize(_ value: UnsafeRawBufferPointer) -> (Outcome, UnsafeRawBufferPointer) {
        batch.prepare([value])
        return batch.result(at: 0)
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
