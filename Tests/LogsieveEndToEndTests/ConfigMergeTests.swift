import Foundation
import Testing

/// `config show` covers every key, and the checks across options run on
/// the merged file, environment and command line, through the real binary.
@Suite("Configuration merge")
struct ConfigMergeTests {
    /// Returns the dotted paths of the mapping keys in simple block YAML, such
    /// as the example file and `config show` output, with their value text.
    /// List items are skipped.
    private static func keyPaths(_ yaml: String) -> [String: String] {
        var paths: [String: String] = [:]
        var stack: [(indent: Int, name: String)] = []
        for line in yaml.split(separator: "\n") {
            let indent = line.prefix { $0 == " " }.count
            let text = line.dropFirst(indent)
            guard !text.hasPrefix("#"), !text.hasPrefix("-"), let colon = text.firstIndex(of: ":") else { continue }
            let name = text[..<colon].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            while let last = stack.last, last.indent >= indent { stack.removeLast() }
            let path = (stack.map(\.name) + [name]).joined(separator: ".")
            paths[path] = text[text.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            stack.append((indent, name))
        }
        return paths
    }

    @Test("show prints every key of the example")
    func showPrintsEveryExampleKey() throws {
        let example = Binaries.packageRoot + "/pipelines/config/logsieve.yaml"
        let result = try runLogsieve(["config", "show", "--config", example], environment: [:])
        #expect(result.exitStatus == 0, "\(result.errors)")
        let filePaths = Self.keyPaths(try String(contentsOfFile: example, encoding: .utf8))
        let shownPaths = Self.keyPaths(result.output)
        #expect(filePaths.count > 40)
        for path in filePaths.keys.sorted() {
            #expect(shownPaths[path] != nil, "\(path) is not shown")
            #expect(shownPaths[path] != "null", "\(path) is shown as null")
        }
        for path in ["input.listen", "input.follow", "input.max_connections", "input.idle_timeout", "input.socket_mode",
                     "output.buffer_bytes", "output.rotate_bytes", "output.rotate_keep", "output.drain_timeout",
                     "metrics.listen", "log.format", "log.level"] {
            #expect(shownPaths[path] != nil, "\(path) is not shown")
        }
        #expect(shownPaths["input.listen"] == "[\"unix:/run/logsieve/in.sock\"]")
        #expect(shownPaths["metrics.listen"] == "\"tcp://127.0.0.1:9464\"")
        #expect(shownPaths["log.level"] == "info")

        // The output is a file that check accepts and that shows the same again.
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let shown = try directory.write("shown.yaml", result.output)
        let check = try runLogsieve(["config", "check", shown])
        #expect(check.exitStatus == 0, "\(check.errors)")
        let again = try runLogsieve(["config", "show", "--config", shown], environment: [:])
        var againPaths = Self.keyPaths(again.output)
        againPaths["input.files"] = shownPaths["input.files"]
        #expect(againPaths == shownPaths)
    }

    @Test("files with listen are invalid")
    func filesWithListenInvalid() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let input = try directory.write("secrets.ndjson", "{\"password\":\"hunter2\"}\n")
        let path = try directory.write("both.yaml", "input: {files: [\(input)], listen: [tcp://127.0.0.1:19211]}\n")
        let message = "\(path):1:16: input.files cannot be combined with input.listen or input.follow"

        let check = try runLogsieve(["config", "check", path])
        #expect(check.exitStatus == 1)
        #expect(check.errors.contains(message), "\(check.errors)")
        let run = try runLogsieve(["--config", path])
        #expect(run.exitStatus == 2)
        #expect(run.errors.contains(message), "\(run.errors)")

        // The same check on the merged sources: the file's listen address and a FILE argument.
        let listen = try directory.write("listen.yaml", "input: {listen: [tcp://127.0.0.1:19211]}\n")
        let merged = try runLogsieve(["--config", listen, input])
        #expect(merged.exitStatus == 2)
        #expect(merged.errors.contains("--listen and --follow read no FILE arguments"), "\(merged.errors)")
    }

    @Test("rotate_bytes in file with -o")
    func rotateBytesWithOutputOption() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let input = try directory.write("secrets.ndjson", "{\"password\":\"hunter2\"}\n")
        let path = try directory.write("rb.yaml", "output: {rotate_bytes: 1M}\n")
        let output = directory.file("rb.out")

        let check = try runLogsieve(["config", "check", path])
        #expect(check.exitStatus == 0, "\(check.errors)")
        let run = try runLogsieve(["--config", path, "-o", output, input])
        #expect(run.exitStatus == 0, "\(run.errors)")
        #expect(try String(contentsOfFile: output, encoding: .utf8) == "{\"password\":\"[REDACTED:password]\"}\n")

        // Without -o in any source, the merged check still rejects it.
        let alone = try runLogsieve(["--config", path, input])
        #expect(alone.exitStatus == 2)
        #expect(alone.errors.contains("--rotate-bytes needs -o FILE"), "\(alone.errors)")
    }

    @Test("check names why a file is unreadable")
    func checkUnreadableReason() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let missing = directory.file("missing.yaml")
        let absent = try runLogsieve(["config", "check", missing])
        #expect(absent.exitStatus == 1)
        #expect(absent.errorLines == ["\(missing):1:1: cannot read the configuration file: No such file or directory"])

        let folder = directory.file("folder")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
        let isDirectory = try runLogsieve(["config", "check", folder])
        #expect(isDirectory.exitStatus == 1)
        #expect(isDirectory.errorLines == ["\(folder):1:1: cannot read the configuration file: is a directory"])
    }

    @Test("README lists the shown Kafka properties")
    func readmeListsShownProperties() throws {
        let readme = try String(contentsOfFile: Binaries.packageRoot + "/README.md", encoding: .utf8)
        let start = try #require(readme.range(of: "the only ones it prints in clear: "))
        let end = try #require(readme.range(of: ". Everything else is masked", range: start.upperBound..<readme.endIndex))
        let names = readme[start.upperBound..<end.lowerBound].components(separatedBy: ", ")
            .map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "`")) }
        #expect(names.count > 20)

        let properties = names.enumerated().map { "    \($1): shown-value-\($0)\n" }.joined()
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try directory.write("k.yaml", "kafka:\n  properties:\n" + properties + "    sasl.username: hidden-user\n")
        let result = try runLogsieve(["config", "show", "--config", path], environment: [:])
        #expect(result.exitStatus == 0, "\(result.errors)")
        for (index, name) in names.enumerated() {
            #expect(result.output.contains("\"\(name)\": \"shown-value-\(index)\""), "\(name) is masked")
        }
        #expect(!result.output.contains("hidden-user"))
    }
}
