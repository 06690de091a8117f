import Testing
@testable import LogsieveCore

@Suite struct KeyRoleCacheTests {
    /// The key's bytes packed into a little-endian word, zero-padded: what
    /// the overlapping loads for keys shorter than 8 bytes must produce.
    private func packedBytes(_ key: [UInt8]) -> UInt64 {
        var word: UInt64 = 0
        for (index, byte) in key.prefix(8).enumerated() { word |= UInt64(byte) << (8 * UInt64(index)) }
        return word
    }

    @Test(arguments: 1...7)
    func shortKeyWordPacksBytes(length: Int) {
        // Distinct bytes, so that a byte in the wrong place changes the word.
        let key = (0..<length).map { UInt8(0x41 + $0 * 3) }
        let words = key.withUnsafeBufferPointer { KeyRoleCache.words($0.baseAddress!, count: length) }
        #expect(words.0 == packedBytes(key))
        #expect(words.1 == 0)
        #expect(words.2 == 0)
    }

    private func setIndex(_ key: String) -> Int {
        let bytes = Array(key.utf8)
        let words = bytes.withUnsafeBufferPointer { KeyRoleCache.words($0.baseAddress!, count: bytes.count) }
        return KeyRoleCache.setIndex(head: words.0, tail: words.2, count: bytes.count)
    }

    private func lookup(_ cache: KeyRoleCache, _ key: String) -> KeyRole? {
        let bytes = Array(key.utf8)
        return bytes.withUnsafeBufferPointer { cache.lookup($0.baseAddress!, count: bytes.count) }
    }

    private func store(_ cache: KeyRoleCache, _ key: String, _ role: KeyRole) {
        let bytes = Array(key.utf8)
        bytes.withUnsafeBufferPointer { cache.store($0.baseAddress!, count: bytes.count, role: role) }
    }

    @Test func setKeepsTwoKeysAndDropsOldest() throws {
        // Three keys that share a set, found by search.
        let first = "key0"
        let sameSet = (1..<100_000).lazy.map { "key\($0)" }.filter { setIndex($0) == setIndex(first) }
        let keys = [first] + Array(sameSet.prefix(2))
        try #require(keys.count == 3)

        let cache = KeyRoleCache()
        defer { cache.deallocate() }
        store(cache, keys[0], .pairName)
        store(cache, keys[1], .pairValue)
        #expect(lookup(cache, keys[0]) == .pairName)
        #expect(lookup(cache, keys[1]) == .pairValue)

        store(cache, keys[2], .cookieJar)
        #expect(lookup(cache, keys[0]) == nil)
        #expect(lookup(cache, keys[1]) == .pairValue)
        #expect(lookup(cache, keys[2]) == .cookieJar)
    }

    @Test func lookupReturnsStoredRoleOnly() {
        let cache = KeyRoleCache()
        defer { cache.deallocate() }
        let keys = ["a", "ab", "abc", "abcd", "abcde", "abcdef", "abcdefg", "pwd", "pwe", "token", "tokem"]
        for key in keys where key.hasPrefix("p") {
            let bytes = Array(key.utf8)
            bytes.withUnsafeBufferPointer { cache.store($0.baseAddress!, count: bytes.count, role: .pairName) }
        }
        for key in keys {
            let bytes = Array(key.utf8)
            let role = bytes.withUnsafeBufferPointer { cache.lookup($0.baseAddress!, count: bytes.count) }
            if key.hasPrefix("p") {
                #expect(role == .pairName, "\(key)")
            } else {
                #expect(role == nil, "\(key)")
            }
        }
    }
}
