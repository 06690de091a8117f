import CRdKafka

/// Builds an `rd_kafka_conf_t` from properties. The caller passes the
/// result to `rd_kafka_new`, which takes ownership, or destroys it.
enum RDKafkaConfig {
    static func make(_ properties: KafkaProperties, role: String) throws(KafkaError) -> OpaquePointer {
        let conf = rd_kafka_conf_new()!
        var errorText = [CChar](repeating: 0, count: 512)
        for (name, value) in properties.entries {
            let result = rd_kafka_conf_set(conf, name, value, &errorText, errorText.count)
            guard result == RD_KAFKA_CONF_OK else {
                rd_kafka_conf_destroy(conf)
                let detail = String(cBuffer: errorText)
                let shown = KafkaProperties.maskedValue(name: name, value: value)
                // librdkafka's text may repeat the value, so it is left out
                // for properties whose values are masked.
                let reason = KafkaProperties.isSensitive(name) ? "rejected by librdkafka" : detail
                throw KafkaError("invalid \(role) property \(name)=\(shown): \(reason); see librdkafka's CONFIGURATION.md for its values")
            }
        }
        return conf
    }
}
