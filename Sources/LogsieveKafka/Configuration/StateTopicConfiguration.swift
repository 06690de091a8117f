/// `--state-topic`: where each input partition's enrich state is
/// checkpointed, so that it follows the partition to another member of the
/// consumer group.
public struct StateTopicConfiguration: Sendable {
    /// A compacted topic with at least as many partitions as the input topic:
    /// input partition p checkpoints to state partition p.
    public var topic: String
    /// Seconds between checkpoints of every assigned partition; revocation
    /// and shutdown checkpoint too.
    public var checkpointInterval: Double = 30
    /// Seconds that restoring one partition (reading its state partition and
    /// replaying the input up to the committed offset) may take.
    ///
    /// NOTE: restores run inside the rebalance callback, one partition after
    /// another. Together they must finish within `max.poll.interval.ms`
    /// (librdkafka default 300 s), or the group drops the member.
    public var restoreTimeout: Double = 120

    public init(topic: String) {
        self.topic = topic
    }
}
