import Foundation
import LogsieveObservability

/// The relay's health, readiness and metrics for `--metrics`.
///
/// Ready means connected and a member of the consumer group, whether or
/// not the group gave this member partitions: a group with more members
/// than partitions has idle members, and a rollout must not wait on them.
/// The relay calls `tick` once per loop, between batches.
public final class RelayMonitor {
    public let registry: MetricsRegistry
    public let health: HealthState
    /// Publishes the pipeline's counters (events, redactions, invalid
    /// records) after each loop, like the filter does after each batch.
    public var publishPipelineCounters: (() -> Void)?
    private var lastMembershipCheck = Date.distantPast
    private var isMember = false

    public init(registry: MetricsRegistry = .shared, health: HealthState = .shared) {
        self.registry = registry
        self.health = health
        health.setNotReady("not yet a member of the consumer group")
        registry.update { updater in
            for metric in [MetricName.kafkaMessagesConsumed, .kafkaMessagesDelivered, .kafkaDeliveryFailures,
                           .kafkaAssignedPartitions] {
                updater.set(metric, to: 0)
            }
            updater.clear(.kafkaConsumerLag)
        }
    }

    func tick(_ relay: KafkaRelay) {
        let now = Date()
        if now.timeIntervalSince(lastMembershipCheck) >= 1 {
            lastMembershipCheck = now
            updateMembership(memberID: relay.consumer.handle.memberID, relay: relay)
        }
        let summary = relay.summary
        let assigned = relay.states.reduce(0) { $0 + ($1.isAssigned ? 1 : 0) }
        registry.update { updater in
            updater.set(.kafkaMessagesConsumed, to: summary.consumed)
            updater.set(.kafkaMessagesDelivered, to: summary.delivered)
            updater.set(.kafkaAssignedPartitions, to: assigned)
        }
        publishPipelineCounters?()
    }

    /// A rebalance callback is proof of membership, even with no partitions.
    func didRebalance(_ relay: KafkaRelay) {
        updateMembership(memberID: relay.consumer.handle.memberID ?? "assigned", relay: relay)
    }

    func deliveryFailed() {
        registry.add(.kafkaDeliveryFailures)
    }

    func stopping() {
        health.setNotReady("leaving the consumer group")
    }

    private func updateMembership(memberID: String?, relay: KafkaRelay) {
        let member = memberID != nil
        guard member != isMember else { return }
        isMember = member
        if member {
            health.setReady()
            relay.log.info("joined the consumer group", [("kafka.member", memberID ?? "")])
        } else {
            health.setNotReady("not a member of the consumer group")
            relay.log.warning("no longer a member of the consumer group; librdkafka rejoins")
        }
    }

    /// Reads `consumer_lag` per partition from librdkafka's statistics JSON
    /// (`topics.<topic>.partitions.<n>.consumer_lag`; -1 when unknown,
    /// which is left out). Partitions missing from it are dropped.
    func recordStatistics(_ json: UnsafeBufferPointer<UInt8>, log: Logger) {
        guard let root = try? JSONSerialization.jsonObject(with: Data(buffer: json)) as? [String: Any],
              let topics = root["topics"] as? [String: Any] else {
            log.logLimited(.warning, "librdkafka statistics are not the expected JSON; consumer lag is not updated")
            return
        }
        var samples: [(String, String, Double)] = []
        for (topic, topicValue) in topics {
            guard let partitions = (topicValue as? [String: Any])?["partitions"] as? [String: Any] else { continue }
            for (partition, partitionValue) in partitions where partition != "-1" {
                guard let lag = (partitionValue as? [String: Any])?["consumer_lag"] as? Int, lag >= 0 else { continue }
                samples.append((topic, partition, Double(lag)))
            }
        }
        registry.update { updater in
            updater.clear(.kafkaConsumerLag)
            for (topic, partition, lag) in samples {
                updater.set(.kafkaConsumerLag, [("topic", topic), ("partition", partition)], to: lag)
            }
        }
    }
}
