import CRdKafka

/// The Swift side of one librdkafka handle's callbacks, reached through
/// the handle's opaque pointer with `Unmanaged`. The handle's owner keeps
/// it alive for as long as the handle exists.
///
/// Delivery reports, errors, rebalances and commit results are served by
/// `rd_kafka_poll` or the consumer queue on the thread that polls, so they
/// need no lock. The log callback runs on librdkafka's own threads and
/// only touches the immutable `log`.
final class ClientEvents {
    let log: KafkaLog
    let role: String

    /// The first fatal error raised by librdkafka; the relay stops when set.
    var fatalError: KafkaError?
    /// Delivery reports since the last `takeDeliveryReports()`.
    var deliveryReports: [DeliveryReport] = []
    /// Called from inside the consumer poll when partitions are assigned or revoked.
    var rebalanceHandler: ((RebalanceEvent) -> Void)?
    /// Called before an assignment is applied; returns the offsets to start
    /// reading from where they differ from the committed ones.
    var assignmentOffsets: (([TopicPartition]) -> [TopicPartition: Int64])?
    /// Partitions of the last failed commit, for the log.
    var commitFailures = 0
    /// Called from inside the consumer poll with librdkafka's statistics JSON.
    var statisticsHandler: ((UnsafeBufferPointer<UInt8>) -> Void)?
    /// Errors that librdkafka reports and recovers from itself, by name.
    var transientErrorCounts: [String: Int] = [:]

    init(log: KafkaLog, role: String) {
        self.log = log
        self.role = role
    }
}

/// The outcome of producing one message, matched to its input by `token`.
struct DeliveryReport {
    var token: UInt64
    var error: KafkaError?
}

/// A consumer group rebalance, as the rebalance callback receives it.
enum RebalanceEvent {
    case assign([TopicPartition])
    case revoke([TopicPartition])
}

private func events(_ opaque: UnsafeMutableRawPointer?) -> ClientEvents? {
    guard let opaque else { return nil }
    return Unmanaged<ClientEvents>.fromOpaque(opaque).takeUnretainedValue()
}

/// `log_cb`: librdkafka's own log lines, mapped from syslog levels.
func logsieveKafkaLogCallback(_ handle: OpaquePointer?, _ level: Int32, _ facility: UnsafePointer<CChar>?, _ text: UnsafePointer<CChar>?) {
    guard let handle, let context = events(rd_kafka_opaque(handle)) else { return }
    let mapped: KafkaLog.Level = level <= 3 ? .error : level <= 5 ? .warning : level == 6 ? .info : .debug
    guard context.log.isEnabled(mapped) else { return }
    let facilityName = facility.map { String(cString: $0) } ?? "?"
    let message = text.map { String(cString: $0) } ?? ""
    context.log.log(mapped, "librdkafka \(context.role) \(facilityName): \(message)")
}

/// `error_cb`: most errors are transient (a broker is down, a connection
/// dropped) and librdkafka retries them; a fatal one stops the relay.
func logsieveKafkaErrorCallback(_ handle: OpaquePointer?, _ code: Int32, _ reason: UnsafePointer<CChar>?, _ opaque: UnsafeMutableRawPointer?) {
    guard let handle, let context = events(opaque) else { return }
    let errorCode = rd_kafka_resp_err_t(code)
    let text = reason.map { String(cString: $0) } ?? ""
    if errorCode == RD_KAFKA_RESP_ERR__FATAL {
        var fatalText = [CChar](repeating: 0, count: 512)
        let original = rd_kafka_fatal_error(handle, &fatalText, fatalText.count)
        let error = KafkaError(code: original, message: "fatal \(context.role) error: \(String(cBuffer: fatalText))", isFatal: true)
        if context.fatalError == nil { context.fatalError = error }
        context.log.error(error.description)
        return
    }
    let error = KafkaError(code: errorCode, message: "\(context.role): \(text)", isRetriable: true)
    let count = (context.transientErrorCounts[error.name] ?? 0) + 1
    context.transientErrorCounts[error.name] = count
    // A broker that is down repeats the same error every few hundred
    // milliseconds; powers of two keep the log readable.
    if count & (count - 1) == 0 {
        context.log.warning("\(error.description); librdkafka retries (\(count) so far)")
    }
}

