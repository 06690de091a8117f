/// The librdkafka properties that at-least-once delivery depends on.
///
/// The relay stores an input offset only after the delivery report of its
/// output message succeeded, and commits only stored offsets. A property
/// that lets librdkafka store or commit offsets on its own, or lets the
/// producer acknowledge before every in-sync replica has the message, would
/// break that promise, so a value other than the safe one is rejected
/// unless `--unsafe NAME` allows it.
public enum DeliveryGuard {
    struct Rule {
        /// The property names, aliases included.
        var names: [String]
        /// Values that keep the guarantee (compared lower-cased).
        var safeValues: Set<String>
        var reason: String
    }

    static let rules: [Rule] = [
        Rule(names: ["enable.auto.offset.store"], safeValues: ["false"],
             reason: "librdkafka would store an offset when the message is handed to logsieve, before its sanitized copy is delivered, so a crash would lose it"),
        Rule(names: ["enable.auto.commit", "auto.commit.enable"], safeValues: ["false"],
             reason: "logsieve commits the stored offsets itself, periodically and on revocation and shutdown, in step with delivery reports"),
        Rule(names: ["enable.idempotence"], safeValues: ["true"],
             reason: "without the idempotent producer a retried produce request can duplicate or reorder messages within a partition"),
        Rule(names: ["acks", "request.required.acks"], safeValues: ["all", "-1"],
             reason: "a delivery report with fewer acknowledgements can succeed for a message that a broker failure then loses, after its input offset was committed"),
    ]

    /// Property names that an `--unsafe` option may name.
    public static var guardedNames: [String] { rules.flatMap(\.names) }

    /// Rejects a guarded property with an unsafe value unless `allowed`
    /// names it. `source` says where the property came from.
    public static func check(_ properties: KafkaProperties, allowed: Set<String>) throws(KafkaError) {
        for (name, value) in properties.entries {
            guard let rule = rules.first(where: { $0.names.contains(name) }) else { continue }
            if rule.safeValues.contains(value.lowercased()) || rule.names.contains(where: allowed.contains) { continue }
            throw KafkaError("the property \(name)=\(value) breaks at-least-once delivery: \(rule.reason). Remove it, or pass --unsafe \(name) to accept the risk")
        }
        try checkAssignmentStrategy(properties["partition.assignment.strategy"])
    }

    /// Rejects a list that mixes the cooperative assignor with eager ones:
    /// librdkafka cannot run both protocols in one consumer, and the
    /// relay's revocation handling would not know which one is in use.
    static func checkAssignmentStrategy(_ value: String?) throws(KafkaError) {
        guard let value else { return }
        let assignors = value.split(separator: ",").map { $0.trimmed(of: " ") }
        let cooperative = assignors.filter { $0 == "cooperative-sticky" }
        if !cooperative.isEmpty && cooperative.count != assignors.count {
            throw KafkaError("partition.assignment.strategy=\(value) mixes cooperative-sticky with eager assignors; name either cooperative-sticky alone or eager ones (range, roundrobin)")
        }
    }

    /// Whether the consumer will use the cooperative rebalance protocol.
    static func usesCooperativeAssignor(_ properties: KafkaProperties) -> Bool {
        properties["partition.assignment.strategy"]?.contains("cooperative-sticky") ?? false
    }
}
