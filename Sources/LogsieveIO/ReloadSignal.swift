import Glibc
import Synchronization

/// SIGHUP as a request to reload the configuration file. The handler only
/// sets a flag, and the filter and `logsieve kafka` take the request
/// between batches of input.
///
/// The handler is installed with `SA_RESTART`, so a read waiting for input
/// goes on waiting: a reload takes effect when the next input arrives.
public enum ReloadSignal {
    private static let requested = Atomic<Bool>(false)

    /// Installs the handler and unblocks SIGHUP in the calling thread,
    /// which a parent (a test runner) may have left blocked. Threads started
    /// later inherit the mask.
    public static func install() {
        var unblocked = sigset_t()
        sigemptyset(&unblocked)
        sigaddset(&unblocked, SIGHUP)
        pthread_sigmask(SIG_UNBLOCK, &unblocked, nil)
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in
            ReloadSignal.requested.store(true, ordering: .releasing)
        }
        sigemptyset(&action.sa_mask)
        action.sa_flags = SA_RESTART
        sigaction(SIGHUP, &action, nil)
    }

    /// Returns whether a reload was requested since the last call, and clears the request.
    public static func takeRequest() -> Bool {
        requested.exchange(false, ordering: .acquiringAndReleasing)
    }
}
