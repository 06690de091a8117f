import LogsieveIO

#if canImport(Glibc)
import Glibc
#endif

/// The options of the sidecar inputs and outputs: `--listen`, `--follow`,
/// output rotation and the output socket's buffer.
struct SidecarOptions {
    var listenAddresses: [SocketAddress] = []
    var followedFiles: [String] = []
    /// `--socket-mode`: permission bits of the Unix socket files `--listen` creates.
    var socketMode: mode_t = 0o600
    var maxConnections = 256
    /// `--idle-timeout`: seconds without a byte after which a client is closed.
    var idleTimeout = 300.0
    var rotateBytes: Int?
    var rotateKeep = 5
    /// `--output-buffer-bytes`: the most an output socket buffers before input pauses.
    var outputBufferBytes = 4 << 20
    /// `--drain-timeout`: seconds to wait at the end for the output socket's peer.
    var drainTimeout = 10.0

    /// Whether the input is read by the event loop instead of FILE arguments.
    var usesEventLoop: Bool { !listenAddresses.isEmpty || !followedFiles.isEmpty }

    /// The listen addresses and followed files, comma-separated, for log lines.
    var inputDescription: String {
        (listenAddresses.map(\.description) + followedFiles).joined(separator: ",")
    }

    /// Parses one sidecar option. Returns false if `name` is not one.
    mutating func parse(_ name: String, value: () throws(UsageError) -> String) throws(UsageError) -> Bool {
        switch name {
        case "--listen":
            let text = try value()
            guard let address = SocketAddress(text) else {
                throw UsageError("--listen expects tcp://HOST:PORT or unix:/path.sock, not '\(text)'")
            }
            listenAddresses.append(address)
        case "--follow":
            let path = try value()
            guard !path.isEmpty, path != "-" else { throw UsageError("--follow expects a file name") }
            followedFiles.append(path)
        case "--socket-mode":
            let text = try value()
            guard let mode = mode_t(text, radix: 8), mode <= 0o777 else {
                throw UsageError("--socket-mode expects octal permission bits such as 600 or 660, not '\(text)'")
            }
            socketMode = mode
        case "--max-connections":
            let text = try value()
            guard let count = Int(text), (1...65_536).contains(count) else {
                throw UsageError("--max-connections expects a number from 1 to 65536, not '\(text)'")
            }
            maxConnections = count
        case "--idle-timeout":
            idleTimeout = try Self.seconds(name, try value())
        case "--drain-timeout":
            drainTimeout = try Self.seconds(name, try value())
        case "--rotate-bytes":
            rotateBytes = try parseByteSize(try value(), option: name)
        case "--rotate-keep":
            let text = try value()
            guard let count = Int(text), (1...1000).contains(count) else {
                throw UsageError("--rotate-keep expects a number of files from 1 to 1000, not '\(text)'")
            }
            rotateKeep = count
        case "--output-buffer-bytes":
            outputBufferBytes = try parseByteSize(try value(), option: name)
        default:
            return false
        }
        return true
    }

    /// Checks the combinations that the option parser cannot see one by one.
    func validate(inputs: [String], output: String?) throws(UsageError) {
        if usesEventLoop && !inputs.isEmpty {
            throw UsageError("--listen and --follow read no FILE arguments (got '\(inputs[0])'); use --follow FILE")
        }
        if let output, SocketAddress.looksLikeSocket(output), SocketAddress(output) == nil {
            throw UsageError("-o expects tcp://HOST:PORT or unix:/path.sock for a socket, not '\(output)'")
        }
        if rotateBytes != nil {
            guard let output, output != "-", !SocketAddress.looksLikeSocket(output) else {
                throw UsageError("--rotate-bytes needs -o FILE")
            }
            if output.hasSuffix(".zst") {
                throw UsageError("--rotate-bytes does not support zstd output; name the output without .zst")
            }
        }
    }

    private static func seconds(_ option: String, _ text: String) throws(UsageError) -> Double {
        guard let value = Double(text), value > 0, value <= 86_400 * 365 else {
            throw UsageError("\(option) expects a number of seconds greater than 0, not '\(text)'")
        }
        return value
    }
}
