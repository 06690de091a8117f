import Dispatch

/// Sanitizes batches of HAR entries on several threads, one `HARSanitizer`
/// (with its own redactor) per thread, and appends the results in order.
///
/// Entries and the separators between them are copied into the batch,
/// because the stream reader reuses its buffer. The head and the tail pass
/// through the first sanitizer in order, after the batch before them. The
/// output is the same as with one sanitizer.
public final class HARParallelBatch {
    public let sanitizers: [HARSanitizer]
    /// A batch is sanitized once it contains this many bytes.
    public let batchBytes: Int
    private let data = ByteBuffer(capacity: 1 << 20)
    private var entries: [(start: Int, count: Int, offset: Int, kind: HARStreamReader.PieceKind)] = []
    private let outputs: [ByteBuffer]

    /// `sanitizers` must not share a `Redactor`.
    public init(sanitizers: [HARSanitizer], batchBytes: Int = 4 << 20) {
        precondition(!sanitizers.isEmpty, "a parallel batch needs at least one sanitizer")
        self.sanitizers = sanitizers
        self.batchBytes = batchBytes
        outputs = sanitizers.map { _ in ByteBuffer(capacity: 1 << 20) }
    }

    /// Takes one piece from the reader and appends whatever is ready to `output`.
    public func sanitize(_ piece: HARStreamReader.Piece, to output: ByteBuffer) throws(HARFormatError) {
        let isBatched: Bool
        switch piece.kind {
        case .entry, .separator: isBatched = sanitizers.count > 1
        case .head, .tail: isBatched = false
        }
        guard isBatched else {
            try flush(to: output)
            try sanitizers[0].sanitize(piece, to: output)
            return
        }
        entries.append((data.count, piece.bytes.count, piece.offset, piece.kind))
        data.append(piece.bytes)
        if data.count >= batchBytes { try flush(to: output) }
    }

    /// Sanitizes the batched entries and appends them in order. The error of
    /// the first failing entry is thrown, and nothing after it is appended.
    public func flush(to output: ByteBuffer) throws(HARFormatError) {
        guard !entries.isEmpty else { return }
        defer {
            entries.removeAll(keepingCapacity: true)
            data.removeAll()
        }
        let groups = splitEntries(into: min(sanitizers.count, entries.count))
        var errors = [HARFormatError?](repeating: nil, count: groups.count)
        let work = UncheckedSendable(value: (self, groups))
        errors.withUnsafeMutableBufferPointer { errorSlots in
            let slots = UncheckedSendable(value: errorSlots)
            DispatchQueue.concurrentPerform(iterations: groups.count) { group in
                let (batch, groups) = work.value
                let groupOutput = batch.outputs[group]
                groupOutput.removeAll()
                do throws(HARFormatError) {
                    for entry in batch.entries[groups[group]] {
                        let piece = HARStreamReader.Piece(
                            kind: entry.kind,
                            bytes: UnsafeRawBufferPointer(start: batch.data.base + entry.start, count: entry.count),
                            offset: entry.offset)
                        try batch.sanitizers[group].sanitize(piece, to: groupOutput)
                    }
                } catch {
                    slots.value[group] = error
                }
            }
        }
        for group in 0..<groups.count {
            if let error = errors[group] { throw error }
            output.append(outputs[group].bytes)
        }
    }

    /// Drops the batched entries, after an input failed.
    public func discard() {
        entries.removeAll(keepingCapacity: true)
        data.removeAll()
    }

    /// Cuts the batch into contiguous groups of about equal bytes.
    private func splitEntries(into groupCount: Int) -> [Range<Int>] {
        let target = data.count / groupCount + 1
        var groups: [Range<Int>] = []
        var start = 0
        var bytes = 0
        for (position, entry) in entries.enumerated() {
            bytes += entry.count
            if bytes >= target && groups.count < groupCount - 1 {
                groups.append(start..<(position + 1))
                start = position + 1
                bytes = 0
            }
        }
        groups.append(start..<entries.count)
        return groups
    }
}

/// Carries values into `concurrentPerform`, whose iterations use disjoint
/// sanitizers, outputs and error slots, and only read the batch.
private struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
}
