import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `-o FILE`: permissions, symbolic links, and an output that is an input.
@Suite struct OutputFileTests {
    @Test func outputFileModeIs0600() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let input = try directory.write("events.ndjson", SecretEvents.ndjson)
        let output = directory.file("clean.ndjson")

        let toFile = try runLogsieve(["-o", output, input])
        #expect(toFile.exitStatus == 0)
        #expect(toFile.standardOutput.isEmpty)
        #expect(toFile.errors.isEmpty)

        var status = stat()
        #expect(stat(output, &status) == 0)
        #expect(String(status.st_mode & 0o777, radix: 8) == "600")

        let toStandardOutput = try runLogsieve([input])
        #expect(try directory.read("clean.ndjson") == toStandardOutput.standardOutput)
    }

    @Test func symbolicLinkRejected() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let input = try directory.write("events.ndjson", SecretEvents.ndjson)
        let target = directory.file("target.ndjson")
        let link = directory.file("link.ndjson")
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)

        let result = try runLogsieve(["-o", link, input])
        #expect(result.exitStatus == 1)
        #expect(result.standardOutput.isEmpty)
        #expect(result.errorLines.count == 1)
        #expect(result.errors.contains(link))
        #expect(!FileManager.default.fileExists(atPath: target))
        let linkDestination = try FileManager.default.destinationOfSymbolicLink(atPath: link)
        #expect(linkDestination == target)
    }

    @Test func forceOutputFollowsLink() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let input = try directory.write("events.ndjson", SecretEvents.ndjson)
        let target = directory.file("target.ndjson")
        let link = directory.file("link.ndjson")
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)

        let result = try runLogsieve(["--force-output", "-o", link, input])
        #expect(result.exitStatus == 0)
        #expect(result.errors.isEmpty)
        let written = try directory.read("target.ndjson")
        #expect(RunResult.lines(of: String(decoding: written, as: UTF8.self)).count == SecretEvents.lineCount)
    }

    /// Each spelling of the input's path must be recognised, because
    /// opening the output would truncate the input before it is read.
    @Test func outputOverInputRejected() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let input = try directory.write("events.ndjson", SecretEvents.ndjson)
        let link = directory.file("link.ndjson")
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: input)
        let hardLink = directory.file("hard.ndjson")
        try FileManager.default.linkItem(atPath: input, toPath: hardLink)

        let attempts = [
            ["-o", input, input],
            ["-o", directory.path + "/./events.ndjson", input],
            ["-o", hardLink, input],
            ["--force-output", "-o", link, input],
            ["-o", input, "-p", "redact", directory.file("other.ndjson"), input],
        ]
        for arguments in attempts {
            let result = try runLogsieve(arguments)
            #expect(result.exitStatus == 2, "\(arguments)")
            #expect(result.errorLines.first?.contains("is also an input") == true, "\(result.errors)")
            #expect(result.errorLines.last == CommandLineTests.helpPointer)
            #expect(String(decoding: try directory.read("events.ndjson"), as: UTF8.self) == SecretEvents.ndjson)
        }
    }
}
