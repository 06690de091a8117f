import Foundation
import Testing

@Suite("logsieve har")
struct HARCommandTests {
    @Test("corpus HAR sanitizes and checks clean", arguments: HARFixtures.valid)
    func corpusFile(name: String) throws {
        let scratch = try ScratchDirectory()
        let input = HARFixtures.directory.appendingPathComponent(name).path
        let output = scratch.path("out.har")
        let run = try LogsieveBinary.run(["har", "-o", output, input])
        #expect(run.status == 0, "\(run.standardError)")

        let original = try Data(contentsOf: URL(fileURLWithPath: input))
        let sanitized = try Data(contentsOf: URL(fileURLWithPath: output))
        #expect(try HARFixtures.entryCount(sanitized) == HARFixtures.entryCount(original))
        let mode = try FileManager.default.attributesOfItem(atPath: output)[.posixPermissions] as? Int
        #expect(mode == 0o600)

        let check = try LogsieveBinary.run(["har", "--check", output])
        #expect(check.status == 0, "\(String(decoding: check.standardOutput, as: UTF8.self))")
        #expect(check.standardOutput.isEmpty)
    }

    @Test("sanitized HAR is a fixed point", arguments: HARFixtures.valid)
    func idempotence(name: String) throws {
        let scratch = try ScratchDirectory()
        let first = scratch.path("first.har")
        let second = scratch.path("second.har")
        #expect(try LogsieveBinary.run(["har", "-o", first, HARFixtures.directory.appendingPathComponent(name).path]).status == 0)
        #expect(try LogsieveBinary.run(["har", "-o", second, first]).status == 0)
        #expect(try Data(contentsOf: URL(fileURLWithPath: first)) == Data(contentsOf: URL(fileURLWithPath: second)))
    }

    @Test("default output name sits next to input")
    func defaultOutputName() throws {
        let scratch = try ScratchDirectory()
        let input = scratch.path("capture.har")
        try Data(contentsOf: HARFixtures.directory.appendingPathComponent("mitmproxy-har_files-insomnia.har"))
            .write(to: URL(fileURLWithPath: input))
        #expect(try LogsieveBinary.run(["har", input]).status == 0)
        #expect(try scratch.fileNames() == ["capture.har", "capture.sanitized.har"])
    }

    @Test("corrupt HAR names offset, writes nothing")
    func corruptFile() throws {
        let scratch = try ScratchDirectory()
        let input = scratch.path("broken.har")
        try Data(contentsOf: HARFixtures.directory.appendingPathComponent("mitmproxy-corrupted_har-brokenfile.har"))
            .write(to: URL(fileURLWithPath: input))
        let run = try LogsieveBinary.run(["har", input])
        #expect(run.status == 1)
        #expect(run.standardError.contains("byte 8"))
        #expect(run.standardError.contains(input))
        #expect(try scratch.fileNames() == ["broken.har"])
    }

    @Test("HAR cut inside an entry writes nothing")
    func truncatedFile() throws {
        let scratch = try ScratchDirectory()
        let original = try Data(contentsOf: HARFixtures.directory.appendingPathComponent("mitmproxy-har_files-chrome.har"))
        // Cut in the middle of the second entry.
        let text = String(decoding: original, as: UTF8.self)
        let secondEntry = try #require(text.range(of: "\"startedDateTime\"", options: [], range: text.range(of: "\"entries\"")!.upperBound..<text.endIndex))
        let cut = text.utf8.distance(from: text.startIndex, to: secondEntry.upperBound) + 2000
        let input = scratch.path("cut.har")
        try original.prefix(cut).write(to: URL(fileURLWithPath: input))
        let run = try LogsieveBinary.run(["har", input])
        #expect(run.status == 1)
        #expect(run.standardError.contains("byte \(cut)"))
        #expect(run.standardError.contains("truncated"))
        #expect(try scratch.fileNames() == ["cut.har"])
    }

    @Test("BOM is skipped")
    func byteOrderMark() throws {
        let run = try LogsieveBinary.run(["har", "-o", "-", HARFixtures.directory.appendingPathComponent("mitmproxy-har_files-with-bom.har").path])
        #expect(run.status == 0)
        #expect(run.standardOutput.first == UInt8(ascii: "{"))
    }

    @Test("usage errors exit 2")
    func usageErrors() throws {
        #expect(try LogsieveBinary.run(["har"]).status == 2)
        #expect(try LogsieveBinary.run(["har", "--saml", "maybe", "x.har"]).status == 2)
        #expect(try LogsieveBinary.run(["har", "-o", "a.har", "x.har", "y.har"]).status == 2)
        #expect(try LogsieveBinary.run(["check", "--format", "xml"]).status == 2)
    }
}
