/// The rule for the librdkafka property values that `config show` prints in clear.
///
/// The rule fails closed: a value is printed only when its property is in
/// `shownProperties`, a list of connection, tuning and diagnostic settings
/// that carry no credential. Every other property, including unknown ones
/// and new ones of a later librdkafka, is masked. Credentials hide in names
/// that no word rule catches (`sasl.oauthbearer.config` carries the token's
/// claims and extensions), and `sasl.username` is masked because some
/// providers use an API key as the user name. Paths to key and certificate
/// files and the token endpoint URL are masked too.
enum KafkaPropertyMasking {
    /// librdkafka 2.x property names (CONFIGURATION.md) whose values are
    /// shown. The README lists them in this order, and a test compares the two.
    static let shownProperties: Set<String> = [
        "bootstrap.servers", "metadata.broker.list", "client.id", "client.rack",
        "group.id", "group.instance.id", "transactional.id",
        "security.protocol", "sasl.mechanism", "sasl.mechanisms", "sasl.kerberos.service.name",
        "sasl.oauthbearer.method", "ssl.endpoint.identification.algorithm",
        "enable.ssl.certificate.verification",
        "acks", "request.required.acks", "enable.idempotence", "compression.type", "compression.codec",
        "linger.ms", "queue.buffering.max.ms", "queue.buffering.max.messages", "queue.buffering.max.kbytes",
        "batch.num.messages", "batch.size", "message.max.bytes", "message.timeout.ms", "request.timeout.ms",
        "retries", "message.send.max.retries", "retry.backoff.ms", "max.in.flight.requests.per.connection",
        "transaction.timeout.ms", "partitioner",
        "session.timeout.ms", "heartbeat.interval.ms", "max.poll.interval.ms", "auto.offset.reset",
        "enable.auto.commit", "auto.commit.interval.ms", "enable.auto.offset.store", "isolation.level",
        "partition.assignment.strategy", "fetch.min.bytes", "fetch.max.bytes", "fetch.wait.max.ms",
        "max.partition.fetch.bytes", "queued.min.messages", "queued.max.messages.kbytes",
        "allow.auto.create.topics", "topic.metadata.refresh.interval.ms",
        "socket.timeout.ms", "socket.keepalive.enable", "reconnect.backoff.ms", "reconnect.backoff.max.ms",
        "client.dns.lookup", "api.version.request", "broker.version.fallback",
        "statistics.interval.ms", "debug", "log_level",
    ]

    /// Returns whether `config show` masks the value of the property `name`.
    static func masks(_ name: String) -> Bool {
        !shownProperties.contains(name)
    }
}
