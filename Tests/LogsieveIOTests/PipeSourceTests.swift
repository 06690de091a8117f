import Foundation
import Glibc
import Testing

@testable import LogsieveIO

/// Starts a thread that writes `pieces` to `descriptor` one `write` each,
/// pausing between them, and then closes the descriptor.
private func startWriter(_ descriptor: Int32, _ pieces: [[UInt8]], pause: useconds_t = 2_000) {
    _ = ignoringBrokenPipeSignal
    let writer = Thread {
        for piece in pieces {
            // A failed write means that the reader stopped early, and the
            // reader's checks report that.
            let written = piece.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            if written != piece.count {
                break
            }
            usleep(pause)
        }
        Glibc.close(descriptor)
    }
    writer.start()
}

/// Splits `bytes` into single bytes for the first `singles`, then pieces of
/// `pieceSize`, so that detection receives the magic number byte by byte.
private func pieces(of bytes: [UInt8], singles: Int = 5, pieceSize: Int = 50_000) -> [[UInt8]] {
    var result = bytes.prefix(singles).map { [$0] }
    var offset = min(singles, bytes.count)
    while offset < bytes.count {
        let end = min(offset + pieceSize, bytes.count)
        result.append(Array(bytes[offset..<end]))
        offset = end
    }
    return result
}

@Suite("Pipe source")
struct PipeSourceTests {
    @Test("pipe with plain, zstd and gzip", arguments: ["plain", "zstd", "gzip"])
    func pipeByFormat(format: String) throws {
        let content = sampleNDJSON(byteCount: 300_000)
        let bytes = switch format {
        case "zstd": zstdFrame(content)
        case "gzip": gzipMember(content)
        default: content
        }
        let (readEnd, writeEnd) = try makePipe()
        startWriter(writeEnd, pieces(of: bytes))

        let source = try Inputs.open(descriptor: FileDescriptor(rawValue: readEnd), name: "pipe", ownsDescriptor: true)
        defer { source.close() }
        #expect(try readAll(source) == content)
    }

    @Test("pipe opened by /dev/fd path")
    func pipeByPath() throws {
        let content = sampleNDJSON(byteCount: 100_000)
        let (readEnd, writeEnd) = try makePipe()
        defer { Glibc.close(readEnd) }
        startWriter(writeEnd, pieces(of: zstdFrame(content) + zstdFrame(content)))

        // Bash process substitution, <(zstdcat …), passes paths like this one.
        let source = try Inputs.open(path: "/dev/fd/\(readEnd)")
        defer { source.close() }
        #expect(try readAll(source) == content + content)
    }

    @Test("short first line on a pipe returns without more input")
    func shortFirstLine() throws {
        let (readEnd, writeEnd) = try makePipe()
        // The rest arrives 1.5 seconds later. Detection that waited for a
        // fourth byte would return the first line only after that.
        startWriter(writeEnd, [Array("{}\n".utf8), Array("{}\n".utf8)], pause: 1_500_000)

        let start = ContinuousClock.now
        let source = try Inputs.open(descriptor: FileDescriptor(rawValue: readEnd), name: "pipe", ownsDescriptor: true)
        defer { source.close() }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 16, alignment: 1)
        defer { buffer.deallocate() }
        let count = try source.read(into: buffer)
        let elapsed = ContinuousClock.now - start

        #expect(Array(buffer[..<count]) == Array("{}\n".utf8))
        #expect(elapsed < .seconds(1))
        #expect(try readAll(source) == Array("{}\n".utf8))
    }

    @Test("standard input read through -")
    func standardInput() throws {
        let content = sampleNDJSON(byteCount: 100_000)
        let (readEnd, writeEnd) = try makePipe()
        startWriter(writeEnd, pieces(of: gzipMember(content)))
        // Descriptor 0 points at the pipe for this test only. No other test
        // reads standard input.
        let savedInput = dup(STDIN_FILENO)
        #expect(savedInput != -1)
        #expect(dup2(readEnd, STDIN_FILENO) == STDIN_FILENO)
        Glibc.close(readEnd)
        defer {
            dup2(savedInput, STDIN_FILENO)
            Glibc.close(savedInput)
        }

        let source = try Inputs.open(path: "-")
        #expect(source.name == "standard input")
        #expect(try readAll(source) == content)
        source.close()
        #expect(fcntl(STDIN_FILENO, F_GETFD) != -1)
    }
}
