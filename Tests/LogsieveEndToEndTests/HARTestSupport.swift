import Foundation
import Testing

/// The result of one run of the logsieve binary.
struct BinaryRun {
    var status: Int32
    var standardOutput: Data
    var standardError: String
}

enum LogsieveBinary {
    /// The package root, found from this file's path.
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The debug binary that `swift test` builds next to the test bundle.
    static var debug: URL {
        let nextToTests = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("logsieve")
        if FileManager.default.isExecutableFile(atPath: nextToTests.path) { return nextToTests }
        return packageRoot.appendingPathComponent(".build/debug/logsieve")
    }

    static var release: URL? {
        let url = packageRoot.appendingPathComponent(".build/release/logsieve")
        return FileManager.default.isExecutableFile(atPath: url.path) ? url : nil
    }

    /// Runs the binary with a fixed fingerprint key and reads standard
    /// output and standard error concurrently, so that neither pipe fills up.
    static func run(_ arguments: [String], binary: URL = debug, input: Data? = nil) throws -> BinaryRun {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["LOGSIEVE_HMAC_KEY"] = String(repeating: "k", count: 40)
        environment.removeValue(forKey: "LOGSIEVE_HMAC_KEY_FILE")
        process.environment = environment
        let output = Pipe()
        let error = Pipe()
        let standardInput = Pipe()
        process.standardOutput = output
        process.standardError = error
        process.standardInput = standardInput
        try process.run()

        nonisolated(unsafe) var outputData = Data()
        nonisolated(unsafe) var errorData = Data()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            outputData = output.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        group.enter()
        DispatchQueue.global().async {
            errorData = error.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        if let input { standardInput.fileHandleForWriting.write(input) }
        try standardInput.fileHandleForWriting.close()
        process.waitUntilExit()
        group.wait()
        return BinaryRun(status: process.terminationStatus, standardOutput: outputData,
                         standardError: String(decoding: errorData, as: UTF8.self))
    }
}

/// A temporary directory, removed at deinit.
final class ScratchDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("logsieve-har-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(at: url)
    }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    func fileNames() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: url.path).sorted()
    }
}

enum HARFixtures {
    static let directory = LogsieveBinary.packageRoot.appendingPathComponent("Tests/Fixtures/corpus/har")

    static let valid: [String] = [
        "jfromaniello-example.har",
        "mitmproxy-flows-diff_data.har",
        "mitmproxy-flows-event_stream.har",
        "mitmproxy-flows-successful_log.har",
        "mitmproxy-flows-websocket.har",
        "mitmproxy-har_files-charles.har",
        "mitmproxy-har_files-chrome.har",
        "mitmproxy-har_files-firefox.har",
        "mitmproxy-har_files-insomnia.har",
        "mitmproxy-har_files-with-bom.har",
    ]

    /// The number of `log.entries` in a HAR (a UTF-8 BOM is allowed).
    static func entryCount(_ data: Data) throws -> Int {
        var data = data
        if data.starts(with: [0xEF, 0xBB, 0xBF]) { data = data.dropFirst(3) }
        let document = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let log = try #require(document["log"] as? [String: Any])
        return try #require(log["entries"] as? [Any]).count
    }
}

/// Random canaries: letters and digits, so that percent-encoding leaves
/// them as they are.
enum Canary {
    static func make(_ label: String) -> String {
        let alphabet = Array("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789")
        return "cnry" + label + String((0..<24).map { _ in alphabet.randomElement()! })
    }

    static func base64URL(_ text: String) -> String {
        Data(text.utf8).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    /// A JWT whose signature is the canary.
    static func jwt(signature: String) -> String {
        base64URL("{\"alg\":\"HS256\",\"typ\":\"JWT\"}") + "." + base64URL("{\"sub\":\"user-1\",\"iss\":\"https://idp.example.com\"}")
            + "." + signature
    }
}
