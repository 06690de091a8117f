import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Output to a rotated file and to a socket.
@Suite struct SidecarOutputTests {
    private func event(_ number: Int) -> String {
        "{\"n\":\(number),\"pad\":\"\(String(repeating: "p", count: number % 50))\"}"
    }

    @Test func rotationKeepsWholeLines() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let events = (0..<2000).map(event)
        let input = try directory.write("in.ndjson", events.map { $0 + "\n" }.joined())
        let output = directory.file("out.ndjson")

        let result = try runLogsieve(["--no-redact", "-o", output, "--rotate-bytes", "8K", "--rotate-keep", "3", "--stats", input])
        #expect(result.exitStatus == 0)
        #expect(result.errors.contains("of the output"))

        var newestLines: [String] = []
        for name in ["out.ndjson.3", "out.ndjson.2", "out.ndjson.1", "out.ndjson"] {
            let path = directory.file(name)
            var status = stat()
            #expect(stat(path, &status) == 0, "\(name) is missing")
            #expect(String(status.st_mode & 0o777, radix: 8) == "600", "\(name)")
            #expect(status.st_size <= 8192, "\(name) has \(status.st_size) bytes")
            let bytes = try directory.read(name)
            // Each file ends at a line boundary.
            #expect(bytes.last == UInt8(ascii: "\n"), "\(name)")
            newestLines += RunResult.lines(of: String(decoding: bytes, as: UTF8.self))
        }
        #expect(!FileManager.default.fileExists(atPath: directory.file("out.ndjson.4")))
        // The kept files hold the newest lines, whole and in order.
        #expect(newestLines.count > 300)
        #expect(newestLines == Array(events.suffix(newestLines.count)))
    }

    @Test func rotationAppendsAcrossRuns() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let output = directory.file("out.ndjson")
        let first = try runLogsieve(["--no-redact", "-o", output, "--rotate-bytes", "1M"], input: .text(event(1) + "\n"))
        let second = try runLogsieve(["--no-redact", "-o", output, "--rotate-bytes", "1M"], input: .text(event(2) + "\n"))
        #expect(first.exitStatus == 0)
        #expect(second.exitStatus == 0)
        #expect(try directory.read("out.ndjson") == Array((event(1) + "\n" + event(2) + "\n").utf8))
    }

    @Test func rotationUsageErrors() throws {
        let withoutOutput = try runLogsieve(["--rotate-bytes", "1M"])
        #expect(withoutOutput.exitStatus == 2)
        #expect(withoutOutput.errors.contains("--rotate-bytes needs -o FILE"))
        let badSocket = try runLogsieve(["-o", "tcp://127.0.0.1"])
        #expect(badSocket.exitStatus == 2)
        #expect(badSocket.errors.contains("-o expects tcp://HOST:PORT"))
        let badListen = try runLogsieve(["--listen", "udp://127.0.0.1:9"])
        #expect(badListen.exitStatus == 2)
    }

    /// The peer stops reading: logsieve's buffer fills, it stops reading
    /// its input, and its memory stays bounded. Then the peer reads again
    /// and every event arrives once, in order.
    @Test func stalledPeerPausesInput() throws {
        let server = try TestServer(reading: false)
        let lineCount = 60_000
        let written = Counter()
        let run = try InteractiveRun(
            ["--no-redact", "-o", server.address, "--output-buffer-bytes", "256K", "--stats"],
            input: .generated { writer in
                for index in 0..<lineCount {
                    let line = "{\"n\":\(index),\"pad\":\"\(String(repeating: "x", count: 1000))\"}\n"
                    guard writer.write(line) else { return }
                    written.add(line.utf8.count)
                }
            })
        let totalBytes = lineCount * 1016

        // Wait until the writer stops making progress: input is paused.
        var previous = -1
        _ = waitUntil(timeout: .seconds(60)) {
            usleep(500_000)
            let now = written.value
            defer { previous = now }
            return now == previous && now > 0
        }
        let pausedAt = written.value
        let peakWhilePaused = run.peakResidentKilobytes ?? 0
        print("stalled peer: input paused after \(pausedAt) of \(totalBytes) bytes, VmHWM \(peakWhilePaused) KiB")
        #expect(pausedAt < totalBytes / 2)
        #expect(peakWhilePaused > 0)
        // The debug binary peaked at about 26 MiB here. Buffering the whole
        // input (61 MB) would exceed this limit.
        #expect(peakWhilePaused < 64 * 1024)

        server.setReading(true)
        let result = run.finish(timeout: .seconds(120))
        #expect(result.exitStatus == 0)
        #expect(waitUntil(timeout: .seconds(30)) { server.lines.count == lineCount })
        let numbers = server.lines.map { line -> Int in
            let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            return object?["n"] as? Int ?? -1
        }
        #expect(numbers.count == lineCount)
        #expect(numbers.elementsEqual(0..<lineCount))
        server.stop()
    }

    /// A followed file with a peer that stops reading: reading pauses, and
    /// the remembered position covers only what the peer's kernel accepted.
    @Test func stalledPeerPausesFollow() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let lineCount = 30_000
        let lines = (0..<lineCount).map { "{\"n\":\($0),\"pad\":\"\(String(repeating: "z", count: 1000))\"}\n" }
        let log = try directory.write("app.log", lines.joined())
        let fileSize = lines.reduce(0) { $0 + $1.utf8.count }
        let state = directory.file("state")
        let server = try TestServer(reading: false)

        let run = try InteractiveRun(["--no-redact", "--follow", log, "--state-dir", state, "-o", server.address,
                                      "--output-buffer-bytes", "256K"])
        // Wait until the kernel buffers and logsieve's buffer are full.
        var previous = -1
        _ = waitUntil(timeout: .seconds(60)) {
            usleep(500_000)
            let now = run.peakResidentKilobytes ?? 0
            defer { previous = now }
            return now == previous
        }
        let peak = run.peakResidentKilobytes ?? 0
        let positionFile = try #require(try FileManager.default.contentsOfDirectory(atPath: state).first)
        let pausedPosition = try String(contentsOfFile: state + "/" + positionFile, encoding: .utf8)
        let pausedOffset = Int(pausedPosition.split(separator: " ").last?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "")
        print("stalled peer with --follow: VmHWM \(peak) KiB, position \(pausedOffset ?? -1) of \(fileSize) bytes")
        #expect(peak < 64 * 1024)
        #expect((pausedOffset ?? 0) < fileSize / 2)

        server.setReading(true)
        #expect(waitUntil(timeout: .seconds(120)) { server.lines.count == lineCount })
        // The position reaches the end once everything was delivered.
        #expect(waitUntil(timeout: .seconds(30)) {
            let text = (try? String(contentsOfFile: state + "/" + positionFile, encoding: .utf8)) ?? ""
            return text.hasSuffix(" \(fileSize)\n")
        })
        let result = run.terminate()
        #expect(result.exitStatus == 0)
        let numbers = server.lines.map { line -> Int in
            let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            return object?["n"] as? Int ?? -1
        }
        #expect(numbers.count == lineCount)
        #expect(numbers.elementsEqual(0..<lineCount))
        server.stop()
    }

    @Test func reconnectAfterServerRestart() throws {
        var server = try TestServer()
        let port = server.port
        let run = try InteractiveRun(["--no-redact", "-o", server.address, "--stats"])
        for index in 0..<100 { run.write(event(index) + "\n") }
        #expect(waitUntil(timeout: .seconds(30)) { server.lines.count == 100 })

        server.stop()
        // Written while the server is down: held in the buffer.
        for index in 100..<200 { run.write(event(index) + "\n") }
        usleep(300_000)
        server = try TestServer.restart(port: port)
        for index in 200..<300 { run.write(event(index) + "\n") }

        #expect(waitUntil(timeout: .seconds(30)) { server.lines.count >= 200 })
        let result = run.finish()
        #expect(result.exitStatus == 0)
        #expect(server.lines == (100..<300).map(event))
        #expect(result.errors.contains("reconnected to the output"))
        #expect(result.errors.contains("output reconnects: 1"))
        server.stop()
    }

    @Test func unreachablePeerReportsUndelivered() throws {
        // A port that nothing listens on: bound, then closed.
        let server = try TestServer()
        let address = server.address
        server.stop()

        let input = (0..<10).map { event($0) + "\n" }.joined()
        let result = try runLogsieve(["--no-redact", "-o", address, "--drain-timeout", "1"], input: .text(input))
        #expect(result.exitStatus == 1)
        #expect(result.errors.contains("10 event(s) could not be delivered to \(address)"))
    }

    /// SIGTERM while the peer does not read: after --drain-timeout, the
    /// events left are counted, and every other event reached the peer.
    @Test func stopCountsUndeliveredEvents() throws {
        let server = try TestServer(reading: false)
        let run = try InteractiveRun(["--no-redact", "--listen", "tcp://127.0.0.1:0", "-o", server.address,
                                      "--output-buffer-bytes", "64K", "--drain-timeout", "1", "--stats"])
        let port = try #require(run.listeningPort())
        let client = try TestClient(tcpPort: port)
        let descriptor = client.descriptor
        let senderDone = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            let writer = InputWriter(descriptor: descriptor)
            for index in 0..<100_000 {
                guard writer.write("{\"n\":\(index),\"pad\":\"\(String(repeating: "y", count: 200))\"}\n") else { break }
            }
            senderDone.signal()
        }
        // Let the buffers fill; what follows does not depend on how far.
        usleep(1_500_000)
        let result = run.terminate()
        senderDone.wait()
        client.close()

        #expect(result.exitStatus == 1)
        let undelivered = Int(result.errors.components(separatedBy: " event(s) could not be delivered").first?
            .split(separator: " ").last ?? "")
        let eventsIn = Int(result.errors.components(separatedBy: "stats: events: ").dropFirst().first?
            .prefix { $0.isNumber } ?? "")
        // Invalid records (the line cut off by the stop) are counted apart from events.
        let invalid = Int(result.errors.components(separatedBy: "stats: invalid records: ").dropFirst().first?
            .prefix { $0.isNumber } ?? "")
        let undeliveredCount = try #require(undelivered)
        let eventsInCount = try #require(eventsIn) + (try #require(invalid))
        #expect(undeliveredCount > 0)

        server.setReading(true)
        let delivered = eventsInCount - undeliveredCount
        #expect(waitUntil(timeout: .seconds(30)) { server.lines.count >= delivered })
        usleep(200_000)
        let lines = server.lines
        print("stop with a stalled peer: \(eventsInCount) records in, \(undeliveredCount) undelivered, \(lines.count) received")
        #expect(lines.count == delivered)
        // The client's line cut off by the stop, if it was delivered, is an
        // envelope at the end. Every other line arrived once, in order.
        let numbers = lines.compactMap { line -> Int? in
            let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            return object?["n"] as? Int
        }
        #expect(numbers.count >= delivered - 1)
        #expect(numbers.elementsEqual(0..<numbers.count))
        server.stop()
    }

    @Test func unixSocketOutput() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("out.sock")
        // A logsieve listening on a Unix socket is the peer of another one.
        let receiver = try InteractiveRun(["--no-redact", "--listen", "unix:" + path])
        #expect(receiver.waitForUnixListener())
        let input = (0..<20).map { event($0) + "\n" }.joined()
        let sender = try runLogsieve(["--no-redact", "-o", "unix:" + path], input: .text(input))
        #expect(sender.exitStatus == 0)
        #expect(receiver.readLines(20) == (0..<20).map(event))
        #expect(receiver.terminate().exitStatus == 0)
    }
}

/// A byte count shared between the feeding thread and the test.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0

    func add(_ amount: Int) { lock.withLock { count += amount } }
    var value: Int { lock.withLock { count } }
}
