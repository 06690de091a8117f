import LogsieveIO
import LogsieveObservability

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

    /// Returns the bytes of the output that reached their destination: for a socket,
    /// what the kernel accepted; otherwise everything written.
    static func deliveredBytes(_ sink: ByteSink, written: Int) -> Int {
        (sink as? SocketSink)?.bytesDelivered ?? written
    }

    /// Creates the counters of a run. With `--metrics`, and when the run
    /// listens, follows or sends to a socket, they are copied into the
    /// metrics registry as they change.
    static func makeMetrics(options: FilterOptions, exportsMetrics: Bool) -> SidecarMetrics {
        let sendsToSocket = options.output.map { SocketAddress($0) != nil } ?? false
        guard exportsMetrics && (options.sidecar.usesEventLoop || sendsToSocket) else { return SidecarMetrics() }
        return SidecarMetrics { counters in
            MetricsRegistry.shared.update { updater in
                updater.set(.connectionsAccepted, to: counters.connectionsAccepted)
                updater.set(.connectionsOpen, to: counters.connectionsOpen)
                updater.set(.outputReconnects, to: counters.outputReconnects)
            }
        }
    }

    /// Prints the sidecar counters for `--stats`. With an output socket, a
    /// line reports how many events reached it, because the `events: … out`
    /// count includes events still buffered when the run ended.
    static func printStats(_ counters: SidecarCounters, socket: SocketSink?) {
        var lines = [
            "connections: \(counters.connectionsAccepted) accepted, \(counters.connectionsClosed) closed (\(counters.connectionsTimedOut) idle), \(counters.connectionsOpen) open",
            "sidecar bytes: \(counters.bytesReceived) received, \(counters.bytesSent) sent to the output socket",
            "rotations: \(counters.inputRotations) of followed files, \(counters.outputRotations) of the output; output reconnects: \(counters.outputReconnects), failed connection attempts: \(counters.outputConnectFailures)",
            "followed files: \(counters.inputFragmentsDiscarded) partial line(s) discarded because their start was not read",
        ]
        if let socket {
            lines.append("output socket: \(counters.linesDelivered) event(s) delivered, \(socket.undeliveredLines) not delivered")
        }
        for line in lines { Diagnostics.report("stats: \(line)") }
    }
}

extension Diagnostics {
    /// Writes a line about the state of the process, such as the address it
    /// listens on, at any `--log-level`. It never contains event content.
    static func notice(_ message: String) {
        report(message)
    }
}
