import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Edge cases of the sidecar inputs and outputs, each with the real binary:
/// a rewritten followed file, a resumed output file, a stop before any
/// input, a stalled output socket, the started line, readiness and rotation.
@Suite struct SidecarEdgeCaseTests {
    private func tokenEvent(_ number: Int) -> String {
        "{\"n\":\(number),\"token\":\"FOLLOWSECRET\(number)\"}"
    }

    /// Replaces the content of `path` in place (same inode), as
    /// `logrotate copytruncate` followed by a burst of writes does.
    private func rewriteInPlace(_ path: String, _ text: String) throws {
        let handle = try #require(FileHandle(forUpdatingAtPath: path))
        try handle.truncate(atOffset: 0)
        try handle.write(contentsOf: Data(text.utf8))
        try handle.close()
    }

    @Test func followTruncationThenRegrowth() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let log = try directory.write("app.log", (1...3).map { tokenEvent($0) + "\n" }.joined())

        let run = try InteractiveRun(["--follow", log])
        #expect(run.readLines(3).count == 3)

        // Shorter than before when truncated, but longer than the old
        // offset by the time logsieve looks again.
        try rewriteInPlace(log, (100..<120).map { tokenEvent($0) + "\n" }.joined())
        let lines = run.readLines(20)
        let result = run.terminate()

