import Foundation
import Testing

@testable import LogsieveIO

/// The rate limit of the stalled-output warning, driven with explicit
/// times so that no test waits.
@Suite("StallWarning")
struct StallWarningTests {
    @Test("first report after the delay, then once per interval")
    func reportsAfterDelayThenPerInterval() {
        let start = Date()
        var warning = StallWarning(delay: 10, interval: 60, now: start)

        #expect(warning.secondsToReport(now: start.addingTimeInterval(9)) == nil)
        #expect(warning.secondsToReport(now: start.addingTimeInterval(10)) == 10)
        #expect(warning.secondsToReport(now: start.addingTimeInterval(30)) == nil)
        #expect(warning.secondsToReport(now: start.addingTimeInterval(69)) == nil)
        #expect(warning.secondsToReport(now: start.addingTimeInterval(70)) == 70)
        #expect(warning.secondsToReport(now: start.addingTimeInterval(131)) == 131)
    }

    @Test("progress restarts the delay")
    func progressRestartsDelay() {
        let start = Date()
        var warning = StallWarning(delay: 10, interval: 60, now: start)
        #expect(warning.secondsToReport(now: start.addingTimeInterval(15)) == 15)

        warning.progressed(now: start.addingTimeInterval(20))
        #expect(warning.secondsToReport(now: start.addingTimeInterval(29)) == nil)
        #expect(warning.secondsToReport(now: start.addingTimeInterval(30)) == 10)
    }
}
