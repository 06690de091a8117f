#if canImport(Glibc)
import Glibc
#endif

/// The request line of an HTTP/1.x request; headers are read and ignored.
struct HTTPRequest {
    /// Requests are a request line and a few headers; anything longer is rejected.
    static let maxBytes = 8192

    var method: String
    /// The target without its query string.
    var path: String

    struct Failure: Error {
        /// The response status, or nil when the client sent nothing.
        var status: Int?
        var reason: String
    }

    /// Reads up to the blank line that ends the headers, within
    /// `maxBytes` and the socket's receive timeout.
    static func read(from connection: Int32) -> Result<HTTPRequest, Failure> {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 2048)
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(connection, $0.baseAddress, $0.count, 0) }
            if count < 0 && errno == EINTR { continue }
            if count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                return .failure(Failure(status: 408, reason: "request timed out"))
            }
            if count <= 0 {
                return .failure(Failure(status: bytes.isEmpty ? nil : 400, reason: "connection closed inside the request"))
            }
            bytes += chunk[..<count]
            if let end = headerEnd(bytes) { return parse(Array(bytes[..<end])) }
            if bytes.count > maxBytes {
                return .failure(Failure(status: 431, reason: "request longer than \(maxBytes) bytes"))
            }
        }
    }

    private static func headerEnd(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 4 else { return nil }
        for index in 0...(bytes.count - 4)
        where bytes[index] == 13 && bytes[index + 1] == 10 && bytes[index + 2] == 13 && bytes[index + 3] == 10 {
            return index
        }
        // Some clients end lines with a bare LF.
        for index in 0...(bytes.count - 2) where bytes[index] == 10 && bytes[index + 1] == 10 {
            return index
        }
        return nil
    }

    static func parse(_ head: [UInt8]) -> Result<HTTPRequest, Failure> {
        let firstLine = head.split(separator: 10, maxSplits: 1, omittingEmptySubsequences: false).first ?? []
        let text = String(decoding: firstLine, as: UTF8.self).trimmingSuffix("\r")
        let parts = text.split(separator: " ", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[2].hasPrefix("HTTP/1."), parts[1].hasPrefix("/"),
              parts[0].allSatisfy({ $0.isUppercase }), !parts[0].isEmpty else {
            return .failure(Failure(status: 400, reason: "invalid request line"))
        }
        let target = parts[1]
        let path = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? target
        return .success(HTTPRequest(method: String(parts[0]), path: String(path)))
    }
}

/// A complete response with `Content-Length` and `Connection: close`.
struct HTTPResponse {
    var status: Int
    var body: String
    var contentType = "text/plain; charset=utf-8"
    var headers: [(String, String)] = []

    init(status: Int, body: String) {
        self.status = status
        self.body = body
    }

    func head() -> String {
        var text = "HTTP/1.1 \(status) \(Self.reasonPhrase(status))\r\n"
        text += "Content-Type: \(contentType)\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n"
        text += "Cache-Control: no-store\r\n"
        for (name, value) in headers { text += "\(name): \(value)\r\n" }
        return text + "\r\n"
    }

    static func reasonPhrase(_ status: Int) -> String {
        switch status {
        case 200: "OK"
        case 400: "Bad Request"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 408: "Request Timeout"
        case 431: "Request Header Fields Too Large"
        case 503: "Service Unavailable"
        default: "Status"
        }
    }
}

extension String {
    fileprivate func trimmingSuffix(_ suffix: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) : self
    }
}
