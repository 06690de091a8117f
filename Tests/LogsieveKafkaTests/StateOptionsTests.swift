import Foundation
import Testing

/// Usage errors of the `--key-by`, `--state-topic` and `--exactly-once`
/// options, which the binary reports before it connects to any broker.
@Suite struct StateOptionsTests {
    static let base = ["--brokers", "127.0.0.1:9", "--group", "g", "--from", "raw", "--to", "clean"]

    @Test(arguments: [
        (["--checkpoint-interval", "5"], "--checkpoint-interval and --restore-timeout need --state-topic TOPIC"),
        (["--restore-timeout", "0"], "--restore-timeout expects a positive number, not '0'"),
        (["--key-by", "actor.id"], "invalid --key-by path at column 1"),
        (["--instance-id", "pod-1"], "--instance-id needs --exactly-once"),
        (["--state-topic", "raw"], "the state topic raw must differ from the --from and --to topics"),
        (["--state-topic", "state", "-p", "redact"], "--state-topic needs the enrich stage in the pipeline"),
    ])
    func rejectsInvalidUse(extra: [String], message: String) throws {
        let relay = try RelayProcess(Self.base + extra)
        #expect(relay.waitForExit() == 2)
        #expect(relay.standardError.contains(message), "\(relay.standardError)")
    }
}
