import Glibc
import Testing

@testable import LogsieveIO

@Suite("AtomicFile")
struct AtomicFileTests {
    @Test("write leaves only the file, with mode 0600")
    func writeNewFile() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("state.json")
        let content = Array(#"{"offset":42}"#.utf8)

        try AtomicFile.write(content, to: path)

        #expect(try readFile(path) == content)
        #expect(try permissions(path) == 0o600)
        #expect(try directory.contents() == ["state.json"])
    }

    @Test("write replaces a file and resets its mode")
    func replaceFile() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("state.json")
        try writeFile(path, Array("old content that is longer".utf8))
        #expect(chmod(path, 0o644) == 0)

        try AtomicFile.write(Array("new".utf8), to: path)

        #expect(try readFile(path) == Array("new".utf8))
        #expect(try permissions(path) == 0o600)
        #expect(try directory.contents() == ["state.json"])
    }

    @Test("write replaces a symlink, not its target")
    func replaceSymlink() throws {
        let directory = try TemporaryDirectory()
        let target = directory.file("target.json")
        let link = directory.file("link.json")
        try writeFile(target, Array("target".utf8))
        #expect(symlink(target, link) == 0)

        try AtomicFile.write(Array("new".utf8), to: link)

        #expect(try readFile(target) == Array("target".utf8))
        #expect(try readFile(link) == Array("new".utf8))
        var status = stat()
        #expect(lstat(link, &status) == 0)
        #expect(status.st_mode & S_IFMT == S_IFREG)
    }

    @Test("empty content writes an empty file")
    func emptyContent() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("empty")

        try AtomicFile.write([], to: path)

        #expect(try readFile(path) == [])
    }

    @Test("failed rename removes the temporary file")
    func failedRename() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("occupied")
        #expect(mkdir(path, 0o700) == 0)
        #expect(mkdir(path + "/child", 0o700) == 0)

        let error = #expect(throws: IOFailure.self) {
            try AtomicFile.write(Array("data".utf8), to: path)
        }
        #expect(error?.path == path)
        #expect(try directory.contents() == ["occupied"])
    }

    @Test("missing directory's message names the temporary path")
    func missingDirectory() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("absent/state.json")

        let error = #expect(throws: IOFailure.self) {
            try AtomicFile.write(Array("data".utf8), to: path)
        }
        #expect(error?.reason == .system(errno: ENOENT))
        #expect(error?.operation == "create")
        #expect(error?.path.hasPrefix(directory.file("absent/.state.json.tmp-")) == true)
    }
}
