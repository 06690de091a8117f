import Foundation
import Testing

/// Where the fingerprint key comes from, and what a missing or short key
/// does.
@Suite struct FingerprintKeyTests {
    static let key = "fingerprint-key-for-e2e-tests-0123456789"
    static let keyWarning = "logsieve: warning: no fingerprint key configured"

    /// The event whose fingerprint the tests compare.
    static let event = #"{"authorization":"Bearer \#(SecretEvents.bearer)"}"# + "\n"

    @Test func keyGivesStableFingerprints() throws {
        let environment = ["LOGSIEVE_HMAC_KEY": Self.key]
        let first = try runLogsieve([SecretEvents.samplePath], environment: environment)
        let second = try runLogsieve([SecretEvents.samplePath], environment: environment)
        #expect(first.exitStatus == 0)
        #expect(first.errors.isEmpty)
        #expect(second.errors.isEmpty)
        #expect(first.output == second.output)
        #expect(first.output.contains("[REDACTED:bearer:"))

        let otherKey = try runLogsieve([SecretEvents.samplePath], environment: ["LOGSIEVE_HMAC_KEY": Self.key + "x"])
        #expect(otherKey.output != first.output)
    }

    @Test func keySourcesAgree() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let keyFile = try directory.write("hmac.key", Self.key + "\n")
        #expect(chmod(keyFile, 0o600) == 0)

        let fromValue = try runLogsieve([], input: .text(Self.event), environment: ["LOGSIEVE_HMAC_KEY": Self.key])
        let fromOption = try runLogsieve(["--key-file", keyFile], input: .text(Self.event), environment: [:])
        let fromFileVariable = try runLogsieve(
            [], input: .text(Self.event), environment: ["LOGSIEVE_HMAC_KEY_FILE": keyFile])
        for result in [fromValue, fromOption, fromFileVariable] {
            #expect(result.exitStatus == 0)
            #expect(result.errors.isEmpty, "\(result.errors)")
        }
        #expect(fromOption.output == fromValue.output)
        #expect(fromFileVariable.output == fromValue.output)
    }

    @Test func readableKeyFileWarns() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let keyFile = try directory.write("hmac.key", Self.key)
        #expect(chmod(keyFile, 0o644) == 0)

        let result = try runLogsieve(["--key-file", keyFile], input: .text(Self.event), environment: [:])
        #expect(result.exitStatus == 0)
        #expect(result.outputLines.count == 1)
        #expect(result.errorLines.count == 1, "\(result.errors)")
        #expect(result.errorLines.first?.contains("readable by other users") == true, "\(result.errors)")
        #expect(result.errors.contains(keyFile))
        #expect(!result.errors.contains(Self.key))
    }

    /// The fingerprint is the first 12 hex digits of HMAC-SHA-256 over the
    /// credential, checked against OpenSSL's command-line tool.
    @Test(.enabled(if: Binaries.command(named: "openssl") != nil, "the openssl command is not installed"))
    func fingerprintIsHMACSHA256() throws {
        let result = try runLogsieve([], input: .text(Self.event), environment: ["LOGSIEVE_HMAC_KEY": Self.key])
        #expect(result.exitStatus == 0)

        let digest = try runProgram(
            Binaries.command(named: "openssl")!, ["dgst", "-sha256", "-hmac", Self.key],
            input: .text(SecretEvents.bearer))
        #expect(digest.exitStatus == 0)
        let hex = try #require(digest.output.split(separator: " ").last).prefix(12)
        #expect(result.outputLines == [#"{"authorization":"Bearer [REDACTED:bearer:\#(hex)]"}"#])
    }

    @Test func missingKeyWarnsOnce() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let first = try directory.write("first.ndjson", SecretEvents.ndjson)
        let second = try directory.write("second.ndjson", SecretEvents.ndjson)

        let result = try runLogsieve([first, second], environment: [:])
        #expect(result.exitStatus == 0)
        #expect(result.outputLines.count == 2 * SecretEvents.lineCount)
        #expect(result.errorLines.count == 1)
        #expect(result.errorLines.first?.hasPrefix(Self.keyWarning) == true, "\(result.errors)")

        // A random key per run: the same input gets other fingerprints.
        let again = try runLogsieve([first, second], environment: [:])
        #expect(again.output != result.output)
    }

    @Test func maskNeedsNoKey() throws {
        let result = try runLogsieve(["--replace", "mask"], input: .text(Self.event), environment: [:])
        #expect(result.exitStatus == 0)
        #expect(result.errors.isEmpty)
        #expect(result.outputLines == [#"{"authorization":"Bearer [REDACTED]"}"#])
    }

    @Test func shortKeyRejected() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let shortKey = String(repeating: "k", count: 31)
        let keyFile = try directory.write("short.key", shortKey + "\n")
        #expect(chmod(keyFile, 0o600) == 0)

        let runs = [
            (["LOGSIEVE_HMAC_KEY": shortKey], [String]()),
            (["LOGSIEVE_HMAC_KEY_FILE": keyFile], []),
            ([:], ["--key-file", keyFile]),
        ]
        for (environment, arguments) in runs {
            let result = try runLogsieve(arguments, input: .text(Self.event), environment: environment)
            #expect(result.exitStatus == 2, "\(environment) \(arguments)")
            #expect(result.standardOutput.isEmpty)
            #expect(result.errorLines.first?.contains("31 bytes") == true, "\(result.errors)")
            #expect(result.errorLines.first?.contains("at least 32") == true, "\(result.errors)")
            #expect(result.errorLines.last == CommandLineTests.helpPointer)
            #expect(!result.errors.contains(shortKey))
        }
    }
}
