import Foundation
import Glibc
import Testing

/// Collects everything a file handle delivers, on its own thread, so that a
/// child process never blocks on a full pipe.
private final class StreamCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var bytes: [UInt8] = []
    private let finished = DispatchSemaphore(value: 0)

    init(_ handle: FileHandle) {
        let reader = Thread { [unowned self] in
            while true {
                let chunk = handle.availableData
                if chunk.isEmpty { break }
                self.lock.lock()
                self.bytes += chunk
                self.lock.unlock()
            }
            self.finished.signal()
        }
        reader.start()
    }

    var text: String {
        lock.lock()
        defer { lock.unlock() }
        return String(decoding: bytes, as: UTF8.self)
    }

    var lineCount: Int {
        lock.lock()
        defer { lock.unlock() }
        return bytes.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
    }

    func waitForEnd() {
        finished.wait()
    }
}

/// Finds the logsieve binary that `swift build` put next to the test bundle.
private func logsieveBinary() -> URL {
    var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    while !FileManager.default.fileExists(atPath: directory.appendingPathComponent("logsieve").path),
          directory.path != "/" {
        directory.deleteLastPathComponent()
    }
    return directory.appendingPathComponent("logsieve")
}

/// A running logsieve with its standard streams piped.
private final class RunningLogsieve {
    let process = Process()
    let input = Pipe()
    let output: StreamCollector
    let errors: StreamCollector

    init(_ arguments: [String]) throws {
        process.executableURL = logsieveBinary()
        process.arguments = arguments
        let outputPipe = Pipe()
        let errorPipe = Pipe()
        process.standardInput = input
        process.standardOutput = outputPipe
        process.standardError = errorPipe
        try process.run()
        output = StreamCollector(outputPipe.fileHandleForReading)
        errors = StreamCollector(errorPipe.fileHandleForReading)
    }

    func send(_ lines: [String]) {
        input.fileHandleForWriting.write(Data((lines.joined(separator: "\n") + "\n").utf8))
    }

    /// Closes standard input and waits for the process and its output.
    func finish() -> String {
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
        output.waitForEnd()
        errors.waitForEnd()
        return output.text
    }
}

@Suite struct EnrichRestartTests {
    /// Sessions that sign in, and every fifth one later used from a hosting
    /// network abroad for an admin grant: one stream in event-time order.
    static func events() -> [String] {
        var lines: [String] = []
        func event(_ index: Int, minute: Int, type: String, ip: String, asNumber: Int, country: String) -> String {
            let object: [String: Any] = [
                "uuid": "event-\(lines.count)", "eventType": type,
                "published": String(format: "2024-05-01T%02d:%02d:00.000Z", 9 + minute / 60, minute % 60),
                "actor": ["type": "User", "alternateId": "user\(index)@example.com"],
                "client": ["ipAddress": ip, "userAgent": ["browser": "CHROME", "os": "Mac OS X", "rawUserAgent": "Mozilla/5.0 Chrome/124.0"],
                           "geographicalContext": ["country": country]],
                "authenticationContext": ["externalSessionId": "102session\(index)xyz"],
                "securityContext": ["asNumber": asNumber, "isProxy": false],
                "outcome": ["result": "SUCCESS"],
                "target": [["type": "User", "id": "00u\(index)", "alternateId": "target\(index)@example.com"]],
            ]
            return String(decoding: try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
        }
        for index in 0..<40 {
            lines.append(event(index, minute: index, type: "user.session.start", ip: "198.51.100.\(index)", asNumber: 64496, country: "United States"))
        }
        for index in 0..<40 {
            let stolen = index % 5 == 0
            lines.append(event(index, minute: 60 + index, type: "user.account.privilege.grant",
                               ip: stolen ? "203.0.113.\(index)" : "198.51.100.\(index)", asNumber: stolen ? 64500 : 64496,
                               country: stolen ? "Netherlands" : "United States"))
        }
        return lines
    }

    /// Returns the `logsieve` member of each output line by `uuid`, as text.
    static func flagsByEvent(_ output: String) -> [String: String] {
        var result: [String: String] = [:]
        for line in output.split(separator: "\n") {
            let object = try! JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            let member = object["logsieve"].map { String(decoding: try! JSONSerialization.data(withJSONObject: $0, options: [.sortedKeys]), as: UTF8.self) }
            result[object["uuid"] as! String] = member ?? "none"
        }
        return result
    }

    @Test func restartAfterKillMatchesUninterruptedRun() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("logsieve-restart-\(getpid())-\(UInt32.random(in: 0 ... .max))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let keyFile = directory.appendingPathComponent("hmac.key").path
        FileManager.default.createFile(atPath: keyFile, contents: Data((0..<32).map { UInt8($0) }), attributes: [.posixPermissions: 0o600])
        let events = Self.events()
        let half = 50

        let whole = try RunningLogsieve(["--key-file", keyFile, "--state-dir", directory.appendingPathComponent("whole").path])
        whole.send(events)
        let expected = Self.flagsByEvent(whole.finish())
        #expect(expected.count == events.count)
        #expect(expected.values.filter { $0.contains("\"severity\":\"high\"") }.count == 8)

        let statePath = directory.appendingPathComponent("killed").path
        let first = try RunningLogsieve(["--key-file", keyFile, "--state-dir", statePath, "--state-interval", "0"])
        first.send(Array(events[..<half]))
        let deadline = Date().addingTimeInterval(20)
        while first.output.lineCount < half && Date() < deadline { usleep(10_000) }
        #expect(first.output.lineCount == half)
        kill(first.process.processIdentifier, SIGKILL)
        let firstOutput = first.finish()
        #expect(first.process.terminationReason == .uncaughtSignal)

        let second = try RunningLogsieve(["--key-file", keyFile, "--state-dir", statePath])
        second.send(Array(events[half...]))
        let secondOutput = second.finish()
        #expect(second.process.terminationStatus == 0)
        #expect(!second.errors.text.contains("warning"), "\(second.errors.text)")

        var restarted = Self.flagsByEvent(firstOutput)
        restarted.merge(Self.flagsByEvent(secondOutput)) { _, new in new }
        #expect(restarted == expected)
    }

    @Test func stateDirRejectsRandomKey() throws {
        let run = try RunningLogsieve(["--state-dir", FileManager.default.temporaryDirectory.appendingPathComponent("never-\(getpid())").path])
        _ = run.finish()
        #expect(run.process.terminationStatus == 2)
        #expect(run.errors.text.contains("--state-dir needs a fixed fingerprint key"))
    }

    @Test func defaultPipelineEnriches() throws {
        let run = try RunningLogsieve([])
        let events = Self.events()
        run.send([events[0], events[40]])
        let output = run.finish()
        #expect(run.process.terminationStatus == 0)
        let flags = Self.flagsByEvent(output)
        #expect(flags["event-0"] == "none")
        #expect(flags["event-40"]?.contains("session.network_changed") == true)
        #expect(!output.contains("102session0xyz"))
    }
}
