import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// SIGTERM and SIGINT handling for the relay: the first signal asks for a
/// graceful stop (finish the batch, flush, commit, leave the group); a
/// second one exits at once with status 128 + signal number.
public enum ShutdownSignals {
    private static let received = Atomic<Int>(0)

    /// Installs the handlers and unblocks the signals in the calling
    /// thread. Call once, before librdkafka starts its threads, so that
    /// they inherit the mask. A parent (a test runner, a shell) may have
    /// left them blocked, and a blocked SIGTERM would never arrive.
    public static func install() {
        var unblocked = sigset_t()
        sigemptyset(&unblocked)
        sigaddset(&unblocked, SIGTERM)
        sigaddset(&unblocked, SIGINT)
        pthread_sigmask(SIG_UNBLOCK, &unblocked, nil)
        for signalNumber in [SIGTERM, SIGINT] {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { signalNumber in
                // Only async-signal-safe work here: an atomic add and _exit.
                if ShutdownSignals.received.add(1, ordering: .relaxed).newValue > 1 {
                    _exit(128 + signalNumber)
                }
            }
            sigemptyset(&action.sa_mask)
            action.sa_flags = 0
            sigaction(signalNumber, &action, nil)
        }
    }

    /// Whether a stop was requested.
    public static var isStopRequested: Bool { received.load(ordering: .relaxed) > 0 }
}
