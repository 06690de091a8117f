import Foundation
import Synchronization

/// Liveness and readiness for `/healthz` and `/readyz`.
///
/// The pipeline thread calls `beginWork()` before it processes a batch and
/// `endWork()` after, two atomic stores per batch. Waiting for input or
/// for the output to drain is not work: a pipeline that waits for a quiet
/// shipper, or behind a slow reader, is alive. It is wedged when one batch
/// has been in work for longer than `wedgedAfter` seconds.
public final class HealthState: Sendable {
    /// Milliseconds since the epoch when the current batch began, 0 when idle.
    private let workStartedMilliseconds = Atomic<Int64>(0)
    private let ready = Atomic<Bool>(false)
    /// The reason the process is not ready, for the `/readyz` body.
    private let notReadyReason = Mutex("starting")
    public let wedgedAfter: Double

    public static let shared = HealthState()

    // NOTE: 60 s is a guess at "far longer than any batch": the largest
    // batch is one --max-line-bytes record (32 MiB by default), which
    // takes well under a second to redact on current hardware.
    public init(wedgedAfter: Double = 60) {
        self.wedgedAfter = wedgedAfter
    }

    public func beginWork() {
        workStartedMilliseconds.store(Self.nowMilliseconds(), ordering: .relaxed)
    }

    public func endWork() {
        workStartedMilliseconds.store(0, ordering: .relaxed)
    }

    public func setReady() {
        ready.store(true, ordering: .releasing)
    }

    public func setNotReady(_ reason: String) {
        notReadyReason.withLock { $0 = reason }
        ready.store(false, ordering: .releasing)
    }

    public var isReady: Bool { ready.load(ordering: .acquiring) }

    public var reasonNotReady: String { notReadyReason.withLock { $0 } }

    /// Nil while alive, else why the pipeline counts as wedged.
    public func wedgedReason() -> String? {
        let started = workStartedMilliseconds.load(ordering: .relaxed)
        guard started != 0 else { return nil }
        let seconds = Double(Self.nowMilliseconds() - started) / 1000
        guard seconds > wedgedAfter else { return nil }
        return "the pipeline thread has been in one batch for \(Int(seconds)) s (limit \(Int(wedgedAfter)) s)"
    }

    static func nowMilliseconds() -> Int64 {
        Int64(Date().timeIntervalSince1970 * 1000)
    }
}
