import Testing

@testable import LogsieveIO

/// Damaged compressed inputs, each of which must throw `.corruptInput`.
enum Damage: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case zstdMagicOnly
    case zstdTruncatedInHeader
    case zstdTruncatedInBlock
    case zstdTruncatedBeforeChecksum
    case zstdSecondFrameTruncated
    case zstdGarbageAfterMagic
    case zstdFlippedByte
    case zstdTrailingGarbage
    case gzipMagicOnly
    case gzipTruncatedInBlock
    case gzipTruncatedInTrailer
    case gzipSecondMemberTruncated
    case gzipFlippedChecksum
    case gzipUnknownMethod
    case gzipTrailingGarbage

    var testDescription: String { rawValue }

    /// True when the damage is a cut, so the error offset must be the file length.
    var isTruncation: Bool {
        switch self {
        case .zstdMagicOnly, .zstdTruncatedInHeader, .zstdTruncatedInBlock, .zstdTruncatedBeforeChecksum,
            .zstdSecondFrameTruncated, .gzipMagicOnly, .gzipTruncatedInBlock, .gzipTruncatedInTrailer,
            .gzipSecondMemberTruncated:
            return true
        default:
            return false
        }
    }

    func bytes() -> [UInt8] {
        let content = sampleNDJSON(byteCount: 200_000)
        let zstd = zstdFrame(content)
        let gzip = gzipMember(content)
        switch self {
        case .zstdMagicOnly:
            return [0x28, 0xB5, 0x2F, 0xFD]
        case .zstdTruncatedInHeader:
            return Array(zstd[..<6])
        case .zstdTruncatedInBlock:
            return Array(zstd[..<(zstd.count / 2)])
        case .zstdTruncatedBeforeChecksum:
            return Array(zstd.dropLast(4))
        case .zstdSecondFrameTruncated:
            return zstd + zstd[..<(zstd.count / 3)]
        case .zstdGarbageAfterMagic:
            return [0x28, 0xB5, 0x2F, 0xFD] + [UInt8](repeating: 0xFF, count: 64)
        case .zstdFlippedByte:
            var damaged = zstd
            damaged[damaged.count / 2] ^= 0x55
            return damaged
        case .zstdTrailingGarbage:
            return zstd + Array("not zstd".utf8)
        case .gzipMagicOnly:
            return [0x1F, 0x8B]
        case .gzipTruncatedInBlock:
            return Array(gzip[..<(gzip.count / 2)])
        case .gzipTruncatedInTrailer:
            return Array(gzip.dropLast(3))
        case .gzipSecondMemberTruncated:
            return gzip + gzip[..<(gzip.count / 3)]
        case .gzipFlippedChecksum:
            // The trailer is CRC-32 then ISIZE, 4 bytes each (RFC 1952, section 2.3.1).
            var damaged = gzip
            damaged[damaged.count - 8] ^= 0x01
            return damaged
        case .gzipUnknownMethod:
            var damaged = gzip
            damaged[2] = 7
            return damaged
        case .gzipTrailingGarbage:
            return gzip + Array("not gzip".utf8)
        }
    }
}

@Suite("Corrupt input")
struct CorruptInputTests {
    @Test("damaged compressed input throws", arguments: Damage.allCases)
    func damagedInput(damage: Damage) throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("damaged")
        let bytes = damage.bytes()
        try writeFile(path, bytes)

        let error = #expect(throws: IOFailure.self) {
            let source = try Inputs.open(path: path)
            defer { source.close() }
            _ = try readAll(source, bufferSize: 65_536)
        }
        guard case .corruptInput(let message)? = error?.reason else {
            Issue.record("expected .corruptInput, got \(String(describing: error))")
            return
        }
        #expect(error?.path == path)
        #expect(error?.operation == "decompress")
        #expect(message.contains("byte offset"))
        if damage.isTruncation {
            #expect(message.contains("offset \(bytes.count),"), "\(message)")
            #expect(message.contains("truncated"), "\(message)")
        }
    }

    @Test("corrupt input message is one line")
    func oneLineMessage() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("cut.zst")
        try writeFile(path, Damage.zstdTruncatedInBlock.bytes())

        let error = #expect(throws: IOFailure.self) {
            let source = try Inputs.open(path: path)
            defer { source.close() }
            _ = try readAll(source)
        }
        let description = error?.description ?? ""
        #expect(description.hasPrefix("cannot decompress \(path): the zstd stream ends inside a frame"))
        #expect(!description.contains("\n"))
    }
}
