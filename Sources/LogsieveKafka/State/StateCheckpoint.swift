import Foundation

/// The checkpoint marker of a state partition: written after the entities
/// of a checkpoint, it names the input offset that the state reflects. A
/// restore uses the entities before the last marker and ignores those
/// after it, which belong to a checkpoint that did not finish.
struct StateCheckpoint: Equatable {
    /// The message key of markers; entity keys start with `session:` or `user:`.
    static let key = "logsieve.checkpoint"
    static let version = 1

    var sourceTopic: String
    var sourcePartition: Int32
    /// The next input offset to read: every message below it was delivered
    /// and its effect is in the state.
    var offset: Int64
    /// The enrich watermark (newest event time, seconds since the epoch).
    var watermark: Double?
    /// The fingerprint key identifier that the entity keys were made with.
    var keyIdentifier: String
    var entityCount: Int

    func encoded() -> [UInt8] {
        var object: [String: Any] = [
            "version": Self.version, "topic": sourceTopic, "partition": Int(sourcePartition), "offset": offset,
            "key": keyIdentifier, "entities": entityCount,
        ]
        object["watermark"] = watermark ?? NSNull()
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return [UInt8](data)
    }

    /// Decodes a marker value; nil when it is not one of a version this reads.
    static func decode(_ bytes: [UInt8]) -> StateCheckpoint? {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(bytes))) as? [String: Any],
              object["version"] as? Int == version,
              let topic = object["topic"] as? String, let partition = object["partition"] as? Int,
              let offset = (object["offset"] as? NSNumber)?.int64Value, let key = object["key"] as? String,
              let count = object["entities"] as? Int
        else { return nil }
        return StateCheckpoint(sourceTopic: topic, sourcePartition: Int32(partition), offset: offset,
                               watermark: object["watermark"] as? Double, keyIdentifier: key, entityCount: count)
    }
}
