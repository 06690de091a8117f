/// The address of `--metrics tcp://ADDRESS:PORT`: an IPv4 address, an IPv6
/// address in brackets, `localhost`, or nothing for 127.0.0.1.
public struct ListenAddress: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: UInt16
    public var isIPv6: Bool { host.contains(":") }

    public init(host: String, port: UInt16) {
        self.host = host
        self.port = port
    }

    public struct ParseError: Error, Sendable {
        public let message: String
    }

    /// Parses `tcp://ADDRESS:PORT`. Host names other than `localhost` are
    /// rejected, so that no DNS lookup decides which interface is exposed.
    public static func parse(_ text: String) throws(ParseError) -> ListenAddress {
        guard text.hasPrefix("tcp://") else {
            throw ParseError(message: "expects tcp://ADDRESS:PORT, e.g. tcp://127.0.0.1:9464, not '\(text)'")
        }
        let rest = text.dropFirst("tcp://".count)
        var host: Substring
        var portText: Substring
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]"), rest[rest.index(after: close)...].hasPrefix(":") else {
                throw ParseError(message: "expects tcp://[IPV6]:PORT, not '\(text)'")
            }
            host = rest[rest.index(after: rest.startIndex)..<close]
            portText = rest[rest.index(close, offsetBy: 2)...]
        } else {
            guard let colon = rest.lastIndex(of: ":") else {
                throw ParseError(message: "expects tcp://ADDRESS:PORT with a port, not '\(text)'")
            }
            host = rest[..<colon]
            portText = rest[rest.index(after: colon)...]
        }
        guard let port = UInt16(portText) else {
            throw ParseError(message: "expects a port from 0 to 65535 in '\(text)'")
        }
        if host.isEmpty || host == "localhost" { host = "127.0.0.1" }
        let address = ListenAddress(host: String(host), port: port)
        guard SocketAddress(address) != nil else {
            throw ParseError(message: "expects a numeric IPv4 or [IPv6] address or localhost in '\(text)'")
        }
        return address
    }

    public var description: String {
        isIPv6 ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}
