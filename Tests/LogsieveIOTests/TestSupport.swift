import CZlib
import CZstd
import Foundation
import Glibc
import Testing

@testable import LogsieveIO

/// A directory under the system temporary directory, removed with its
/// contents in `deinit`.
final class TemporaryDirectory {
    let path: String

    init() throws {
        let parent = FileManager.default.temporaryDirectory.path
        var template = Array("\(parent)/logsieve-io-XXXXXX".utf8CString)
        guard let created = mkdtemp(&template) else {
            throw Errno(code: errno)
        }
        path = String(cString: created)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// Returns the path of `name` inside this directory.
    func file(_ name: String) -> String {
        "\(path)/\(name)"
    }

    /// Returns the names in this directory, sorted.
    func contents() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: path).sorted()
    }
}

/// Writes `bytes` to a new file at `path`.
func writeFile(_ path: String, _ bytes: [UInt8]) throws {
    try Data(bytes).write(to: URL(fileURLWithPath: path))
}

/// Returns the content of the file at `path`.
func readFile(_ path: String) throws -> [UInt8] {
    try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
}

/// Returns the permission bits of the file at `path`.
func permissions(_ path: String) throws -> mode_t {
    var status = stat()
    guard stat(path, &status) == 0 else {
        throw Errno(code: errno)
    }
    return status.st_mode & 0o7777
}

/// Reads `source` to its end with reads of `bufferSize` bytes.
func readAll(_ source: ByteSource, bufferSize: Int = 1 << 20) throws(IOFailure) -> [UInt8] {
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: bufferSize, alignment: 1)
    defer { buffer.deallocate() }
    var result: [UInt8] = []
    while true {
        let count = try source.read(into: buffer)
        if count == 0 {
            return result
        }
        result += buffer[..<count]
    }
}

/// Writes `bytes` to `sink` in pieces of `pieceSize` bytes.
func write(_ bytes: [UInt8], to sink: ByteSink, pieceSize: Int = 64 * 1024) throws(IOFailure) {
    var offset = 0
    while offset < bytes.count {
        let end = min(offset + pieceSize, bytes.count)
        let piece = Array(bytes[offset..<end])
        try piece.withUnsafeBytes { buffer in
            Result { () throws(IOFailure) in try sink.write(buffer) }
        }.get()
        offset = end
    }
}

/// Returns NDJSON lines of varied content, about `byteCount` bytes long.
/// The content is the same on every call, so failures can be reproduced.
func sampleNDJSON(byteCount: Int, seed: UInt64 = 1) -> [UInt8] {
    var state = seed
    var result: [UInt8] = []
    result.reserveCapacity(byteCount + 200)
    var line = 0
    while result.count < byteCount {
        // xorshift64 keeps the text repetitive enough to compress but not trivial.
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        let text = #"{"line":\#(line),"user":"u\#(state % 1000)","token":"\#(String(state, radix: 36))","msg":"request served"}"#
        result += Array(text.utf8) + [0x0A]
        line += 1
    }
    return result
}

/// Compresses `bytes` into one zstd frame with libzstd's one-shot API, and
/// with a content checksum when `checksum` is true.
func zstdFrame(_ bytes: [UInt8], level: Int32 = 3, checksum: Bool = true) -> [UInt8] {
    let context = ZSTD_createCCtx()
    defer { ZSTD_freeCCtx(context) }
    ZSTD_CCtx_setParameter(context, ZSTD_c_compressionLevel, level)
    ZSTD_CCtx_setParameter(context, ZSTD_c_checksumFlag, checksum ? 1 : 0)
    var output = [UInt8](repeating: 0, count: ZSTD_compressBound(bytes.count))
    let count = output.withUnsafeMutableBytes { destination in
        bytes.withUnsafeBytes { source in
            ZSTD_compress2(context, destination.baseAddress, destination.count, source.baseAddress, source.count)
        }
    }
    precondition(ZSTD_isError(count) == 0, "ZSTD_compress2 failed")
    return Array(output[..<count])
}

/// Returns a zstd skippable frame (RFC 8878, section 3.1.2) with `payload`.
func zstdSkippableFrame(_ payload: [UInt8]) -> [UInt8] {
    let magic: UInt32 = 0x184D_2A50
    let size = UInt32(payload.count)
    return withUnsafeBytes(of: magic.littleEndian, Array.init)
        + withUnsafeBytes(of: size.littleEndian, Array.init)
        + payload
}

/// Compresses `bytes` into one gzip member with zlib's deflate.
func gzipMember(_ bytes: [UInt8]) -> [UInt8] {
    var stream = z_stream()
    // deflateInit2 is a macro; this is its expansion. Window bits 15 + 16
    // selects a gzip header and trailer.
    let status = deflateInit2_(
        &stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY,
        zlibVersion(), Int32(MemoryLayout<z_stream>.size))
    precondition(status == Z_OK, "deflateInit2 failed")
    defer { deflateEnd(&stream) }

    var input = bytes
    var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(bytes.count))))
    let result = input.withUnsafeMutableBufferPointer { source in
        output.withUnsafeMutableBufferPointer { destination in
            stream.next_in = source.baseAddress
            stream.avail_in = uInt(source.count)
            stream.next_out = destination.baseAddress
            stream.avail_out = uInt(destination.count)
            return deflate(&stream, Z_FINISH)
        }
    }
    precondition(result == Z_STREAM_END, "deflate did not finish in one call")
    return Array(output[..<Int(stream.total_out)])
}

/// Runs `executable` with `arguments`, feeding `input` on standard input,
/// and returns its standard output. Throws when it exits with a failure.
func run(_ executable: String, _ arguments: [String], input: [UInt8] = []) throws -> [UInt8] {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let standardInput = Pipe()
    let standardOutput = Pipe()
    process.standardInput = standardInput
    process.standardOutput = standardOutput
    try process.run()
    // A writer thread avoids a deadlock when both pipes fill up.
    let writer = Thread {
        standardInput.fileHandleForWriting.write(Data(input))
        try? standardInput.fileHandleForWriting.close()
    }
    writer.start()
    let output = standardOutput.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
        throw CommandFailed(command: ([executable] + arguments).joined(separator: " "), status: process.terminationStatus)
    }
    return [UInt8](output)
}

struct CommandFailed: Error {
    var command: String
    var status: Int32
}

/// True when `name` is an executable in /usr/bin, for tests that compare
/// with the gzip and zstd commands.
func hasCommand(_ name: String) -> Bool {
    access("/usr/bin/\(name)", X_OK) == 0
}

/// Returns the read and write ends of a new pipe.
func makePipe() throws -> (read: Int32, write: Int32) {
    var descriptors: [Int32] = [0, 0]
    guard pipe(&descriptors) == 0 else {
        throw Errno(code: errno)
    }
    return (descriptors[0], descriptors[1])
}

/// Makes writes to a closed pipe fail with EPIPE instead of killing the
/// test process, as the logsieve command does.
let ignoringBrokenPipeSignal: Void = {
    signal(SIGPIPE, SIG_IGN)
}()
