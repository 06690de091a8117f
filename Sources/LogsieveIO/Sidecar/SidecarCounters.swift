import Foundation
import Synchronization

/// Counts of the sidecar inputs and outputs, for `--stats` and for a
/// metrics endpoint that reads them from another thread.
public struct SidecarCounters: Sendable, Equatable {
    /// Client connections open now.
    public var connectionsOpen = 0
    public var connectionsAccepted = 0
    public var connectionsClosed = 0
    /// Connections closed by `--idle-timeout`, also counted in `connectionsClosed`.
    public var connectionsTimedOut = 0
    /// Bytes read from client connections and followed files.
    public var bytesReceived = 0
    /// Bytes the output socket accepted.
    public var bytesSent = 0
    /// Successful connections of the output socket after the first.
    public var outputReconnects = 0
    /// Connection attempts of the output socket that failed.
    public var outputConnectFailures = 0
    /// Lines (events) the output socket handed to the kernel whole.
    public var linesDelivered = 0
    /// Rotations of followed files (renamed or truncated) that were detected.
    public var inputRotations = 0
    /// Partial lines of followed files discarded because their start was not read.
    public var inputFragmentsDiscarded = 0
    /// Rotations of the `-o FILE --rotate-bytes` output.
    public var outputRotations = 0

    public init() {}
}

/// The shared, lock-protected `SidecarCounters` of one run.
///
/// NOTE: an NSLock (a pthread mutex) rather than `Mutex`. ThreadSanitizer
/// reported the socket sink's thread and the main thread as racing inside
/// `Mutex.withLock`, probably because it does not model that futex.
public final class SidecarMetrics: @unchecked Sendable {
    private let lock = NSLock()
    private var counters = SidecarCounters()
    private let observer: (@Sendable (SidecarCounters) -> Void)?

    /// `observer` receives the counters after every update, such as a
    /// metrics registry that copies them, and once at the start.
    public init(observer: (@Sendable (SidecarCounters) -> Void)? = nil) {
        self.observer = observer
        observer?(SidecarCounters())
    }

    public func update(_ body: (inout SidecarCounters) -> Void) {
        lock.lock()
        body(&counters)
        let updated = counters
        lock.unlock()
        observer?(updated)
    }

    /// A copy of the counters at this moment.
    public var snapshot: SidecarCounters {
        lock.lock()
        defer { lock.unlock() }
        return counters
    }
}
