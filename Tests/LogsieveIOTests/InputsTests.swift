import Glibc
import Testing

@testable import LogsieveIO

@Suite("Inputs")
struct InputsTests {
    @Test("plain file passes through", arguments: [1, 7, 4096, 1 << 20])
    func plainFile(bufferSize: Int) throws {
        let directory = try TemporaryDirectory()
        let content = sampleNDJSON(byteCount: 300_000)
        try writeFile(directory.file("plain.ndjson"), content)

        let source = try Inputs.open(path: directory.file("plain.ndjson"))
        defer { source.close() }
        #expect(source.name == directory.file("plain.ndjson"))
        #expect(try readAll(source, bufferSize: bufferSize) == content)
    }

    @Test("large plain file in 1 MiB reads")
    func largePlainFile() throws {
        let directory = try TemporaryDirectory()
        let content = sampleNDJSON(byteCount: 5_000_000)
        try writeFile(directory.file("large.ndjson"), content)

        let source = try Inputs.open(path: directory.file("large.ndjson"))
        defer { source.close() }
        #expect(try readAll(source) == content)
    }

    @Test("zstd file decompresses", arguments: [1, 7, 4096, 1 << 20])
    func zstdFile(bufferSize: Int) throws {
        let directory = try TemporaryDirectory()
        let content = sampleNDJSON(byteCount: 300_000)
        try writeFile(directory.file("input.ndjson.zst"), zstdFrame(content))

        let source = try Inputs.open(path: directory.file("input.ndjson.zst"))
        defer { source.close() }
        #expect(try readAll(source, bufferSize: bufferSize) == content)
    }

    @Test("large zstd file decompresses")
    func largeZstdFile() throws {
        let directory = try TemporaryDirectory()
        let content = sampleNDJSON(byteCount: 8_000_000)
        try writeFile(directory.file("large.zst"), zstdFrame(content))

        let source = try Inputs.open(path: directory.file("large.zst"))
        defer { source.close() }
        #expect(try readAll(source) == content)
    }

