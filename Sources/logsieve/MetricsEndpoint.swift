import Foundation
import LogsieveObservability

/// Starts the `--metrics` endpoint and the process-wide metrics.
enum MetricsEndpoint {
    /// Binds `address` and serves it on a thread of its own. The bound
    /// address is logged at info level, so `tcp://127.0.0.1:0` can be used.
    static func start(_ address: ListenAddress) throws -> MetricsServer {
        let registry = MetricsRegistry.shared
        registry.update { updater in
            updater.set(.startTime, to: Date().timeIntervalSince1970.rounded())
            updater.set(.buildInfo, [("version", Versions.logsieve)], to: 1)
        }
        let server: MetricsServer
        do {
            server = try MetricsServer(address: address, registry: registry, health: .shared, log: Diagnostics.log)
        } catch {
            throw RuntimeFailure(error.message)
        }
        server.start()
        Diagnostics.log.info("metrics endpoint listening", [("address", server.address.description),
                                                              ("endpoints", "/metrics,/healthz,/readyz")])
        return server
    }
}
