import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `--listen`: NDJSON from many clients over TCP and Unix sockets.
@Suite struct ListenTests {
    @Test func concurrentClientsWithOneStalled() throws {
        let run = try InteractiveRun(["--no-redact", "--listen", "tcp://127.0.0.1:0", "--stats"])
        let port = try #require(run.listeningPort())

        // One client stops in the middle of a line and stays connected.
        let stalled = try TestClient(tcpPort: port)
        #expect(stalled.send("{\"client\":\"stalled\",\"n\":0}\n{\"client\":\"stalled\",\"n\":"))

        let clientCount = 16
        let linesPerClient = 500
        DispatchQueue.concurrentPerform(iterations: clientCount) { client in
            guard let connection = try? TestClient(tcpPort: port) else { return }
            for line in 0..<linesPerClient {
                // Lines go out in pieces, so that reads cut them anywhere.
                let text = "{\"client\":\(client),\"n\":\(line),\"pad\":\"\(String(repeating: "x", count: line % 97))\"}\n"
                let cut = text.index(text.startIndex, offsetBy: text.count / 2)
                connection.send(String(text[..<cut]))
                connection.send(String(text[cut...]))
            }
            connection.close()
        }

        // Every line of the other clients arrives while the stalled one is open.
        let expected = clientCount * linesPerClient + 1
        let lines = run.readLines(expected, timeout: .seconds(60))
        #expect(lines.count == expected)
        var seen: [Int: [Int]] = [:]
        for line in lines {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            if let client = object["client"] as? Int, let number = object["n"] as? Int {
                seen[client, default: []].append(number)
            }
        }
        for client in 0..<clientCount {
            // Per connection, lines stay whole and in order.
            #expect(seen[client] == Array(0..<linesPerClient), "client \(client)")
        }

        // At the stop, the stalled client's partial line is its final record.
        let result = run.terminate()
        #expect(result.exitStatus == 0)
        let tail = RunResult.lines(of: result.output)
        #expect(tail.last?.hasPrefix("{\"logsieve_invalid\"") == true)
        #expect(result.errors.contains("connections: \(clientCount + 1) accepted, \(clientCount + 1) closed"))
    }

    @Test func maxConnectionsDefersAccept() throws {
        let run = try InteractiveRun(["--no-redact", "--listen", "tcp://127.0.0.1:0", "--max-connections", "2", "--stats"])
        let port = try #require(run.listeningPort())
        let first = try TestClient(tcpPort: port)
        let second = try TestClient(tcpPort: port)
        #expect(first.send("{\"c\":1}\n"))
        #expect(second.send("{\"c\":2}\n"))
        #expect(Set(run.readLines(2)) == ["{\"c\":1}", "{\"c\":2}"])

        // The third client waits in the backlog: a line it sent first comes
        // out only after a line the second client sent later.
        let third = try TestClient(tcpPort: port)
        #expect(third.send("{\"c\":3}\n"))
        // Without the limit, logsieve would read the third client's line
        // in this pause. With it, no wait can make that line come first.
        usleep(300_000)
        #expect(second.send("{\"c\":4}\n"))
        #expect(run.readLines(1) == ["{\"c\":4}"])
        first.close()
        #expect(run.readLines(1) == ["{\"c\":3}"])

        let result = run.terminate()
        #expect(result.exitStatus == 0)
        #expect(result.errors.contains("connections: 3 accepted"))
    }

    @Test func connectionMetricsExported() throws {
        let run = try InteractiveRun(["--no-redact", "--listen", "tcp://127.0.0.1:0", "--metrics", "tcp://127.0.0.1:0",
                                      "--log-level", "info"])
        let port = try #require(run.listeningPort())
        let metricsPort = try HTTPProbe.metricsPort(in: { run.errorsSoFar })
        let first = try TestClient(tcpPort: port)
        let second = try TestClient(tcpPort: port)
        #expect(first.send("{\"c\":1}\n"))
        #expect(second.send("{\"c\":2}\n"))
        #expect(run.readLines(2).count == 2)
        first.close()

        let response = try HTTPProbe.waitFor(port: metricsPort, path: "/metrics") { response in
            ExpositionCheck(response.body).samples["logsieve_connections_open"] == 1
        }
        let samples = ExpositionCheck(response.body).samples
        #expect(samples["logsieve_connections_accepted_total"] == 2)
        #expect(samples["logsieve_connections_open"] == 1)
        #expect(samples["logsieve_output_reconnects_total"] == 0)
        second.close()
        #expect(run.terminate().exitStatus == 0)
    }

    @Test func idleTimeoutClosesSilentClient() throws {
        let run = try InteractiveRun(["--no-redact", "--listen", "tcp://127.0.0.1:0", "--idle-timeout", "0.5", "--stats"])
        let port = try #require(run.listeningPort())
        let silent = try TestClient(tcpPort: port)
        let active = try TestClient(tcpPort: port)
        #expect(active.send("{\"a\":1}\n"))
        #expect(run.readLines(1) == ["{\"a\":1}"])

        #expect(silent.seesEndOfStream(timeout: .seconds(30)))
        #expect(active.seesEndOfStream(timeout: .seconds(30)))
        let result = run.terminate()
        #expect(result.exitStatus == 0)
        #expect(result.errors.contains("2 closed (2 idle)"))
    }

