import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `--follow FILE`: `tail -F` across rotation and truncation, and the
/// position remembered in `--state-dir`.
@Suite struct FollowTests {
    private func event(_ number: Int) -> String { "{\"n\":\(number)}" }

    private func append(_ text: String, to path: String) {
        let handle = FileHandle(forWritingAtPath: path)!
        handle.seekToEndOfFile()
        handle.write(Data(text.utf8))
        handle.closeFile()
    }

    @Test func followAcrossRotationAndTruncation() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let log = directory.file("app.log")
        try directory.write("app.log", (0..<5).map { event($0) + "\n" }.joined())

        let run = try InteractiveRun(["--no-redact", "--follow", log])
        #expect(run.readLines(5) == (0..<5).map(event))

        // A line written in two pieces comes out once, whole.
        append("{\"n\":", to: log)
        usleep(400_000)
        append("5}\n", to: log)
        #expect(run.readLines(1) == [event(5)])

        // Rotation: the old file gains a line and a partial last line after
        // the rename, and a new file appears at the path.
        #expect(rename(log, log + ".1") == 0)
        append(event(6) + "\n{\"n\":7", to: log + ".1")
        try directory.write("app.log", event(8) + "\n")
        let afterRotation = run.readLines(3)
        #expect(afterRotation.count == 3)
        #expect(afterRotation.first == event(6))
        // The partial line is the old file's final record: an envelope, scrubbed.
        #expect(afterRotation.dropFirst().first?.hasPrefix("{\"logsieve_invalid\"") == true)
        #expect(afterRotation.last == event(8))

        // Truncation in place (copytruncate), then new lines from the start.
        #expect(truncate(log, 0) == 0)
        usleep(400_000)
        append(event(9) + "\n" + event(10) + "\n", to: log)
        #expect(run.readLines(2) == [event(9), event(10)])

        let result = run.terminate()
        #expect(result.exitStatus == 0)
        #expect(result.standardOutput.isEmpty == false)
        #expect(result.errors.contains("following \(log) from its start"))
    }

    @Test func restartResumesFromPosition() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let log = directory.file("app.log")
        let state = directory.file("state")
        try directory.write("app.log", (0..<3).map { event($0) + "\n" }.joined() + "{\"n\":3")

        let first = try InteractiveRun(["--no-redact", "--follow", log, "--state-dir", state])
        #expect(first.readLines(3) == (0..<3).map(event))
        let firstResult = first.terminate()
        #expect(firstResult.exitStatus == 0)
        // The partial line was held back, not written, at the stop.
        #expect(RunResult.lines(of: firstResult.output).count == 3)

        var status = stat()
        let positionFiles = try FileManager.default.contentsOfDirectory(atPath: state)
        #expect(positionFiles.count == 1)
        #expect(stat(state + "/" + positionFiles[0], &status) == 0)
        #expect(String(status.st_mode & 0o777, radix: 8) == "600")
        #expect(stat(state, &status) == 0)
        #expect(String(status.st_mode & 0o777, radix: 8) == "700")

        // While stopped: the partial line completes and more lines arrive.
        append("}\n" + event(4) + "\n", to: log)
        let second = try InteractiveRun(["--no-redact", "--follow", log, "--state-dir", state])
        #expect(second.readLines(2) == [event(3), event(4)])
        let secondResult = second.terminate()
        #expect(secondResult.exitStatus == 0)
        #expect(secondResult.errors.contains("from the remembered position"))
        #expect(RunResult.lines(of: secondResult.output) == [event(3), event(4)])
    }

    @Test func restartAfterRotationWhileStopped() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let log = directory.file("app.log")
        let state = directory.file("state")
        try directory.write("app.log", event(0) + "\n")

        let first = try InteractiveRun(["--no-redact", "--follow", log, "--state-dir", state])
        #expect(first.readLines(1) == [event(0)])
        #expect(first.terminate().exitStatus == 0)

        // While logsieve is stopped, the file gets a line and is rotated.
        append(event(1) + "\n", to: log)
        #expect(rename(log, log + ".1") == 0)
        try directory.write("app.log", event(2) + "\n")

        let second = try InteractiveRun(["--no-redact", "--follow", log, "--state-dir", state])
        #expect(second.readLines(2) == [event(1), event(2)])
        let result = second.terminate()
        #expect(RunResult.lines(of: result.output) == [event(1), event(2)])
    }

    @Test func followRejectsFileArguments() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let log = try directory.write("app.log", event(0) + "\n")
        let result = try runLogsieve(["--follow", log, log])
        #expect(result.exitStatus == 2)
        #expect(result.errors.contains("--listen and --follow read no FILE arguments"))
    }
}
