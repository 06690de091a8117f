import Foundation
import Testing

/// `--config`, `config check` and `config show` through the real binary.
@Suite("Configuration file")
struct ConfigFileTests {
    @Test("example file is valid")
    func exampleFileValid() throws {
        let result = try runLogsieve(["config", "check", Binaries.packageRoot + "/pipelines/config/logsieve.yaml"])
        #expect(result.exitStatus == 0, "\(result.errors)")
    }

    @Test("YAML errors have line and column")
    func yamlErrors() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try directory.write("bad.yaml", """
            threads: 0
            redaction:
              redact_kyes: [x]
              jwt: keep-claims
              replace: {default: mask, pasword: remove}
              patterns:
                - {name: broken, regex: '(unclosed', kind: token}
            input:
              max_connections: 0

            """)
        let result = try runLogsieve(["config", "check", path])
        #expect(result.exitStatus == 1)
        #expect(result.errorLines == [
            "\(path):1:10: threads: --threads expects a number of threads from 1 to 256, not '0'",
            "\(path):3:3: unknown key 'redaction.redact_kyes'; did you mean 'redaction.redact_keys'?",
            "\(path):5:28: redaction.replace: unknown secret kind 'pasword'; kinds: default, \(allKindNames)",
            "\(path):7:29: pattern 'broken': invalid regular expression at offset 9: missing closing parenthesis",
            "\(path):9:20: input.max_connections: --max-connections expects a number from 1 to 65536, not '0'",
        ])
        #expect(result.output.isEmpty)
    }

    @Test("JSON errors have line and column")
    func jsonErrors() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let unknown = try directory.write("unknown.json", "{\n  \"threads\": 2,\n  \"redaction\": {\"jwt\": \"keep\"},\n  \"thread\": 1\n}\n")
        let result = try runLogsieve(["config", "check", unknown])
        #expect(result.exitStatus == 1)
        #expect(result.errorLines == [
            "\(unknown):3:24: redaction.jwt: --jwt expects redact or keep-claims, not 'keep'",
            "\(unknown):4:3: unknown key 'thread'; did you mean 'threads'?",
        ])

        let syntax = try directory.write("syntax.json", "{\n  \"threads\": 2\n  \"stats\": true\n}\n")
        let syntaxResult = try runLogsieve(["config", "check", syntax])
        #expect(syntaxResult.exitStatus == 1)
        #expect(syntaxResult.errorLines.count == 1)
        #expect(syntaxResult.errors.hasPrefix("\(syntax):3:"))

        let valid = try directory.write("valid.json", #"{"threads": 2, "redaction": {"redact_keys": ["x-api"], "replace": {"password": "mask"}}}"#)
        let validResult = try runLogsieve(["config", "check", valid])
        #expect(validResult.exitStatus == 0, "\(validResult.errors)")
    }

    @Test("check usage errors exit 2")
    func checkUsage() throws {
        #expect(try runLogsieve(["config", "check"]).exitStatus == 2)
        #expect(try runLogsieve(["config", "check", "a", "b"]).exitStatus == 2)
        #expect(try runLogsieve(["config", "frobnicate"]).exitStatus == 2)
        #expect(try runLogsieve(["config", "check", "/nonexistent/logsieve.yaml"]).exitStatus == 1)
    }

    @Test("invalid file stops the filter")
    func invalidFileStopsFilter() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try directory.write("bad.yaml", "redaction:\n  redact_key: [x]\n")
        let result = try runLogsieve(["--config", path], input: .text("{\"x\":\"1\"}\n"))
        #expect(result.exitStatus == 2)
        #expect(result.errors.contains("\(path):2:3: unknown key 'redaction.redact_key'"))
        #expect(result.output.isEmpty)
    }

    @Test("options override environment and file")
    func precedence() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try directory.write("c.yaml", "threads: 3\nredaction:\n  jwt: keep-claims\n  replace: mask\n")
        func shownValue(_ name: String, _ arguments: [String], _ environment: [String: String]) throws -> String? {
            let result = try runLogsieve(["config", "show"] + arguments, environment: environment)
            #expect(result.exitStatus == 0, "\(result.errors)")
            let prefix = name + ": "
            return result.outputLines.first { $0.trimmingCharacters(in: .whitespaces).hasPrefix(prefix) }?
                .trimmingCharacters(in: .whitespaces).dropFirst(prefix.count).description
        }
        #expect(try shownValue("threads", ["--config", path], [:]) == "3")
        #expect(try shownValue("threads", ["--config", path], ["LOGSIEVE_THREADS": "4"]) == "4")
        #expect(try shownValue("threads", ["--config", path, "--threads", "5"], ["LOGSIEVE_THREADS": "4"]) == "5")
        #expect(try shownValue("threads", [], ["LOGSIEVE_CONFIG": path]) == "3")
        #expect(try shownValue("jwt", ["--config", path], ["LOGSIEVE_JWT": "redact"]) == "redact")
        #expect(try shownValue("jwt", ["--config", path], [:]) == "keep-claims")

        // The same order decides what the filter writes.
        let event = "{\"password\":\"hunter2\"}\n"
        let fromFile = try runLogsieve(["--config", path], input: .text(event), environment: testKeyEnvironment)
        #expect(fromFile.output == "{\"password\":\"[REDACTED]\"}\n")
        let fromEnvironment = try runLogsieve(["--config", path], input: .text(event),
                                              environment: testKeyEnvironment.merging(["LOGSIEVE_REPLACE": "remove"]) { $1 })
        #expect(fromEnvironment.output == "{}\n")
        let fromCommandLine = try runLogsieve(["--config", path, "--replace", "fingerprint"], input: .text(event),
                                              environment: testKeyEnvironment.merging(["LOGSIEVE_REPLACE": "remove"]) { $1 })
        #expect(fromCommandLine.output == "{\"password\":\"[REDACTED:password]\"}\n")
    }

    @Test("invalid environment value is a usage error")
    func invalidEnvironmentValue() throws {
        let result = try runLogsieve([], input: .text("{}\n"), environment: testKeyEnvironment.merging(["LOGSIEVE_THREADS": "many"]) { $1 })
        #expect(result.exitStatus == 2)
        #expect(result.errors.contains("LOGSIEVE_THREADS: --threads expects"))
    }

    @Test("show masks secrets")
    func showMasksSecrets() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try directory.write("k.yaml", """
            kafka:
              group: relay
              properties:
                sasl.password: file-sasl-password-1
                ssl.key.password: file-key-password-2
                sasl.oauthbearer.client.secret: file-client-secret-3
                sasl.oauthbearer.config: "principal=admin extension_token=oauth-extension-6"
                sasl.jaas.config: jaas-config-secret-7
                sasl.username: api-key-as-user-8
                ssl.key.pem: pem-key-secret-9
                ssl.certificate.location: /secret/cert-path-10
                custom.unknown.property: unknown-value-11
                client.id: visible-client
                security.protocol: SASL_SSL

            """)
        let environment = [
            "LOGSIEVE_HMAC_KEY": "inline-hmac-key-material-0123456789abcdef",
            "LOGSIEVE_KAFKA_X_SSL_KEYSTORE_PASSWORD": "environment-keystore-password-4",
        ]
        let result = try runLogsieve(["config", "show", "--config", path], environment: environment)
        #expect(result.exitStatus == 0, "\(result.errors)")
        for secret in ["file-sasl-password-1", "file-key-password-2", "file-client-secret-3",
                       "inline-hmac-key-material", "environment-keystore-password-4", "oauth-extension-6",
                       "jaas-config-secret-7", "api-key-as-user-8", "pem-key-secret-9", "cert-path-10", "unknown-value-11"] {
            #expect(!result.output.contains(secret), "\(secret) is shown")
        }
        #expect(result.output.contains("\"sasl.password\": \"********\""))
        #expect(result.output.contains("\"ssl.keystore.password\": \"********\""))
        #expect(result.output.contains("\"sasl.oauthbearer.config\": \"********\""))
        #expect(result.output.contains("\"custom.unknown.property\": \"********\""))
        #expect(result.output.contains("\"client.id\": \"visible-client\""))
        #expect(result.output.contains("\"security.protocol\": \"SASL_SSL\""))

        // What show prints is a configuration file that check accepts.
        let shown = try directory.write("shown.yaml", result.output)
        let check = try runLogsieve(["config", "check", shown])
        #expect(check.exitStatus == 0, "\(check.errors)")
    }

    @Test("patterns redact through the binary")
    func patternsRedact() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try directory.write("p.yaml", """
            redaction:
              pattern_match_limit: 10000
              patterns:
                - {name: employee-id, regex: 'EMP-[0-9]{6}', kind: token, literal: EMP-}
                - {name: nested, regex: '^(a+)+$', kind: secret}

            """)
        let catastrophic = String(repeating: "a", count: 40) + "b"
        let input = "{\"note\":\"id EMP-123456\",\"x\":\"\(catastrophic)\",\"y\":\"EMP-12\"}\n"
        let result = try runLogsieve(["--config", path], input: .text(input))
        #expect(result.exitStatus == 0, "\(result.errors)")
        #expect(!result.output.contains("EMP-123456"))
        #expect(!result.output.contains(catastrophic))
        #expect(result.output.contains("\"x\":\"[REDACTED:secret]\""))
        #expect(result.output.contains("\"y\":\"EMP-12\""))

        let text = try runLogsieve(["--config", path, "--input-format", "text"], input: .text("user EMP-000111 logged in\n"))
        #expect(text.output.hasPrefix("user [REDACTED:token:"))
        #expect(text.output.hasSuffix("] logged in\n"))
    }

    @Test("replacement per kind from file")
    func replacementPerKind() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try directory.write("r.yaml", "redaction:\n  replace:\n    default: fingerprint\n    token: mask\n")
        let result = try runLogsieve(["--config", path], input: .text("{\"token\":\"abc123def456\",\"session_id\":\"s3ss10n-value\"}\n"))
        #expect(result.output.contains("\"token\":\"[REDACTED]\""))
        #expect(result.output.contains("\"session_id\":\"[REDACTED:session:"))
    }

    @Test("kafka reads its section")
    func kafkaSection() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        // The output topic is also an input: the relay rejects it before it
        // connects, which shows that group, from and to came from the file.
        let path = try directory.write("k.yaml", "kafka:\n  brokers: [127.0.0.1:1]\n  group: g\n  from: [raw, clean]\n  to: clean\n")
        let result = try runLogsieve(["kafka", "--config", path])
        #expect(result.exitStatus == 2)
        #expect(result.errors.contains("the output topic clean must not be one of the --from topics"))

        // LOGSIEVE_KAFKA_TO wins over the file, and -X over both.
        let overridden = try runLogsieve(["kafka", "--config", path, "-X", "enable.idempotence=false"],
                                         environment: testKeyEnvironment.merging(["LOGSIEVE_KAFKA_TO": "other"]) { $1 })
        #expect(!overridden.errors.contains("must not be one of the --from topics"))
        #expect(overridden.exitStatus == 2)
        #expect(overridden.errors.contains("enable.idempotence"))
    }
}

private let allKindNames = [
    "cookie", "authorization", "password", "secret", "private_key", "token", "api_key", "session", "saml", "bearer",
    "basic", "digest", "ssws", "jwt", "userinfo", "oauth_code", "oauth_state", "signature", "credential",
    "aws_access_key", "github_token", "gitlab_token", "slack_token", "slack_webhook", "google_oauth",
    "google_api_key", "stripe_key", "npm_token", "sendgrid_key", "openai_key", "anthropic_key", "pypi_token",
    "dockerhub_token", "shopify_token", "twilio_key", "mailgun_key", "heroku_key", "digitalocean_token",
].joined(separator: ", ")