        #expect(result.exitStatus == 0, "\(result.errors)")
        #expect(lines.count == 20)
        let numbers = lines.compactMap { line -> Int? in
            let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            return object?["n"] as? Int
        }
        #expect(numbers == Array(100..<120))
        #expect(!lines.contains { $0.contains("SECRET") })
        #expect(!lines.contains { $0.contains("logsieve_invalid") })
    }

    /// The file was rewritten while logsieve was stopped, so the remembered
    /// offset falls inside a line: that fragment is discarded, never
    /// scanned as free text.
    @Test func resumeInsideLineDiscardsFragment() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let state = directory.file("state")
        let log = try directory.write("app.log", "{\"n\":1}\n{\"n\":2}\n")

        let first = try InteractiveRun(["--no-redact", "--follow", log, "--state-dir", state])
        #expect(first.readLines(2) == ["{\"n\":1}", "{\"n\":2}"])
        #expect(first.terminate().exitStatus == 0)

        // The saved offset is 16, and the byte before it is now inside the token value.
        try rewriteInPlace(log, "{\"token\":\"MIDLINESECRET\"}\n{\"n\":3}\n")
        let second = try InteractiveRun(["--follow", log, "--state-dir", state, "--stats"])
        #expect(second.readLines(1) == ["{\"n\":3}"])
        let result = second.terminate()

        #expect(result.exitStatus == 0, "\(result.errors)")
        #expect(result.outputLines == ["{\"n\":3}"])
        #expect(!result.output.contains("SECRET"))
        #expect(result.errors.contains("discarded a partial line of \(log)"))
        #expect(result.errors.contains("stats: followed files: 1 partial line(s) discarded"))
        #expect(!result.errors.contains("SECRET"))
    }

    @Test func followStateDirAppendsOutput() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let state = directory.file("state")
        let output = directory.file("out.ndjson")
        let log = try directory.write("app.log", "{\"n\":1}\n{\"n\":2}\n")
        let arguments = ["--no-redact", "--follow", log, "--state-dir", state, "-o", output]

        let first = try InteractiveRun(arguments)
        #expect(waitUntil(timeout: .seconds(30)) { (try? directory.read("out.ndjson").count) == 16 })
        #expect(first.terminate().exitStatus == 0)

        let handle = try #require(FileHandle(forWritingAtPath: log))
        handle.seekToEndOfFile()
        handle.write(Data("{\"n\":3}\n".utf8))
        handle.closeFile()
        let second = try InteractiveRun(arguments)
        #expect(waitUntil(timeout: .seconds(30)) { (try? directory.read("out.ndjson").count) == 24 })
        #expect(second.terminate().exitStatus == 0)

        let text = String(decoding: try directory.read("out.ndjson"), as: UTF8.self)
        #expect(RunResult.lines(of: text) == ["{\"n\":1}", "{\"n\":2}", "{\"n\":3}"])
        var status = stat()
        #expect(stat(output, &status) == 0)
        #expect(String(status.st_mode & 0o777, radix: 8) == "600")
    }

    /// SIGTERM (0) and SIGINT (130) while logsieve waits for the first byte
    /// of standard input or of a FIFO argument: a normal stop, no error.
    @Test(arguments: [(SIGTERM, Int32(0)), (SIGINT, Int32(130))])
    func stopBeforeFirstByte(signal: Int32, expected: Int32) throws {
        let run = try InteractiveRun(["--no-redact"])
        // Long enough for the binary to start and block in its first read.
        usleep(500_000)
        #expect(!run.child.hasExited(within: .milliseconds(1)))
        kill(run.child.pid, signal)
        let result = run.finish()
        #expect(result.exitStatus == expected, "\(result.errors)")
        #expect(!result.errors.contains("cannot read"))
        #expect(!result.errors.contains("error"))

        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let fifo = directory.file("input.fifo")
        #expect(mkfifo(fifo, 0o600) == 0)
        // Read and write: the test holds a writer end without blocking.
        let writer = open(fifo, O_RDWR)
        #expect(writer >= 0)
        defer { close(writer) }
        let fifoRun = try InteractiveRun(["--no-redact", fifo])
        usleep(500_000)
        #expect(!fifoRun.child.hasExited(within: .milliseconds(1)))
        kill(fifoRun.child.pid, signal)
        let fifoResult = fifoRun.finish()
        #expect(fifoResult.exitStatus == expected, "\(fifoResult.errors)")
        #expect(!fifoResult.errors.contains("cannot read"))

        // A FIFO that no process has opened for writing: open(2) itself waits.
        let idleFifo = directory.file("idle.fifo")
        #expect(mkfifo(idleFifo, 0o600) == 0)
        let idleRun = try InteractiveRun(["--no-redact", idleFifo])
        usleep(500_000)
        #expect(!idleRun.child.hasExited(within: .milliseconds(1)))
        kill(idleRun.child.pid, signal)
        let idleResult = idleRun.finish(timeout: .seconds(30))
        #expect(idleResult.exitStatus == expected, "\(idleResult.errors)")
        #expect(!idleResult.errors.contains("cannot open"))
    }

    /// A peer that accepts and never reads: a warning names the stall, and
    /// `--stats` counts delivered and undelivered events apart.
    @Test func stalledPeerWarnsAndCountsDelivered() throws {
        let server = try TestServer(reading: false)
        let run = try InteractiveRun(
            ["--no-redact", "-o", server.address, "--output-buffer-bytes", "64K", "--drain-timeout", "1", "--stats"],
            input: .generated { writer in
                for index in 0..<200_000 {
                    guard writer.write("{\"n\":\(index),\"pad\":\"\(String(repeating: "z", count: 200))\"}\n") else { return }
                }
            })
        // The first warning comes after 10 s without progress.
        let warned = waitUntil(timeout: .seconds(60)) { run.errorsSoFar.contains("has taken no bytes for") }
        let result = run.terminate()
        server.stop()

        #expect(warned)
        #expect(result.errors.contains("(connected, but the peer is not reading)"))
        #expect(result.exitStatus == 1)
        let eventsOut = try #require(Int(result.errors.components(separatedBy: "stats: events: ").dropFirst().first?
            .split(separator: " ").dropFirst(2).first ?? ""))
        let socketLine = try #require(result.errorLines.first { $0.contains("stats: output socket: ") })
        let match = try #require(socketLine.firstMatch(of: /(\d+) event\(s\) delivered, (\d+) not delivered/))
        let delivered = try #require(Int(match.1))
        let undelivered = try #require(Int(match.2))
        print("stalled peer: \(eventsOut) out, \(delivered) delivered, \(undelivered) undelivered")
        #expect(undelivered > 0)
        #expect(delivered < eventsOut)
        #expect(delivered + undelivered == eventsOut)
    }

    @Test func startedLineNamesSidecarInputs() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let log = try directory.write("app.log", "{\"n\":1}\n")

        let listen = try InteractiveRun(["--log-level", "info", "--listen", "tcp://127.0.0.1:0"])
        #expect(listen.listeningPort() != nil)
        let listenResult = listen.terminate()
        #expect(listenResult.errors.contains("inputs=tcp://127.0.0.1:0"), "\(listenResult.errors)")

        let follow = try InteractiveRun(["--log-level", "info", "--follow", log])
        #expect(follow.readLines(1).count == 1)
        let followResult = follow.terminate()
        #expect(followResult.errors.contains("inputs=\(log)"), "\(followResult.errors)")
    }

    @Test func followReadyAfterFirstBytes() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let log = directory.file("later.log")
        let run = try InteractiveRun(["--log-level", "info", "--metrics", "tcp://127.0.0.1:0", "--no-redact", "--follow", log])
        let port = try HTTPProbe.metricsPort(in: { run.errorsSoFar })
        #expect(waitUntil(timeout: .seconds(30)) { run.errorsSoFar.contains("does not exist yet") })

        let before = try HTTPProbe.request(port: port, path: "/readyz")
        #expect(before.status == 503)

        _ = try directory.write("later.log", "{\"a\":1}\n")
        #expect(run.readLine(timeout: .seconds(30)) == "{\"a\":1}")
        let after = try HTTPProbe.request(port: port, path: "/readyz")
        #expect(after.status == 200)
        #expect(run.terminate().exitStatus == 0)
    }

    @Test func rotationKeepsLongLineInFile() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let output = directory.file("o")
        let line = "{\"m\":\"" + String(repeating: "a", count: 5000) + "\"}"
        let result = try runLogsieve(["--no-redact", "--rotate-bytes", "1000", "-o", output], input: .text(line + "\n"))
        #expect(result.exitStatus == 0, "\(result.errors)")
        #expect(String(decoding: try directory.read("o"), as: UTF8.self) == line + "\n")
        #expect(!FileManager.default.fileExists(atPath: output + ".1"))

        // The next run writes a short line: the long one moves to o.1 first.
        let next = try runLogsieve(["--no-redact", "--rotate-bytes", "1000", "-o", output], input: .text("{\"b\":2}\n"))
        #expect(next.exitStatus == 0, "\(next.errors)")
        #expect(String(decoding: try directory.read("o"), as: UTF8.self) == "{\"b\":2}\n")
        #expect(String(decoding: try directory.read("o.1"), as: UTF8.self) == line + "\n")
    }
}
