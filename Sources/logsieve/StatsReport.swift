import Foundation
import LogsieveCore

/// The `--stats` summary on stderr: counts only, never content.
enum StatsReport {
    static func print(_ stats: ProcessingStats, counts: RedactionCounts, bytesOut: Int, seconds: Double) {
        let megabytes = Double(stats.bytesIn) / 1_000_000
        let rate = seconds > 0 ? megabytes / seconds : 0
        let eventRate = seconds > 0 ? Double(stats.eventsIn) / seconds : 0
        var lines = [
            "events: \(stats.eventsIn) in, \(stats.eventsOut) out, \(stats.eventsDropped) dropped by select",
            "invalid records: \(stats.invalidRecords) (\(stats.overlongRecords) over --max-line-bytes)",
            "bytes: \(stats.bytesIn) in, \(bytesOut) out",
            "time: \(format(seconds)) s, \(format(rate)) MB/s, \(Int(eventRate)) events/s",
        ]
        if let peak = peakResidentKilobytes() {
            lines.append("peak memory: \(peak) KiB resident")
        }
        if stats.splitMissing > 0 {
            lines.append("values without the --split path: \(stats.splitMissing)")
        }
        let byKind = SecretKind.allCases.filter { counts[$0] > 0 }.map { "\($0.name) \(counts[$0])" }
        lines.append("redactions: \(counts.total)" + (byKind.isEmpty ? "" : " (" + byKind.joined(separator: ", ") + ")"))
        for line in lines { Diagnostics.report("stats: \(line)") }
    }

    /// The enrich stage's counts, including evictions, so that an operator
    /// sees when `--max-sessions` or `--max-users` is too small.
    static func print(_ stats: EnrichmentStats) {
        let lines = [
            "enrich: \(stats.eventsRecognized) identity events, \(stats.eventsFlagged) flagged, \(stats.lateEvents) late, \(stats.eventsWithoutTime) without a timestamp",
            "enrich: \(stats.sessionsTracked) sessions and \(stats.usersTracked) users tracked; evicted at the limit: \(stats.sessionsEvicted) sessions, \(stats.usersEvicted) users; expired: \(stats.sessionsExpired) sessions, \(stats.usersExpired) users",
        ]
        for line in lines { Diagnostics.report("stats: \(line)") }
    }

    /// Returns the peak resident set size of this process (`VmHWM` in
    /// /proc/self/status), which, unlike `ru_maxrss`, does not include the
    /// memory of the process that spawned this one before `exec`.
    static func peakResidentKilobytes() -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            return Int(line.dropFirst(6).split(whereSeparator: { $0 == " " || $0 == "\t" }).first ?? "")
        }
        return nil
    }

    private static func format(_ value: Double) -> String {
        let rounded = (value * 100).rounded() / 100
        return String(rounded)
    }
}
