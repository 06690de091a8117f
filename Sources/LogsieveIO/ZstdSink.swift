import CZstd
import Glibc

/// Owns a zstd compression context and frees it in `deinit`.
final class ZstdCompressionContext {
    let pointer: OpaquePointer

    init?() {
        guard let pointer = ZSTD_createCCtx() else { return nil }
        self.pointer = pointer
    }

    deinit {
        ZSTD_freeCCtx(pointer)
    }
}

/// A `ByteSink` that compresses into one zstd frame and writes it to `base`.
///
/// The frame carries a content checksum, as the `zstd` command writes by
/// default, so a reader detects corruption. `close()` ends the frame. A
/// sink dropped without `close()` leaves a truncated frame.
final class ZstdSink: ByteSink {
    private let base: ByteSink
    private let context: ZstdCompressionContext
    /// Compressed bytes, owned by this sink and freed in `deinit`.
    private let output: UnsafeMutableRawBufferPointer
    private var isClosed = false

    var name: String { base.name }

    init(base: ByteSink, level: Int32) throws(IOFailure) {
        guard let context = ZstdCompressionContext() else {
            throw IOFailure(reason: .system(errno: ENOMEM), path: base.name, operation: "compress")
        }
        self.base = base
        self.context = context
        // ZSTD_CStreamOutSize() is enough for one compressed block, so each
        // compression call can always make progress.
        self.output = .allocate(byteCount: ZSTD_CStreamOutSize(), alignment: 1)

        try Self.validate(level: level, name: base.name)
        try setParameter(ZSTD_c_compressionLevel, level)
        try setParameter(ZSTD_c_checksumFlag, 1)
    }

    /// Throws `.unsupported` unless `level` is within libzstd's bounds.
    /// zstd.h allows ZSTD_CCtx_setParameter to clamp an out-of-range value
    /// instead of failing, which would hide a mistyped level.
    static func validate(level: Int32, name: String) throws(IOFailure) {
        let range = ZSTD_cParam_getBounds(ZSTD_c_compressionLevel)
        guard ZSTD_isError(range.error) == 0, (range.lowerBound...range.upperBound).contains(level) else {
            throw IOFailure(
                reason: .unsupported("zstd level \(level) is invalid. Use a level from \(range.lowerBound) to \(range.upperBound)."),
                path: name, operation: "compress")
        }
    }

    deinit {
        output.deallocate()
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws(IOFailure) {
        precondition(!isClosed, "write(_:) called on the closed sink \(name)")
        var input = ZSTD_inBuffer(src: bytes.baseAddress, size: bytes.count, pos: 0)
        while input.pos < input.size {
            _ = try compress(&input, ZSTD_e_continue)
        }
    }

    /// Ends the current zstd block, so a reader can decode everything
    /// written so far, and writes it to `base`.
    func flush() throws(IOFailure) {
        precondition(!isClosed, "flush() called on the closed sink \(name)")
        try finish(ZSTD_e_flush)
        try base.flush()
    }

    func close() throws(IOFailure) {
        guard !isClosed else { return }
        isClosed = true
        do {
            try finish(ZSTD_e_end)
        } catch {
            // Release the descriptor, but report the first error.
            try? base.close()
            throw error
        }
        try base.close()
    }

    /// Calls the compressor with no new input until it reports that
    /// everything for `directive` was written.
    private func finish(_ directive: ZSTD_EndDirective) throws(IOFailure) {
        var input = ZSTD_inBuffer(src: nil, size: 0, pos: 0)
        while try compress(&input, directive) != 0 {}
    }

    /// Runs ZSTD_compressStream2 once, writes what it produced to `base`,
    /// and returns its result: for a flush or end, the bytes still to write.
    private func compress(_ input: inout ZSTD_inBuffer, _ directive: ZSTD_EndDirective) throws(IOFailure) -> Int {
        var out = ZSTD_outBuffer(dst: output.baseAddress, size: output.count, pos: 0)
        let remaining = ZSTD_compressStream2(context.pointer, &out, &input, directive)
        if ZSTD_isError(remaining) != 0 {
            // NOTE: a memory allocation failure is reported as .unsupported
            // instead of ENOMEM, because the CZstd shim does not include
            // zstd_errors.h, which declares ZSTD_getErrorCode.
            let reason = String(cString: ZSTD_getErrorName(remaining))
            throw IOFailure(reason: .unsupported("zstd compression failed: \(reason)"), path: name, operation: "compress")
        }
        if out.pos > 0 {
            try base.write(UnsafeRawBufferPointer(rebasing: output[..<out.pos]))
        }
        return remaining
    }

    private func setParameter(_ parameter: ZSTD_cParameter, _ value: Int32) throws(IOFailure) {
        let result = ZSTD_CCtx_setParameter(context.pointer, parameter, value)
        if ZSTD_isError(result) != 0 {
            let reason = String(cString: ZSTD_getErrorName(result))
            throw IOFailure(reason: .unsupported("zstd parameter \(parameter.rawValue) = \(value) failed: \(reason)"), path: name, operation: "compress")
        }
    }
}
