import CCrypto
import Testing
@testable import LogsieveCore

@Suite struct FingerprinterTests {
    private func hex(_ bytes: [UInt8]) -> String {
        bytes.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
    }

    /// RFC 4231 test case 6: a 131-byte key, longer than the SHA-256 block.
    @Test func longKeyKnownAnswer() throws {
        let key = try FingerprintKey([UInt8](repeating: 0xAA, count: 131))
        let message = Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8)
        let mac = Fingerprinter(key: key).mac(message, count: message.count)
        #expect(hex(mac) == "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")
    }

    /// The precomputed key schedule must give what OpenSSL's one-shot HMAC gives.
    @Test(arguments: [0, 1, 31, 55, 56, 63, 64, 65, 200, 5000])
    func matchesOpenSSLHMAC(length: Int) throws {
        let keyBytes = (0..<48).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
        let message = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 13 &+ 7) }
        let ours = Fingerprinter(key: try FingerprintKey(keyBytes)).mac(message.isEmpty ? [0] : message, count: length)
        var expected = [UInt8](repeating: 0, count: 32)
        var expectedLength: UInt32 = 0
        _ = keyBytes.withUnsafeBufferPointer { key in
            message.withUnsafeBufferPointer { data in
                HMAC(EVP_sha256(), key.baseAddress, Int32(key.count), data.baseAddress, data.count, &expected, &expectedLength)
            }
        }
        #expect(expectedLength == 32)
        #expect(ours == expected)
    }

    @Test func shortKeyRejected() {
        #expect(throws: FingerprintKey.Failure.tooShort(length: 31)) {
            try FingerprintKey([UInt8](repeating: 1, count: 31))
        }
    }

    @Test func keyIdentifierHidesKey() throws {
        let key = try FingerprintKey(Array("logsieve-test-key-0123456789abcdef".utf8))
        #expect(key.identifier.count == 16)
        #expect(key.identifier != (try FingerprintKey(Array("logsieve-test-key-0123456789abcdeF".utf8))).identifier)
    }
}
