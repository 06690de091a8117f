import CCrypto

/// The deployment key for fingerprints: at least 32 bytes.
public struct FingerprintKey: Sendable {
    public static let minimumLength = 32

    public let bytes: [UInt8]
    /// Whether the key was made at random for this run, so that fingerprints
    /// do not match those of any other run.
    public let isEphemeral: Bool

    public enum Failure: Error, Equatable {
        case tooShort(length: Int)
        case randomSourceFailed
    }

    public init(_ bytes: [UInt8]) throws(Failure) {
        guard bytes.count >= Self.minimumLength else { throw .tooShort(length: bytes.count) }
        self.bytes = bytes
        isEphemeral = false
    }

    private init(ephemeral bytes: [UInt8]) {
        self.bytes = bytes
        isEphemeral = true
    }

    /// Returns a random key from OpenSSL's CSPRNG.
    public static func random() throws(Failure) -> FingerprintKey {
        var bytes = [UInt8](repeating: 0, count: minimumLength)
        let status = bytes.withUnsafeMutableBufferPointer { RAND_bytes($0.baseAddress, Int32($0.count)) }
        guard status == 1 else { throw .randomSourceFailed }
        return FingerprintKey(ephemeral: bytes)
    }

    /// An identifier of the key that does not reveal it: the first 16 hex
    /// digits of SHA-256 over a fixed label and the key.
    public var identifier: String {
        var input = Array("logsieve key id\0".utf8)
        input += bytes
        var digest = [UInt8](repeating: 0, count: 32)
        _ = input.withUnsafeBufferPointer { source in
            digest.withUnsafeMutableBufferPointer { SHA256(source.baseAddress, source.count, $0.baseAddress) }
        }
        return Fingerprinter.hex(digest.prefix(8))
    }
}

/// Computes keyed fingerprints: HMAC-SHA-256 with the deployment key.
///
/// One instance per thread: it owns the precomputed key schedule, which
/// each fingerprint copies.
public final class Fingerprinter {
    private let keySchedule: UnsafeMutablePointer<logsieve_hmac_sha256_key>
    public let key: FingerprintKey
    /// The number of hex digits shown in a marker.
    public static let displayedDigits = 12

    public init(key: FingerprintKey) {
        self.key = key
        keySchedule = .allocate(capacity: 1)
        key.bytes.withUnsafeBufferPointer { logsieve_hmac_sha256_key_init(keySchedule, $0.baseAddress, $0.count) }
    }

    deinit {
        OPENSSL_cleanse(keySchedule, MemoryLayout<logsieve_hmac_sha256_key>.size)
        keySchedule.deallocate()
    }

    /// Returns the full 32-byte HMAC of `secret`.
    public func mac(_ secret: UnsafePointer<UInt8>, count: Int) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: 32)
        digest.withUnsafeMutableBufferPointer { computeMAC(secret, count: count, into: $0.baseAddress!) }
        return digest
    }

    /// Appends the displayed fingerprint (the first 12 hex digits) of `secret`.
    public func appendFingerprint(of secret: UnsafePointer<UInt8>, count: Int, to output: ByteBuffer) {
        var digest: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        withUnsafeMutableBytes(of: &digest) { raw in
            let bytes = raw.baseAddress!.assumingMemoryBound(to: UInt8.self)
            computeMAC(secret, count: count, into: bytes)
            let digits: StaticString = "0123456789abcdef"
            for index in 0..<(Self.displayedDigits / 2) {
                output.append(digits.utf8Start[Int(bytes[index] >> 4)])
                output.append(digits.utf8Start[Int(bytes[index] & 0xF)])
            }
        }
    }

    /// Appends the displayed fingerprint of `secret` and returns its full MAC.
    public func appendFingerprint(returningMACOf secret: UnsafePointer<UInt8>, count: Int, to output: ByteBuffer) -> SessionMAC {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 32) { digest in
            computeMAC(secret, count: count, into: digest.baseAddress!)
            let digits: StaticString = "0123456789abcdef"
            for index in 0..<(Self.displayedDigits / 2) {
                output.append(digits.utf8Start[Int(digest[index] >> 4)])
                output.append(digits.utf8Start[Int(digest[index] & 0xF)])
            }
            return SessionMAC(bytes: digest.baseAddress!)
        }
    }

    /// The full MAC of `secret`, as the enrich stage keys it.
    public func sessionMAC(_ secret: UnsafePointer<UInt8>, count: Int) -> SessionMAC {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 32) { digest in
            computeMAC(secret, count: count, into: digest.baseAddress!)
            return SessionMAC(bytes: digest.baseAddress!)
        }
    }

    private func computeMAC(_ secret: UnsafePointer<UInt8>, count: Int, into digest: UnsafeMutablePointer<UInt8>) {
        logsieve_hmac_sha256(keySchedule, secret, count, digest)
    }

    static func hex<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> String {
        let digits = Array("0123456789abcdef")
        var text = ""
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0xF)])
        }
        return text
    }
}
