import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Files that logsieve writes besides `-o` (see `OutputFileTests`): `har -o`,
/// `--report` and the `--state-dir` snapshot. Each is created mode 0600 (its
/// directory 0700), written atomically, and a symbolic link in its place is
/// rejected unless `--force-output` is given.
@Suite struct FileSafetyTests {
    static let har = #"{"log":{"version":"1.2","creator":{"name":"t","version":"1"},"entries":[{"request":{"method":"GET","url":"https://a.example/","headers":[{"name":"Authorization","value":"Bearer abcdefghijklmnop0123456789"}]}}]}}"#
    static let okta = #"{"eventType":"user.session.start","published":"2024-05-01T10:00:00.000Z","actor":{"alternateId":"a@example.com"},"authenticationContext":{"externalSessionId":"idx0123456789abcdef"},"client":{"ipAddress":"198.51.100.1"}}"#

    private func mode(_ path: String) -> String {
        var status = stat()
        guard lstat(path, &status) == 0 else { return "missing" }
        return String(status.st_mode & 0o777, radix: 8)
    }

    private func isSymbolicLink(_ path: String) -> Bool {
        var status = stat()
        return lstat(path, &status) == 0 && status.st_mode & S_IFMT == S_IFLNK
    }

    @Test func harOutputLinkRejected() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let input = try directory.write("capture.har", Self.har)
        let target = directory.file("elsewhere.har")
        let link = directory.file("link.har")
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)

        let rejected = try runLogsieve(["har", "-o", link, input])
        #expect(rejected.exitStatus == 1)
        #expect(rejected.errors.contains("is a symbolic link"), "\(rejected.errors)")
        #expect(!FileManager.default.fileExists(atPath: target))
        #expect(isSymbolicLink(link))

        let forced = try runLogsieve(["har", "--force-output", "-o", link, input])
        #expect(forced.exitStatus == 0, "\(forced.errors)")
        #expect(!isSymbolicLink(link), "the atomic write replaces the link")
        #expect(!FileManager.default.fileExists(atPath: target), "and never writes through it")
        #expect(mode(link) == "600")
        #expect(!String(decoding: try directory.read("link.har"), as: UTF8.self).contains("abcdefghijklmnop0123456789"))
    }

    @Test(arguments: ["har", "check"])
    func reportLinkRejected(subcommand: String) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let input = subcommand == "har"
            ? try directory.write("capture.har", Self.har)
            : try directory.write("events.ndjson", SecretEvents.ndjson)
        let target = directory.file("elsewhere.json")
        let link = directory.file("report.json")
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        let extra = subcommand == "har" ? ["-o", directory.file("out.har")] : []

        let rejected = try runLogsieve([subcommand, "--report", link] + extra + [input])
        #expect(rejected.exitStatus == 1)
        #expect(rejected.errors.contains("--report \(link) is a symbolic link"), "\(rejected.errors)")
        #expect(!FileManager.default.fileExists(atPath: target))
        #expect(!FileManager.default.fileExists(atPath: directory.file("out.har")), "rejected before any work")

        let forced = try runLogsieve([subcommand, "--force-output", "--report", link] + extra + [input])
        #expect(forced.exitStatus == (subcommand == "har" ? 0 : 1), "\(forced.errors)")
        #expect(!isSymbolicLink(link))
        #expect(!FileManager.default.fileExists(atPath: target))
        #expect(mode(link) == "600")
    }

    @Test func stateDirectoryModes() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let stateDirectory = directory.file("state/nested")
        let run = try runLogsieve(["--state-dir", stateDirectory], input: .text(Self.okta + "\n"))
        #expect(run.exitStatus == 0, "\(run.errors)")
        #expect(mode(stateDirectory) == "700")
        #expect(mode(directory.file("state")) == "700")
        #expect(mode(stateDirectory + "/enrich-state.bin") == "600")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: stateDirectory).filter { $0 != "enrich-state.bin" }
        #expect(leftovers.isEmpty, "no temporary files remain: \(leftovers)")
    }

    @Test func stateSnapshotLinkRejected() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let stateDirectory = directory.file("state")
        try FileManager.default.createDirectory(atPath: stateDirectory, withIntermediateDirectories: false)
        let target = directory.file("elsewhere.bin")
        let link = stateDirectory + "/enrich-state.bin"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)

        let rejected = try runLogsieve(["--state-dir", stateDirectory], input: .text(Self.okta + "\n"))
        #expect(rejected.exitStatus == 1)
        #expect(rejected.errors.contains("is a symbolic link"), "\(rejected.errors)")
        #expect(rejected.standardOutput.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: target))

        let forced = try runLogsieve(["--force-output", "--state-dir", stateDirectory], input: .text(Self.okta + "\n"))
        #expect(forced.exitStatus == 0, "\(forced.errors)")
        #expect(!isSymbolicLink(link))
        #expect(mode(link) == "600")
        #expect(!FileManager.default.fileExists(atPath: target))
    }
}
