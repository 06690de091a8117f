import Foundation
import Testing

@Suite("logsieve har streaming")
struct HARStreamingTests {
    /// Writes a HAR of about `bytes` bytes: one pretty-printed entry repeated.
    static func writeLargeHAR(to path: String, bytes: Int) throws {
        let entry = try String(decoding: JSONSerialization.data(withJSONObject: SyntheticHAR().entries[0], options: [.prettyPrinted]), as: UTF8.self)
        let block = Data(Array(repeating: entry, count: 1000).joined(separator: ",\n").utf8)
        _ = FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600])
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        handle.write(Data("{\"log\":{\"version\":\"1.2\",\"creator\":{\"name\":\"test\",\"version\":\"1\"},\"entries\":[\n".utf8))
        var written = 0
        var first = true
        while written < bytes {
            if !first { handle.write(Data(",\n".utf8)) }
            handle.write(block)
            written += block.count
            first = false
        }
        handle.write(Data("\n]}}\n".utf8))
    }

    @Test("200 MB HAR stays under 128 MB RSS")
    func boundedMemory() throws {
        guard let release = LogsieveBinary.release else {
            print("NOTICE: skipping the 200 MB HAR streaming test: build .build/release/logsieve with swift build -c release")
            return
        }
        if let sanitizer = Binaries.sanitizer {
            print("NOTICE: skipping the 200 MB HAR streaming test in the \(sanitizer) sanitizer run; the plain run covers it")
            return
        }
        let scratch = try ScratchDirectory()
        let input = scratch.path("large.har")
        try Self.writeLargeHAR(to: input, bytes: 200 << 20)
        // GNU time reports the peak RSS of this one child. RUSAGE_CHILDREN
        // would also count the children of tests that run in parallel.
        let time = URL(fileURLWithPath: "/usr/bin/time")
        guard FileManager.default.isExecutableFile(atPath: time.path) else {
            print("NOTICE: skipping the 200 MB HAR streaming test: GNU time is missing (apt-get install -y time)")
            return
        }
        let run = try LogsieveBinary.run(["-f", "peak-rss-kib=%M", release.path, "har", "-o", scratch.path("large.sanitized.har"), input],
                                         binary: time)
        #expect(run.status == 0, "\(run.standardError)")
        let line = try #require(run.standardError.split(separator: "\n").last { $0.hasPrefix("peak-rss-kib=") })
        let peakKiB = try #require(Int(line.dropFirst("peak-rss-kib=".count)))
        #expect(peakKiB < 128 * 1024, "peak RSS \(peakKiB) KiB")
        let check = try LogsieveBinary.run(["har", "--check", scratch.path("large.sanitized.har")], binary: release)
        #expect(check.status == 0)
    }
}
