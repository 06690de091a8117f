import Glibc
import Testing

@testable import LogsieveIO

@Suite("SocketAddress")
struct SocketAddressTests {
    @Test("parses TCP and Unix addresses", arguments: [
        ("tcp://127.0.0.1:9000", SocketAddress.tcp(host: "127.0.0.1", port: 9000)),
        ("tcp://[::1]:0", SocketAddress.tcp(host: "::1", port: 0)),
        ("tcp://logs.internal:514", SocketAddress.tcp(host: "logs.internal", port: 514)),
        ("unix:/run/in.sock", SocketAddress.unix(path: "/run/in.sock")),
        ("unix:///run/in.sock", SocketAddress.unix(path: "/run/in.sock")),
        ("unix:relative.sock", SocketAddress.unix(path: "relative.sock")),
    ])
    func parsesValid(text: String, expected: SocketAddress) {
        #expect(SocketAddress(text) == expected)
    }

    @Test("rejects anything else", arguments: [
        "127.0.0.1:9000", "tcp://127.0.0.1", "tcp://:9000", "tcp://127.0.0.1:65536", "tcp://127.0.0.1:x",
        "udp://127.0.0.1:9", "unix:", "out.ndjson", "unix:/" + String(repeating: "a", count: 120),
    ])
    func rejectsInvalid(text: String) {
        #expect(SocketAddress(text) == nil)
    }
}

@Suite("RotatingFileSink")
struct RotatingFileSinkTests {
    private func lines(_ range: Range<Int>, width: Int = 9) -> [UInt8] {
        Array(range.map { String(repeating: "a", count: width - 1 - String($0).count) + String($0) + "\n" }.joined().utf8)
    }

    @Test("rotates at line boundaries and keeps K files")
    func rotatesAtLineBoundaries() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("out")
        var rotations = 0
        let sink = try RotatingFileSink(path: path, maxBytes: 50, keep: 2, options: OutputOptions()) { rotations += 1 }
        // 20 lines of 9 bytes in writes of 4 lines: at most 5 lines (45 bytes) fit a file.
        for start in stride(from: 0, to: 20, by: 4) {
            try lines(start..<(start + 4)).withUnsafeBytes { try sink.write($0) }
        }
        try sink.close()

        #expect(rotations == 3)
        #expect(try readFile(path) == lines(15..<20))
        #expect(try readFile(path + ".1") == lines(10..<15))
        #expect(try readFile(path + ".2") == lines(5..<10))
        #expect(access(path + ".3", F_OK) == -1)
        for name in [path, path + ".1", path + ".2"] {
            #expect(try permissions(name) == 0o600)
        }
    }

    @Test("a line longer than the limit goes into a file of its own")
    func longLineAlone() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("out")
        let sink = try RotatingFileSink(path: path, maxBytes: 20, keep: 3, options: OutputOptions()) {}
        let long = Array((String(repeating: "x", count: 40) + "\n").utf8)
        try (lines(0..<1) + long + lines(1..<2)).withUnsafeBytes { try sink.write($0) }
        try sink.close()

        #expect(try readFile(path + ".2") == lines(0..<1))
        #expect(try readFile(path + ".1") == long)
        #expect(try readFile(path) == lines(1..<2))
    }

    @Test("rejects a symbolic link")
    func rejectsSymlink() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("out")
        #expect(symlink(directory.file("target"), path) == 0)
        #expect(throws: IOFailure.self) {
            _ = try RotatingFileSink(path: path, maxBytes: 100, keep: 1, options: OutputOptions()) {}
        }
        #expect(access(directory.file("target"), F_OK) == -1)
    }
}

@Suite("FollowPositionFile")
struct FollowPositionFileTests {
    @Test("round-trips a position with mode 0600")
    func roundTrip() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file(FollowPositionFile.fileName(for: "/var/log/app.log"))
        let position = FilePosition(device: 64_769, inode: 1_234_567, offset: 98_765_432_100)
        try FollowPositionFile.save(position, to: path)
        #expect(FollowPositionFile.load(path) == position)
        #expect(try permissions(path) == 0o600)
    }

    @Test("names differ for paths with the same base name")
    func distinctNames() {
        let first = FollowPositionFile.fileName(for: "/var/log/a/app.log")
        let second = FollowPositionFile.fileName(for: "/var/log/b/app.log")
        #expect(first != second)
        #expect(first.hasPrefix("follow-app.log-"))
    }

    @Test("an invalid file is ignored", arguments: [
        "", "logsieve-follow-position 2 1 2 3\n", "logsieve-follow-position 1 1 2\n", "logsieve-follow-position 1 1 2 -5\n",
        "garbage",
    ])
    func invalidIgnored(text: String) throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("position")
        try writeFile(path, Array(text.utf8))
        #expect(FollowPositionFile.load(path) == nil)
    }

    @Test("resumes at the offset only in the same file")
    func resumesOnlySameFile() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("app.log")
        try writeFile(path, Array("one\ntwo\n".utf8))
        var status = stat()
        #expect(stat(path, &status) == 0)
        let same = FollowedFile(path: path, resume: FilePosition(device: UInt64(status.st_dev), inode: UInt64(status.st_ino), offset: 4))
        #expect(same.openIfPresent())
        #expect(same.readOffset == 4)

        let other = FollowedFile(path: path, resume: FilePosition(device: UInt64(status.st_dev), inode: UInt64(status.st_ino) + 1, offset: 4))
        #expect(other.openIfPresent())
        #expect(other.readOffset == 0)

        // An offset past the end of the file (truncated while stopped) restarts at 0.
        let past = FollowedFile(path: path, resume: FilePosition(device: UInt64(status.st_dev), inode: UInt64(status.st_ino), offset: 100))
        #expect(past.openIfPresent())
        #expect(past.readOffset == 0)
    }
}
