import CRdKafka
import Foundation

/// librdkafka before 2.3.0 (Debian 12 ships 2.0.2) can crash in
/// `rd_kafka_consumer_close` when the consumer uses the cooperative-sticky
/// assignor and has not yet received its first assignment. Before closing,
/// the relay waits for that first assignment; if it does not come within
/// `firstAssignmentTimeout`, the handle is destroyed without the close, and
/// the group coordinator drops the member after `session.timeout.ms`.
/// Nothing is lost either way: a member without an assignment has no
/// offsets to commit.
enum CooperativeCloseGuard {
    /// The first librdkafka version with the fix, as `rd_kafka_version()` encodes it.
    static let fixedVersion: Int32 = 0x0203_0000

    static func isNeeded(cooperative: Bool, version: Int32 = rd_kafka_version()) -> Bool {
        cooperative && version < fixedVersion
    }

    static func prepareClose(relay: KafkaRelay) {
        let cooperative = DeliveryGuard.usesCooperativeAssignor(relay.configuration.properties)
        guard isNeeded(cooperative: cooperative), !relay.hasBeenAssigned else { return }
        relay.log.info("waiting up to \(relay.configuration.firstAssignmentTimeout) s for the first assignment before leaving the group (cooperative-sticky with librdkafka \(String(cString: rd_kafka_version_str())))")
        let deadline = Date().addingTimeInterval(relay.configuration.firstAssignmentTimeout)
        while !relay.hasBeenAssigned && Date() < deadline {
            // Messages that arrive now are not handled and their offsets not
            // stored, so the next owner reads them.
            _ = relay.consumer.poll(timeoutMilliseconds: 100)
            relay.consumer.releaseBatch()
        }
        if !relay.hasBeenAssigned {
            relay.log.warning("no assignment arrived; leaving without rd_kafka_consumer_close to avoid its crash, so the group drops this member after session.timeout.ms")
            relay.consumer.handle.skipsConsumerClose = true
        }
    }
}