    @Test("concatenated zstd frames decompress fully")
    func multiFrameZstd() throws {
        let directory = try TemporaryDirectory()
        let parts = [
            sampleNDJSON(byteCount: 100_000, seed: 1),
            [],
            sampleNDJSON(byteCount: 400_000, seed: 2),
            Array(#"{"last":true}"#.utf8) + [0x0A],
        ]
        try writeFile(directory.file("frames.zst"), parts.flatMap { zstdFrame($0) })

        let source = try Inputs.open(path: directory.file("frames.zst"))
        defer { source.close() }
        #expect(try readAll(source, bufferSize: 65_536) == parts.flatMap { $0 })
    }

    @Test("zstd frames that fill the buffer exactly", arguments: [999, 1_000, 1_001])
    func framesFillBuffer(bufferSize: Int) throws {
        let directory = try TemporaryDirectory()
        let content = [UInt8](repeating: 0x61, count: 999) + [0x0A]
        try writeFile(directory.file("exact.zst"), zstdFrame(content) + zstdFrame(content))

        let source = try Inputs.open(path: directory.file("exact.zst"))
        defer { source.close() }
        #expect(try readAll(source, bufferSize: bufferSize) == content + content)
    }

    @Test("zstd after a skippable frame decompresses")
    func skippableFrameFirst() throws {
        let directory = try TemporaryDirectory()
        let content = sampleNDJSON(byteCount: 50_000)
        let file = zstdSkippableFrame(Array("metadata".utf8)) + zstdFrame(content) + zstdSkippableFrame([])
        try writeFile(directory.file("skippable.zst"), file)

        let source = try Inputs.open(path: directory.file("skippable.zst"))
        defer { source.close() }
        #expect(try readAll(source) == content)
    }

    @Test("gzip file decompresses", arguments: [1, 7, 4096, 1 << 20])
    func gzipFile(bufferSize: Int) throws {
        let directory = try TemporaryDirectory()
        let content = sampleNDJSON(byteCount: 300_000)
        try writeFile(directory.file("input.ndjson.gz"), gzipMember(content))

        let source = try Inputs.open(path: directory.file("input.ndjson.gz"))
        defer { source.close() }
        #expect(try readAll(source, bufferSize: bufferSize) == content)
    }

    @Test("multi-member gzip decompresses fully")
    func multiMemberGzip() throws {
        let directory = try TemporaryDirectory()
        let parts = [
            sampleNDJSON(byteCount: 100_000, seed: 3),
            [],
            sampleNDJSON(byteCount: 600_000, seed: 4),
            Array(#"{"last":true}"#.utf8) + [0x0A],
        ]
        try writeFile(directory.file("members.gz"), parts.flatMap { gzipMember($0) })

        let source = try Inputs.open(path: directory.file("members.gz"))
        defer { source.close() }
        #expect(try readAll(source, bufferSize: 65_536) == parts.flatMap { $0 })
    }

    @Test("gzip and zstd commands' output decompresses", .enabled(if: hasCommand("gzip") && hasCommand("zstd")))
    func commandLineTools() throws {
        let directory = try TemporaryDirectory()
        let first = sampleNDJSON(byteCount: 200_000, seed: 5)
        let second = sampleNDJSON(byteCount: 300_000, seed: 6)
        try writeFile(directory.file("first.ndjson"), first)
        try writeFile(directory.file("second.ndjson"), second)
        // gzip stores the file name in the header (FNAME), which the library output lacks.
        _ = try run("/usr/bin/gzip", ["-k", directory.file("first.ndjson"), directory.file("second.ndjson")])
        _ = try run("/usr/bin/zstd", ["-q", "-k", directory.file("first.ndjson"), directory.file("second.ndjson")])

        let gzip = try readFile(directory.file("first.ndjson.gz")) + readFile(directory.file("second.ndjson.gz"))
        let zstd = try readFile(directory.file("first.ndjson.zst")) + readFile(directory.file("second.ndjson.zst"))
        try writeFile(directory.file("both.gz"), gzip)
        try writeFile(directory.file("both.zst"), zstd)

        for name in ["both.gz", "both.zst"] {
            let source = try Inputs.open(path: directory.file(name))
            defer { source.close() }
            #expect(try readAll(source) == first + second, "\(name)")
        }
    }

    @Test(
        "input shorter than four bytes passes through",
        arguments: [[0x28], [0x28, 0xB5], [0x28, 0xB5, 0x2F], [0x1F], [0x50, 0x2A, 0x4D], [0x7B, 0x7D, 0x0A]] as [[UInt8]])
    func shortInput(content: [UInt8]) throws {
        let directory = try TemporaryDirectory()
        try writeFile(directory.file("short"), content)

        let source = try Inputs.open(path: directory.file("short"))
        defer { source.close() }
        #expect(try readAll(source) == content)
    }

    @Test("input that almost matches a magic number passes through")
    func nearMagic() throws {
        let directory = try TemporaryDirectory()
        let content: [UInt8] = [0x28, 0xB5, 0x2F, 0xFE] + Array("rest of the line\n".utf8)
        try writeFile(directory.file("near"), content)

        let source = try Inputs.open(path: directory.file("near"))
        defer { source.close() }
        #expect(try readAll(source) == content)
    }

    @Test("empty file reads as end of input")
    func emptyFile() throws {
        let directory = try TemporaryDirectory()
        try writeFile(directory.file("empty"), [])

        let source = try Inputs.open(path: directory.file("empty"))
        defer { source.close() }
        var byte: UInt8 = 0
        let count = try withUnsafeMutableBytes(of: &byte) { buffer in
            try Result { () throws(IOFailure) in try source.read(into: buffer) }.get()
        }
        #expect(count == 0)
    }

    @Test("missing file's message names the path")
    func missingFile() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("missing.json")

        let error = #expect(throws: IOFailure.self) {
            try Inputs.open(path: path)
        }
        #expect(error?.reason == .system(errno: ENOENT))
        #expect(error?.path == path)
        #expect(error?.operation == "open")
        #expect(error?.description == "cannot open \(path): No such file or directory")
    }

    @Test("directory as input fails on read")
    func directoryInput() throws {
        let directory = try TemporaryDirectory()

        let error = #expect(throws: IOFailure.self) {
            try Inputs.open(path: directory.path)
        }
        #expect(error?.reason == .system(errno: EISDIR))
        #expect(error?.operation == "read")
    }
}