/// `dr_msg_cb`: the message's `_private` pointer carries the relay's token.
func logsieveKafkaDeliveryCallback(_ handle: OpaquePointer?, _ message: UnsafePointer<rd_kafka_message_t>?, _ opaque: UnsafeMutableRawPointer?) {
    guard let message, let context = events(opaque) else { return }
    let token = UInt64(UInt(bitPattern: message.pointee._private))
    var error: KafkaError? = nil
    if message.pointee.err != RD_KAFKA_RESP_ERR_NO_ERROR {
        let topic = message.pointee.rkt.map { String(cString: rd_kafka_topic_name($0)) } ?? "?"
        error = KafkaError(code: message.pointee.err, context: "delivery to \(topic) partition \(message.pointee.partition) failed")
    }
    context.deliveryReports.append(DeliveryReport(token: token, error: error))
}

/// `rebalance_cb`: tells the relay, then applies the assignment change
/// with the protocol in use (eager or cooperative).
func logsieveKafkaRebalanceCallback(
    _ handle: OpaquePointer?, _ code: rd_kafka_resp_err_t, _ partitions: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?,
    _ opaque: UnsafeMutableRawPointer?
) {
    guard let handle, let partitions, let context = events(opaque) else { return }
    // rd_kafka_rebalance_protocol returns NULL on error (rdkafka.h). It did
    // when a relay stopped during a rebalance, and that case takes the
    // eager path instead of crashing.
    let cooperative = rd_kafka_rebalance_protocol(handle).map { String(cString: $0) } == "COOPERATIVE"
    let list = TopicPartitionList.partitions(of: partitions)
    switch code {
    case RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS:
        // The relay may commit offsets of these partitions first, so that
        // the fetch starts from them.
        context.rebalanceHandler?(.assign(list))
        // With a state topic, the relay restores each partition's state and
        // may move its start offset to where that state was checkpointed.
        if let offsets = context.assignmentOffsets?(list), !offsets.isEmpty {
            TopicPartitionList.setOffsets(offsets, in: partitions)
        }
        if cooperative {
            if let error = rd_kafka_incremental_assign(handle, partitions) {
                let wrapped = KafkaError(consuming: error, context: "incremental assign failed")
                context.log.error(wrapped.description)
            }
        } else {
            let result = rd_kafka_assign(handle, partitions)
            if result != RD_KAFKA_RESP_ERR_NO_ERROR {
                context.log.error(KafkaError(code: result, context: "assign failed").description)
            }
        }
    case RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS:
        // The relay flushes and commits before the partitions are released.
        context.rebalanceHandler?(.revoke(list))
        if cooperative {
            if let error = rd_kafka_incremental_unassign(handle, partitions) {
                context.log.error(KafkaError(consuming: error, context: "incremental unassign failed").description)
            }
        } else {
            _ = rd_kafka_assign(handle, nil)
        }
    default:
        context.log.error(KafkaError(code: code, context: "rebalance failed").description)
        context.rebalanceHandler?(.revoke(list))
        _ = rd_kafka_assign(handle, nil)
    }
}

/// `offset_commit_cb`: logs failed commits; a later commit retries them.
func logsieveKafkaCommitCallback(
    _ handle: OpaquePointer?, _ code: rd_kafka_resp_err_t, _ offsets: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?,
    _ opaque: UnsafeMutableRawPointer?
) {
    guard let context = events(opaque) else { return }
    if code == RD_KAFKA_RESP_ERR__NO_OFFSET || code == RD_KAFKA_RESP_ERR_NO_ERROR { return }
    context.commitFailures += 1
    context.log.warning(KafkaError(code: code, context: "offset commit failed; the next commit retries it").description)
}

/// `stats_cb`: the statistics JSON every `statistics.interval.ms`, served
/// by the consumer poll. Returning 0 lets librdkafka free the buffer.
func logsieveKafkaStatisticsCallback(
    _ handle: OpaquePointer?, _ json: UnsafeMutablePointer<CChar>?, _ length: Int, _ opaque: UnsafeMutableRawPointer?
) -> Int32 {
    guard let json, let context = events(opaque) else { return 0 }
    json.withMemoryRebound(to: UInt8.self, capacity: length) { bytes in
        context.statisticsHandler?(UnsafeBufferPointer(start: bytes, count: length))
    }
    return 0
}
