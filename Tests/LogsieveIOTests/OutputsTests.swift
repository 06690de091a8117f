import Glibc
import Testing

@testable import LogsieveIO

@Suite("Outputs")
struct OutputsTests {
    @Test("plain file has content and mode 0600")
    func plainFile() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("out.ndjson")
        let content = sampleNDJSON(byteCount: 200_000)

        let sink = try Outputs.open(path: path, options: OutputOptions())
        try write(content, to: sink)
        try sink.close()

        #expect(try readFile(path) == content)
        #expect(try permissions(path) == 0o600)
    }

    @Test(".zst name round-trips through zstd")
    func zstdRoundTrip() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("out.ndjson.zst")
        let content = sampleNDJSON(byteCount: 3_000_000)

        let sink = try Outputs.open(path: path, options: OutputOptions())
        try write(content, to: sink, pieceSize: 100_000)
        try sink.close()

        let written = try readFile(path)
        #expect(Array(written.prefix(4)) == [0x28, 0xB5, 0x2F, 0xFD])
        #expect(written.count < content.count / 2)
        #expect(try permissions(path) == 0o600)
        let source = try Inputs.open(path: path)
        defer { source.close() }
        #expect(try readAll(source) == content)
    }

    @Test("zstd output decodes with the zstd command", .enabled(if: hasCommand("zstd")))
    func zstdCommandDecodes() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("out.zst")
        let content = sampleNDJSON(byteCount: 500_000)

        let sink = try Outputs.open(path: path, options: OutputOptions())
        try write(content, to: sink)
        try sink.close()

        #expect(try run("/usr/bin/zstd", ["-q", "-d", "-c", path]) == content)
    }

    @Test("explicit compression overrides the name")
    func explicitCompression() throws {
        let directory = try TemporaryDirectory()
        let content = sampleNDJSON(byteCount: 100_000)
        var plain = OutputOptions()
        plain.compression = OutputOptions.Compression.none
        var zstd = OutputOptions()
        zstd.compression = .zstd(level: 19)

        let plainSink = try Outputs.open(path: directory.file("plain.zst"), options: plain)
        try write(content, to: plainSink)
        try plainSink.close()
        let zstdSink = try Outputs.open(path: directory.file("compressed.ndjson"), options: zstd)
        try write(content, to: zstdSink)
        try zstdSink.close()

        #expect(try readFile(directory.file("plain.zst")) == content)
        let source = try Inputs.open(path: directory.file("compressed.ndjson"))
        defer { source.close() }
        #expect(try readAll(source) == content)
    }

    @Test("empty zstd output is one valid frame")
    func emptyZstd() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("empty.zst")

        let sink = try Outputs.open(path: path, options: OutputOptions())
        try sink.close()

        #expect(try readFile(path).count > 4)
        let source = try Inputs.open(path: path)
        defer { source.close() }
        #expect(try readAll(source) == [])
    }

    @Test("zstd flush makes written data decodable")
    func zstdFlush() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("flushed.zst")
        let first = sampleNDJSON(byteCount: 50_000, seed: 7)

        let sink = try Outputs.open(path: path, options: OutputOptions())
        try write(first, to: sink)
        try sink.flush()

        // The frame is still open, so the reader returns the flushed bytes
        // and then reports a truncated stream.
        let source = try Inputs.open(path: path)
        defer { source.close() }
        let error = #expect(throws: IOFailure.self) {
            _ = try readAll(source, bufferSize: 1_000)
        }
        guard case .corruptInput(let message)? = error?.reason else {
            Issue.record("expected .corruptInput, got \(String(describing: error))")
            return
        }
        #expect(message.contains("truncated"))
        let partial = try Inputs.open(path: path)
        defer { partial.close() }
        var received: [UInt8] = []
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1_000, alignment: 1)
        defer { buffer.deallocate() }
        while received.count < first.count {
            let count = try partial.read(into: buffer)
            #expect(count > 0)
            if count == 0 { break }
            received += buffer[..<count]
        }
        #expect(received == first)

        let second = sampleNDJSON(byteCount: 50_000, seed: 8)
        try write(second, to: sink)
        try sink.close()
        let complete = try Inputs.open(path: path)
        defer { complete.close() }
        #expect(try readAll(complete) == first + second)
    }

    @Test("invalid zstd level throws unsupported", arguments: [Int32(23), 1_000, Int32.min])
    func invalidLevel(level: Int32) throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("out.zst")
        try writeFile(path, Array("previous output\n".utf8))
        var options = OutputOptions()
        options.compression = .zstd(level: level)

        let error = #expect(throws: IOFailure.self) {
            try Outputs.open(path: path, options: options)
        }
        #expect(try readFile(path) == Array("previous output\n".utf8))
        guard case .unsupported(let message)? = error?.reason else {
            Issue.record("expected .unsupported, got \(String(describing: error))")
            return
        }
        #expect(message.contains("zstd level \(level) is invalid"))
    }

    @Test("existing file is truncated and keeps its mode")
    func existingFile() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("existing.ndjson")
        try writeFile(path, sampleNDJSON(byteCount: 10_000))
        #expect(chmod(path, 0o640) == 0)

        let sink = try Outputs.open(path: path, options: OutputOptions())
        try write(Array("short\n".utf8), to: sink)
        try sink.close()

        #expect(try readFile(path) == Array("short\n".utf8))
        #expect(try permissions(path) == 0o640)
    }

    @Test("symlink output is rejected")
    func symlinkRejected() throws {
        let directory = try TemporaryDirectory()
        let target = directory.file("target.ndjson")
        let link = directory.file("link.ndjson")
        try writeFile(target, Array("original\n".utf8))
        #expect(symlink(target, link) == 0)

        let error = #expect(throws: IOFailure.self) {
            try Outputs.open(path: link, options: OutputOptions())
        }
        #expect(error?.reason == .refusedSymlink)
        #expect(error?.path == link)
        #expect(error?.description.hasPrefix("cannot create \(link): the path is a symbolic link") == true)
        #expect(try readFile(target) == Array("original\n".utf8))
    }

    @Test("dangling symlink output is rejected")
    func danglingSymlinkRejected() throws {
        let directory = try TemporaryDirectory()
        let target = directory.file("absent.ndjson")
        let link = directory.file("link.ndjson")
        #expect(symlink(target, link) == 0)

        let error = #expect(throws: IOFailure.self) {
            try Outputs.open(path: link, options: OutputOptions())
        }
        #expect(error?.reason == .refusedSymlink)
        #expect(access(target, F_OK) != 0)
    }

    @Test("symlink output allowed by option")
    func symlinkAllowed() throws {
        let directory = try TemporaryDirectory()
        let target = directory.file("target.ndjson")
        let link = directory.file("link.ndjson")
        try writeFile(target, Array("original\n".utf8))
        #expect(symlink(target, link) == 0)
        var options = OutputOptions()
        options.allowSymlink = true

        let sink = try Outputs.open(path: link, options: options)
        try write(Array("replaced\n".utf8), to: sink)
        try sink.close()

        #expect(try readFile(target) == Array("replaced\n".utf8))
    }

    @Test("symlink loop in directory is not called a symlink output")
    func symlinkLoopInDirectory() throws {
        let directory = try TemporaryDirectory()
        #expect(symlink(directory.file("loop"), directory.file("loop")) == 0)
        let path = directory.file("loop/out.ndjson")

        let error = #expect(throws: IOFailure.self) {
            try Outputs.open(path: path, options: OutputOptions())
        }
        #expect(error?.reason == .system(errno: ELOOP))
    }

    @Test("missing directory's message names the path")
    func missingDirectory() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("absent/out.ndjson")

        let error = #expect(throws: IOFailure.self) {
            try Outputs.open(path: path, options: OutputOptions())
        }
        #expect(error?.description == "cannot create \(path): No such file or directory")
    }

    @Test("standard output sink does not close descriptor 1")
    func standardOutput() throws {
        for path in [nil, "-"] as [String?] {
            let sink = try Outputs.open(path: path, options: OutputOptions())
            #expect(sink.name == "standard output")
            #expect(sink is FileSink)
            try sink.flush()
            try sink.close()
            try sink.close()
            #expect(fcntl(STDOUT_FILENO, F_GETFD) != -1)
        }
    }

    @Test("close twice does nothing the second time")
    func closeTwice() throws {
        let directory = try TemporaryDirectory()
        for name in ["twice.ndjson", "twice.zst"] {
            let sink = try Outputs.open(path: directory.file(name), options: OutputOptions())
            try write(Array("line\n".utf8), to: sink)
            try sink.close()
            try sink.close()
        }
        let source = try Inputs.open(path: directory.file("twice.zst"))
        defer { source.close() }
        #expect(try readAll(source) == Array("line\n".utf8))
    }

    @Test("closed pipe output throws brokenPipe")
    func brokenPipe() throws {
        _ = ignoringBrokenPipeSignal
        let (readEnd, writeEnd) = try makePipe()
        Glibc.close(readEnd)
        let sink = FileSink(descriptor: FileDescriptor(rawValue: writeEnd), name: "pipe", ownsDescriptor: true)
        defer { try? sink.close() }

        let error = #expect(throws: IOFailure.self) {
            try write(Array("line\n".utf8), to: sink)
        }
        #expect(error?.reason == .brokenPipe)
        #expect(error?.description == "cannot write pipe: the reader closed the pipe")
    }
}
