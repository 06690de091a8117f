import LogsieveIO

/// Opens the filter's output: standard output or a file (`Outputs`), a
/// rotated file (`--rotate-bytes`) or a socket (`-o tcp://…`, `-o unix:…`).
enum SidecarOutput {
    static func open(
        path: String?, options: OutputOptions, sidecar: SidecarOptions, metrics: SidecarMetrics
    ) throws(IOFailure) -> ByteSink {
        if let path, let address = SocketAddress(path) {
            return SocketSink(address: address, capacity: sidecar.outputBufferBytes, drainTimeout: sidecar.drainTimeout,
                              metrics: metrics) { message in Diagnostics.warn(message) }
        }
        if let path, let rotateBytes = sidecar.rotateBytes {
            return try RotatingFileSink(path: path, maxBytes: rotateBytes, keep: sidecar.rotateKeep, options: options) {
                metrics.update { $0.outputRotations += 1 }
            }
        }
        return try Outputs.open(path: path, options: options)
    }

    /// Bytes of the output that reached their destination: for a socket,
    /// what the kernel accepted; otherwise everything written.
    static func deliveredBytes(_ sink: ByteSink, written: Int) -> Int {
        (sink as? SocketSink)?.bytesDelivered ?? written
    }

    /// Prints the sidecar counters for `--stats`.
    static func printStats(_ counters: SidecarCounters) {
        let lines = [
            "connections: \(counters.connectionsAccepted) accepted, \(counters.connectionsClosed) closed (\(counters.connectionsTimedOut) idle), \(counters.connectionsOpen) open",
            "sidecar bytes: \(counters.bytesReceived) received, \(counters.bytesSent) sent to the output socket",
            "rotations: \(counters.inputRotations) of followed files, \(counters.outputRotations) of the output; output reconnects: \(counters.outputReconnects)",
        ]
        for line in lines { Diagnostics.write("logsieve: stats: \(line)\n") }
    }
}

extension Diagnostics {
    /// Writes a line about the state of the process, such as the address it
    /// listens on, to stderr. It never contains event content.
    static func notice(_ message: String) {
        write("logsieve: \(message)\n")
    }
}