    @Test func unixSocketInput() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("in.sock")
        // A stale socket file, left by a process that is gone.
        let stale = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            for (index, byte) in path.utf8.enumerated() { buffer[index] = byte }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(stale, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        #expect(bound == 0)
        close(stale)

        let run = try InteractiveRun(["--listen", "unix:" + path])
        #expect(run.waitForUnixListener())
        var status = stat()
        #expect(lstat(path, &status) == 0)
        #expect(String(status.st_mode & 0o777, radix: 8) == "600")

        let client = try TestClient(unixPath: path)
        #expect(client.send("{\"Authorization\":\"Bearer abcdefghijklmnopqrstuvwxyz0123456789\"}\n"))
        let line = run.readLine(timeout: .seconds(30))
        #expect(line?.contains("[REDACTED:bearer:") == true)
        #expect(line?.contains("abcdefghijklmnopqrstuvwxyz0123456789") == false)

        // A second logsieve must not take over the socket of a live one.
        let second = try runLogsieve(["--listen", "unix:" + path])
        #expect(second.exitStatus == 1)
        #expect(second.errors.contains("another process listens on it"))

        client.close()
        let result = run.terminate()
        #expect(result.exitStatus == 0)
        // The socket file is removed at the stop.
        #expect(lstat(path, &status) == -1)
    }

    @Test func socketModeOption() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("in.sock")
        let run = try InteractiveRun(["--listen", "unix:" + path, "--socket-mode", "660"])
        #expect(run.waitForUnixListener())
        var status = stat()
        #expect(lstat(path, &status) == 0)
        #expect(String(status.st_mode & 0o777, radix: 8) == "660")
        #expect(run.terminate().exitStatus == 0)
    }

    @Test func overlongLineOnConnection() throws {
        let run = try InteractiveRun(["--no-redact", "--listen", "tcp://127.0.0.1:0", "--max-line-bytes", "1K"])
        let port = try #require(run.listeningPort())
        let client = try TestClient(tcpPort: port)
        #expect(client.send("{\"big\":\"" + String(repeating: "a", count: 100_000) + "\"}\n{\"after\":1}\n"))
        let lines = run.readLines(2)
        #expect(lines.count == 2)
        #expect(lines.first?.contains("\"text\":null") == true)
        #expect(lines.last == "{\"after\":1}")
        let result = run.terminate()
        #expect(result.exitStatus == 0)
    }

    /// Vector's `socket` sink with `mode = "tcp"`,
    /// `framing.method = "newline_delimited"` and `encoding.codec = "json"`
    /// (vector.dev, socket sink reference) writes each event as a JSON
    /// object and a newline on one connection. Here the stream is written
    /// in pieces of varying size, so that a write may end anywhere in an event.
    @Test func vectorSocketSinkFraming() throws {
        let run = try InteractiveRun(["--listen", "tcp://127.0.0.1:0"])
        let port = try #require(run.listeningPort())
        let events = (0..<50).map { index in
            "{\"host\":\"web-1\",\"message\":\"GET /login?token=tok\(index)secretvalue HTTP/1.1\",\"source_type\":\"file\",\"timestamp\":\"2026-01-01T00:00:\(String(format: "%02d", index % 60)).000000Z\"}\n"
        }
        let stream = events.joined()
        let connection = try TestClient(tcpPort: port)
        var offset = stream.startIndex
        var size = 1
        while offset < stream.endIndex {
            let end = stream.index(offset, offsetBy: size, limitedBy: stream.endIndex) ?? stream.endIndex
            #expect(connection.send(String(stream[offset..<end])))
            offset = end
            size = size % 173 + 7
        }
        let lines = run.readLines(events.count)
        #expect(lines.count == events.count)
        for (index, line) in lines.enumerated() {
            #expect(line.contains("\"host\":\"web-1\""))
            #expect(!line.contains("tok\(index)secretvalue"), "event \(index)")
        }
        connection.close()
        #expect(run.terminate().exitStatus == 0)
    }

    /// Fluent Bit's `tcp` output with `format json_lines` writes one JSON
    /// object per record, with the time under `date` as a double by default
    /// (Fluent Bit manual, TCP and TLS output: `json_date_key`,
    /// `json_date_format`). Each flush here uses a connection of its own.
    @Test func fluentBitTCPOutputFraming() throws {
        let run = try InteractiveRun(["--listen", "tcp://127.0.0.1:0"])
        let port = try #require(run.listeningPort())
        for flush in 0..<5 {
            let connection = try TestClient(tcpPort: port)
            var chunk = ""
            for record in 0..<10 {
                chunk += "{\"date\":1767225600.\(flush)\(record)5,\"log\":\"Cookie: sid=flush\(flush)record\(record)\",\"password\":\"hunter\(flush)\(record)\"}\n"
            }
            #expect(connection.send(chunk))
            connection.close()
        }
        let lines = run.readLines(50)
        #expect(lines.count == 50)
        for line in lines {
            #expect(line.contains("\"date\":1767225600."))
            #expect(line.contains("\"password\":\"[REDACTED:password]\""))
            #expect(!line.contains("hunter"))
        }
        #expect(run.terminate().exitStatus == 0)
    }
}
