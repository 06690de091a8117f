import CZlib
import Glibc

/// Owns a zlib inflate stream set up for gzip and ends it in `deinit`.
///
/// zlib stores the address of the `z_stream` in its internal state and
/// rejects calls made through a copy, so the stream lives in memory
/// allocated here and never moves.
final class GzipInflateContext {
    let stream: UnsafeMutablePointer<z_stream>

    /// Window bits 15 (32 KiB, the maximum) plus 16, which makes zlib expect
    /// a gzip header and trailer instead of a zlib one.
    private static let gzipWindowBits: Int32 = 15 + 16

    init() throws(Errno) {
        stream = .allocate(capacity: 1)
        // Null zalloc, zfree and opaque select zlib's default allocator.
        stream.initialize(to: z_stream())
        let status = logsieve_inflate_init(stream, Self.gzipWindowBits)
        guard status == Z_OK else {
            stream.deallocate()
            throw Errno(code: status == Z_MEM_ERROR ? ENOMEM : EINVAL)
        }
    }

    deinit {
        inflateEnd(stream)
        stream.deallocate()
    }
}

/// A `ByteSource` that decompresses gzip data of one or more members.
///
/// `inflate` stops at the end of each member, so the source resets the
/// stream and continues while input remains. That is how `cat a.gz b.gz`
/// files decompress fully, as RFC 1952 and GNU gzip allow.
///
/// NOTE: any data after the last member throws `.corruptInput`, even the
/// zero padding of tape archives, where GNU gzip only warns.
final class GzipSource: ByteSource {
    private let compressed: ByteSource
    private let context: GzipInflateContext
    /// Compressed bytes, owned by this source and freed in `deinit`.
    private let input: UnsafeMutableRawBufferPointer
    private var inputCount = 0
    private var inputPosition = 0
    /// Compressed bytes that came before `input`, for error offsets.
    private var offsetOfInput = 0
    /// True when the last call filled the caller's buffer. zlib.h requires
    /// another `inflate` call then, because more output may be pending.
    private var outputMayBePending = false
    /// True between the first byte of a member and its trailer, to tell a
    /// truncated stream from a complete one at end of input.
    private var memberIsOpen = false
    private var reachedEnd = false

    var name: String { compressed.name }

    /// Compressed bytes read per call.
    private static let inputSize = 256 * 1024

    init(compressed: ByteSource) throws(IOFailure) {
        do {
            context = try GzipInflateContext()
        } catch {
            throw IOFailure(reason: .system(errno: error.code), path: compressed.name, operation: "decompress")
        }
        self.compressed = compressed
        self.input = .allocate(byteCount: Self.inputSize, alignment: 1)
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(IOFailure) -> Int {
        precondition(!buffer.isEmpty, "read(into:) needs a non-empty buffer, because 0 means end of input")
        while true {
            if inputPosition == inputCount && !outputMayBePending {
                if reachedEnd {
                    if memberIsOpen {
                        throw corruptInput("the gzip stream ends inside a member at compressed byte offset \(offset), so the input is truncated")
                    }
                    return 0
                }
                try refillInput()
                continue
            }

            let produced = try inflate(into: buffer)
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

    /// Position of `inflate` in the compressed input, in bytes.
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

    /// Runs `inflate` once over the pending input and returns the bytes
    /// written to `buffer`.
    private func inflate(into buffer: UnsafeMutableRawBufferPointer) throws(IOFailure) -> Int {
        let stream = context.stream
        if !memberIsOpen && inputPosition < inputCount {
            // The previous member ended, so the next byte starts a new
            // header. inflateReset keeps the allocated window.
            if offset > 0 {
                inflateReset(stream)
            }
            memberIsOpen = true
        }

        // avail_in and avail_out are 32-bit, so a larger caller buffer is
        // filled in several calls.
        let outputSize = min(buffer.count, Int(UInt32.max))
        stream.pointee.next_in = input.baseAddress!.assumingMemoryBound(to: Bytef.self) + inputPosition
        stream.pointee.avail_in = uInt(inputCount - inputPosition)
        stream.pointee.next_out = buffer.baseAddress!.assumingMemoryBound(to: Bytef.self)
        stream.pointee.avail_out = uInt(outputSize)
        let status = CZlib.inflate(stream, Z_NO_FLUSH)
        inputPosition = inputCount - Int(stream.pointee.avail_in)
        let produced = outputSize - Int(stream.pointee.avail_out)

        switch status {
        case Z_OK, Z_BUF_ERROR:
            // Z_BUF_ERROR only means that no progress was possible: the
            // input ran out inside the member, and the caller refills it.
            outputMayBePending = produced == outputSize
        case Z_STREAM_END:
            memberIsOpen = false
            outputMayBePending = false
        case Z_MEM_ERROR:
            throw IOFailure(reason: .system(errno: ENOMEM), path: name, operation: "decompress")
        default:
            // Z_DATA_ERROR, or Z_NEED_DICT, which gzip never uses.
            let reason = stream.pointee.msg.map { String(cString: $0) } ?? "zlib status \(status)"
            throw corruptInput("invalid gzip data near compressed byte offset \(offset): \(reason)")
        }
        return produced
    }

    private func corruptInput(_ message: String) -> IOFailure {
        IOFailure(reason: .corruptInput(message), path: name, operation: "decompress")
    }
}
