import Foundation
import Testing

/// zstd and gzip input, detected by content, and zstd output for `.zst`.
/// The compressed files are made with the `zstd` and `gzip` commands, and
/// each test is skipped, with its reason in the test report, when its
/// command is not installed.
@Suite struct CompressionTests {
    static let zstd = Binaries.command(named: "zstd")
    static let gzip = Binaries.command(named: "gzip")

    /// The zstd frame magic number, 0xFD2FB528 stored little-endian.
    static let zstdMagic: [UInt8] = [0x28, 0xB5, 0x2F, 0xFD]

    @Test(.enabled(if: zstd != nil, "the zstd command is not installed"))
    func zstdInput() throws {
        try checkCompressedInput(compressor: Self.zstd!, arguments: ["-q", "-c"], suffix: "zst")
    }

    @Test(.enabled(if: gzip != nil, "the gzip command is not installed"))
    func gzipInput() throws {
        try checkCompressedInput(compressor: Self.gzip!, arguments: ["-c"], suffix: "gz")
    }

    @Test(.enabled(if: zstd != nil, "the zstd command is not installed"))
    func zstdOutputForZstSuffix() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let output = directory.file("clean.ndjson.zst")

        let compressed = try runLogsieve(["-o", output, SecretEvents.samplePath])
        #expect(compressed.exitStatus == 0)
        #expect(compressed.errors.isEmpty)
        let bytes = try directory.read("clean.ndjson.zst")
        #expect(Array(bytes.prefix(4)) == Self.zstdMagic)

        let decompressed = try runProgram(Self.zstd!, ["-q", "-d", "-c", output])
        #expect(decompressed.exitStatus == 0)
        let plain = try runLogsieve([SecretEvents.samplePath])
        #expect(decompressed.standardOutput == plain.standardOutput)
        #expect(!plain.standardOutput.isEmpty)
    }

    /// Compresses the sample and checks that logsieve gives the same output
    /// for it, read from a file and from standard input, as for the plain
    /// file.
    private func checkCompressedInput(compressor: String, arguments: [String], suffix: String) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let compressed = try runProgram(compressor, arguments + [SecretEvents.samplePath])
        #expect(compressed.exitStatus == 0)
        let file = try directory.write("events.ndjson.\(suffix)", compressed.standardOutput)

        let plain = try runLogsieve([SecretEvents.samplePath])
        #expect(plain.exitStatus == 0)
        #expect(!plain.standardOutput.isEmpty)

        let fromFile = try runLogsieve([file])
        #expect(fromFile.exitStatus == 0)
        #expect(fromFile.errors.isEmpty)
        #expect(fromFile.standardOutput == plain.standardOutput)

        let fromStandardInput = try runLogsieve(["-"], input: .bytes(compressed.standardOutput))
        #expect(fromStandardInput.exitStatus == 0)
        #expect(fromStandardInput.standardOutput == plain.standardOutput)
    }
}
