import Glibc
import Synchronization

/// The stop signal (SIGTERM or SIGINT) that the process received, for a
/// graceful stop: reads waiting for input return `.interrupted`, and the
/// caller finishes the records it has read before it exits.
///
/// A second signal ends the process at once with status 128 + the signal,
/// as shells report it, for an operator who does not want to wait.
public enum StopSignal {
    private static let received = Atomic<Int32>(0)

    /// The signal received so far, or nil.
    public static var current: Int32? {
        let signal = received.load(ordering: .acquiring)
        return signal == 0 ? nil : signal
    }

    /// Installs the handler for `signals`. The handler is installed without
    /// `SA_RESTART`, so that a blocking `read` returns `EINTR` and the read
    /// path can see the request.
    public static func install(for signals: [Int32] = [SIGTERM, SIGINT]) {
        for signal in signals {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { signal in
                // Only async-signal-safe work here: one atomic exchange and _exit.
                let previous = StopSignal.received.exchange(signal, ordering: .acquiringAndReleasing)
                if previous != 0 { _exit(128 + signal) }
            }
            sigemptyset(&action.sa_mask)
            action.sa_flags = 0
            sigaction(signal, &action, nil)
        }
    }
}
