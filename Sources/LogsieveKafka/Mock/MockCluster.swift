import CRdKafka

/// librdkafka's in-process mock cluster: brokers that listen on 127.0.0.1
/// ports, for tests, the demo and the benchmark. It keeps about 5 MiB per
/// partition and supports no admin API, so topics are created here.
public final class MockCluster {
    /// Kafka protocol request types whose errors can be injected.
    public enum Request: Int16, Sendable {
        case produce = 0
        case fetch = 1
        case offsetCommit = 8
        case joinGroup = 11
        case heartbeat = 12
        case syncGroup = 14
        case addPartitionsToTxn = 24
        case endTxn = 26
    }

    /// Broker errors to inject, by their protocol names.
    public enum InjectedError: Sendable {
        case notLeaderForPartition
        case requestTimedOut
        case notEnoughReplicas
        case coordinatorNotAvailable
        case rebalanceInProgress
        /// A permanent produce error: the producer fails the messages
        /// instead of retrying them.
        case messageSizeTooLarge
        /// The broker drops the connection.
        case transport
        /// A transactional request is not authorized; the transaction must be aborted.
        case topicAuthorizationFailed
        /// No error: lets one request through before the next injected error.
        case none

        var code: rd_kafka_resp_err_t {
            switch self {
            case .notLeaderForPartition: RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION
            case .requestTimedOut: RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT
            case .notEnoughReplicas: RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS
            case .coordinatorNotAvailable: RD_KAFKA_RESP_ERR_COORDINATOR_NOT_AVAILABLE
            case .rebalanceInProgress: RD_KAFKA_RESP_ERR_REBALANCE_IN_PROGRESS
            case .messageSizeTooLarge: RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE
            case .transport: RD_KAFKA_RESP_ERR__TRANSPORT
            case .topicAuthorizationFailed: RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED
            case .none: RD_KAFKA_RESP_ERR_NO_ERROR
            }
        }
    }

    /// The mock cluster lives inside a client instance of its own.
    private let owner: OpaquePointer
    private let cluster: OpaquePointer
    public let brokerCount: Int32
    /// The bootstrap servers, e.g. `127.0.0.1:40123,127.0.0.1:40125`.
    public let bootstrapServers: String

    public init(brokers: Int32 = 1) throws(KafkaError) {
        let conf = rd_kafka_conf_new()!
        var errorText = [CChar](repeating: 0, count: 512)
        // The owner only hosts the cluster and never connects.
        rd_kafka_conf_set(conf, "log_level", "3", &errorText, errorText.count)
        guard let owner = rd_kafka_new(RD_KAFKA_PRODUCER, conf, &errorText, errorText.count) else {
            rd_kafka_conf_destroy(conf)
            throw KafkaError("cannot create the mock cluster's client: \(String(cBuffer: errorText))")
        }
        guard let cluster = rd_kafka_mock_cluster_new(owner, brokers) else {
            rd_kafka_destroy(owner)
            throw KafkaError("cannot create a mock cluster of \(brokers) broker(s)")
        }
        self.owner = owner
        self.cluster = cluster
        brokerCount = brokers
        bootstrapServers = String(cString: rd_kafka_mock_cluster_bootstraps(cluster))
    }

    deinit {
        rd_kafka_mock_cluster_destroy(cluster)
        rd_kafka_destroy(owner)
    }

    public func createTopic(_ name: String, partitions: Int32, replicationFactor: Int32 = 1) throws(KafkaError) {
        let result = rd_kafka_mock_topic_create(cluster, name, partitions, replicationFactor)
        guard result == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError(code: result, context: "cannot create mock topic \(name)") }
    }

    /// Fails the next requests of `request` type with `errors`, in order.
    public func pushRequestErrors(_ request: Request, _ errors: [InjectedError]) {
        let codes = errors.map(\.code)
        codes.withUnsafeBufferPointer { rd_kafka_mock_push_request_errors_array(cluster, request.rawValue, codes.count, $0.baseAddress) }
    }

    /// Takes broker `id` (1-based) down: its connections close and it refuses new ones.
    public func setBrokerDown(_ id: Int32) {
        _ = rd_kafka_mock_broker_set_down(cluster, id)
    }

    public func setBrokerUp(_ id: Int32) {
        _ = rd_kafka_mock_broker_set_up(cluster, id)
    }

    /// Makes broker `id` (1-based) the leader of every partition of `topic`,
    /// so that taking it down blocks that topic alone.
    public func setLeader(of topic: String, partitions: Int32, to id: Int32) throws(KafkaError) {
        for partition in 0..<partitions {
            let result = rd_kafka_mock_partition_set_leader(cluster, topic, partition, id)
            guard result == RD_KAFKA_RESP_ERR_NO_ERROR else {
                throw KafkaError(code: result, context: "cannot move the leader of \(topic) partition \(partition) to broker \(id)")
            }
        }
    }

    /// Makes broker `id` (1-based) the coordinator of consumer group `group`.
    public func setGroupCoordinator(_ group: String, to id: Int32) throws(KafkaError) {
        let result = rd_kafka_mock_coordinator_set(cluster, "group", group, id)
        guard result == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw KafkaError(code: result, context: "cannot make broker \(id) the coordinator of group \(group)")
        }
    }
}
