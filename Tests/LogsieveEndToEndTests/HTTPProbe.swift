import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A response as curl received it.
struct HTTPProbeResponse {
    var status: Int
    var body: String
}

/// Requests to the `--metrics` endpoint of a running logsieve, with curl
/// as the HTTP client, and raw sockets for the misbehaving clients.
enum HTTPProbe {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Sends one request with curl and returns the status and body.
    static func request(port: UInt16, path: String, method: String = "GET") throws -> HTTPProbeResponse {
        guard let curl = Binaries.command(named: "curl") else {
            throw Failure(description: "curl is not installed; .ci/run installs it")
        }
        var arguments = ["--silent", "--show-error", "--max-time", "30", "--output", "-", "--write-out", "\n%{http_code}"]
        arguments += method == "HEAD" ? ["--head"] : ["--request", method]
        arguments.append("http://127.0.0.1:\(port)\(path)")
        let result = try runProgram(curl, arguments, timeout: .seconds(60))
        guard result.exitStatus == 0, let newline = result.output.lastIndex(of: "\n"),
              let status = Int(result.output[result.output.index(after: newline)...]) else {
            throw Failure(description: "curl \(path) failed: \(result.errors)")
        }
        return HTTPProbeResponse(status: status, body: String(result.output[..<newline]))
    }

    /// Waits until the log on stderr names the metrics address and returns its port.
    static func metricsPort(in errors: () -> String, timeout: Duration = .seconds(60)) throws -> UInt16 {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let text = errors()
            if let line = text.split(separator: "\n").first(where: { $0.contains("metrics endpoint listening") }),
               let range = line.range(of: "address=127.0.0.1:") {
                let digits = line[range.upperBound...].prefix { $0.isNumber }
                if let port = UInt16(digits) { return port }
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw Failure(description: "no 'metrics endpoint listening' line on stderr: \(errors())")
    }

    /// Polls `path` until `isDone` accepts the response, or `timeout` passes.
    static func waitFor(port: UInt16, path: String, timeout: Duration = .seconds(60),
                        until isDone: (HTTPProbeResponse) -> Bool) throws -> HTTPProbeResponse {
        let deadline = ContinuousClock.now + timeout
        var last = try request(port: port, path: path)
        while !isDone(last) && ContinuousClock.now < deadline {
            Thread.sleep(forTimeInterval: 0.1)
            last = try request(port: port, path: path)
        }
        return last
    }

    /// Opens a TCP connection to 127.0.0.1 and returns its descriptor.
    static func connect(port: UInt16) throws -> Int32 {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw Failure(description: "socket failed") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else {
            close(descriptor)
            throw Failure(description: "connect to port \(port) failed: \(String(cString: strerror(errno)))")
        }
        var timeout = timeval(tv_sec: 30, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        return descriptor
    }

    /// Sends `bytes` on a raw connection and reads the response to the end.
    static func rawExchange(port: UInt16, sending bytes: [UInt8]) throws -> String {
        let descriptor = try connect(port: port)
        defer { close(descriptor) }
        _ = bytes.withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        return readToEnd(descriptor)
    }

    static func readToEnd(_ descriptor: Int32) -> String {
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { break }
            received += chunk[..<count]
        }
        return String(decoding: received, as: UTF8.self)
    }
}

/// The Prometheus text format 0.0.4, checked line by line.
struct ExpositionCheck {
    /// Samples by metric name and label set, e.g. `logsieve_redactions_total{kind="jwt"}`.
    var samples: [String: Double] = [:]
    var problems: [String] = []

    private let sampleLine = try! Regex(
        #"^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\\n]|\\["\\n])*",?)*\})? (-?[0-9.eE+-]+|NaN|[+-]Inf)$"#)
    private let helpLine = try! Regex(#"^# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) .+$"#)
    private let typeLine = try! Regex(#"^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$"#)

    init(_ text: String) {
        var help: Set<String> = []
        var types: [String: String] = [:]
        guard text.hasSuffix("\n") else {
            problems.append("the exposition does not end with a newline")
            return
        }
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).dropLast() {
            let line = String(line)
            if let match = line.wholeMatch(of: helpLine) {
                help.insert(String(match.output[1].substring!))
            } else if let match = line.wholeMatch(of: typeLine) {
                let name = String(match.output[1].substring!)
                guard help.contains(name) else {
                    problems.append("TYPE before HELP for \(name)")
                    continue
                }
                types[name] = String(match.output[2].substring!)
            } else if let match = line.wholeMatch(of: sampleLine) {
                let name = String(match.output[1].substring!)
                guard let type = types[name] else {
                    problems.append("sample without HELP and TYPE: \(line)")
                    continue
                }
                if type == "counter" && !name.hasSuffix("_total") { problems.append("counter without _total: \(name)") }
                let valueText = line[line.index(after: line.lastIndex(of: " ")!)...]
                samples[String(line[..<line.lastIndex(of: " ")!])] = Double(valueText)
            } else {
                problems.append("not in the text format: \(line)")
            }
        }
    }
}
