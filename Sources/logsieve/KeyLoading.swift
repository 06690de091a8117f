import Foundation
import LogsieveCore

/// The sources of the fingerprint key, in order: `--key-file`,
/// `LOGSIEVE_HMAC_KEY_FILE`, `LOGSIEVE_HMAC_KEY`, else a random key for
/// this run.
enum KeyLoading {
    static let fileVariable = "LOGSIEVE_HMAC_KEY_FILE"
    static let valueVariable = "LOGSIEVE_HMAC_KEY"

    static func loadKey(keyFile: String?, environment: [String: String]) throws(UsageError) -> FingerprintKey {
        if let path = keyFile ?? environment[fileVariable].flatMap({ $0.isEmpty ? nil : $0 }) {
            return try readKeyFile(path)
        }
        if let value = environment[valueVariable], !value.isEmpty {
            do {
                return try FingerprintKey(Array(value.utf8))
            } catch {
                throw UsageError("\(valueVariable) is \(value.utf8.count) bytes long; a fingerprint key needs at least \(FingerprintKey.minimumLength) bytes")
            }
        }
        do {
            return try FingerprintKey.random()
        } catch {
            throw UsageError("no fingerprint key is configured and OpenSSL could not make a random one")
        }
    }

    /// Reads a key file: its bytes, without one trailing newline.
    private static func readKeyFile(_ path: String) throws(UsageError) -> FingerprintKey {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw UsageError("cannot read the key file \(path); create one with: head -c 32 /dev/urandom > \(path) && chmod 600 \(path)")
        }
        var bytes = [UInt8](data)
        if bytes.last == 0x0A { bytes.removeLast() }
        if bytes.last == 0x0D { bytes.removeLast() }
        if let attributes = try? FileManager.default.attributesOfItem(atPath: path),
           let permissions = attributes[.posixPermissions] as? Int, permissions & 0o077 != 0 {
            Diagnostics.warn("the key file \(path) is readable by other users (mode \(String(permissions, radix: 8))); chmod 600 it")
        }
        do {
            return try FingerprintKey(bytes)
        } catch {
            throw UsageError("the key file \(path) is \(bytes.count) bytes long; a fingerprint key needs at least \(FingerprintKey.minimumLength) bytes; create one with: head -c 32 /dev/urandom > \(path)")
        }
    }
}
