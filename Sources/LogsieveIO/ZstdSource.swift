import Glibc
import CZstd

/// Owns a zstd decompression context and frees it in `deinit`.
final class ZstdDecompressionContext {
    let pointer: OpaquePointer

    init?() {
        guard let pointer = ZSTD_createDCtx() else { return nil }
        self.pointer = pointer
    }

    deinit {
        ZSTD_freeDCtx(pointer)
    }
}

/// A `ByteSource` that decompresses a zstd stream of one or more frames.
///
/// `ZSTD_decompressStream` decodes concatenated frames one after another and
/// skips skippable frames. Data after the last frame that is not a frame
/// throws `.corruptInput`.
final class ZstdSource: ByteSource {
    private let compressed: ByteSource
    private let context: ZstdDecompressionContext
    /// Compressed bytes, owned by this source and freed in `deinit`.
    private let input: UnsafeMutableRawBufferPointer
    private var inputCount = 0
    private var inputPosition = 0
    /// Compressed bytes that came before `input`, for error offsets.
    private var offsetOfInput = 0
    /// True when the last call filled the caller's buffer, so the decoder
    /// may hold more output before it needs more input.
    private var outputMayBePending = false
    /// True between the first byte of a frame and its end, to tell a
    /// truncated stream from a complete one at end of input.
    private var frameIsOpen = false
    private var reachedEnd = false

    var name: String { compressed.name }

    /// Compressed bytes read per call. Twice `ZSTD_DStreamInSize()` (about
    /// 128 KiB in zstd 1.5), which halves the read calls on a file.
    private static let inputSize = 256 * 1024

    init(compressed: ByteSource) throws(IOFailure) {
        guard let context = ZstdDecompressionContext() else {
            throw IOFailure(reason: .system(errno: ENOMEM), path: compressed.name, operation: "decompress")
        }
        self.compressed = compressed
        self.context = context
        self.input = .allocate(byteCount: Self.inputSize, alignment: 1)
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(IOFailure) -> Int {
        precondition(!buffer.isEmpty, "read(into:) needs a non-empty buffer, because 0 means end of input")
        while true {
            if inputPosition == inputCount && !outputMayBePending {
                if reachedEnd {
                    if frameIsOpen {
                        throw corruptInput("the zstd stream ends inside a frame at compressed byte offset \(offset), so the input is truncated")
                    }
                    return 0
                }
                try refillInput()
                continue
            }

            let produced = try decompress(into: buffer)
            if produced > 0 {
                return produced
            }
        }
    }

    deinit {
        input.deallocate()
    }

    func close() {
        compressed.close()
    }

    /// Position of the decoder in the compressed input, in bytes.
    private var offset: Int {
        offsetOfInput + inputPosition
    }

    private func refillInput() throws(IOFailure) {
        offsetOfInput += inputCount
        inputPosition = 0
        inputCount = try compressed.read(into: input)
        if inputCount == 0 {
            reachedEnd = true
        }
    }

    /// Runs the decoder once over the pending input and returns the bytes
    /// written to `buffer`.
    private func decompress(into buffer: UnsafeMutableRawBufferPointer) throws(IOFailure) -> Int {
        var output = ZSTD_outBuffer(dst: buffer.baseAddress, size: buffer.count, pos: 0)
        let positionBefore = inputPosition
        var source = ZSTD_inBuffer(src: input.baseAddress, size: inputCount, pos: inputPosition)
        let result = ZSTD_decompressStream(context.pointer, &output, &source)
        inputPosition = source.pos
        if ZSTD_isError(result) != 0 {
            let reason = String(cString: ZSTD_getErrorName(result))
            throw corruptInput("invalid zstd data near compressed byte offset \(offset): \(reason)")
        }

        // 0 means a frame ended and all of its output was returned. A call
        // that moved no bytes between frames returns the header size of the
        // next frame, which does not open one.
        if result == 0 {
            frameIsOpen = false
        } else if source.pos > positionBefore || output.pos > 0 {
            frameIsOpen = true
        }
        outputMayBePending = output.pos == output.size
        return output.pos
    }

    private func corruptInput(_ message: String) -> IOFailure {
        IOFailure(reason: .corruptInput(message), path: name, operation: "decompress")
    }
}
