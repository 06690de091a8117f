import Testing
@testable import LogsieveKafka

@Suite struct PartitionProgressTests {
    @Test func laterSuccessWaitsForEarlier() {
        var progress = PartitionProgress()
        for offset: Int64 in [10, 11, 12] { progress.track(offset: offset, delivered: false) }
        progress.markDelivered(offset: 12)
        #expect(progress.committableOffset == nil)
        progress.markDelivered(offset: 10)
        #expect(progress.committableOffset == 11)
        #expect(progress.lowestUndelivered == 11)
        progress.markDelivered(offset: 11)
        #expect(progress.committableOffset == 13)
        #expect(progress.inFlightCount == 0)
    }

    @Test func offsetGapsAndSkippedMessages() {
        var progress = PartitionProgress()
        progress.track(offset: 5, delivered: true)
        progress.track(offset: 9, delivered: false)
        #expect(progress.committableOffset == 6)
        progress.markDelivered(offset: 9)
        #expect(progress.committableOffset == 10)
    }

    @Test func unknownOffsetIgnored() {
        var progress = PartitionProgress()
        progress.track(offset: 1, delivered: false)
        progress.markDelivered(offset: 7)
        #expect(progress.committableOffset == nil)
    }

    @Test func compactsLongPrefix() {
        var progress = PartitionProgress()
        for offset in Int64(0)..<5000 { progress.track(offset: offset, delivered: false) }
        for offset in Int64(0)..<4999 { progress.markDelivered(offset: offset) }
        #expect(progress.committableOffset == 4999)
        #expect(progress.inFlightCount == 1)
        progress.markDelivered(offset: 4999)
        #expect(progress.committableOffset == 5000)
    }
}

@Suite struct ConfigurationTests {
    @Test func deliveryTokenRoundTrip() {
        let token = DeliveryToken.make(slot: 300, offset: 123_456_789)
        #expect(DeliveryToken.slot(token) == 300)
        #expect(DeliveryToken.offset(token) == 123_456_789)
        #expect(DeliveryToken.make(slot: 0, offset: 0) != 0)
    }

    @Test func propertiesFileParsing() throws {
        let properties = try KafkaProperties.parseFile("# comment\n\nsecurity.protocol = SASL_SSL\nsasl.password=a=b\n", fileName: "f")
        #expect(properties["security.protocol"] == "SASL_SSL")
        #expect(properties["sasl.password"] == "a=b")
        #expect(throws: KafkaError.self) { try KafkaProperties.parseFile("no equals sign", fileName: "f") }
    }

    @Test func environmentProperties() {
        let properties = KafkaProperties.fromEnvironment(["LOGSIEVE_KAFKA_X_SASL_MECHANISMS": "PLAIN", "OTHER": "x"])
        #expect(properties.entries.count == 1)
        #expect(properties["sasl.mechanisms"] == "PLAIN")
    }

    @Test(arguments: ["sasl.password", "ssl.key.password", "sasl.oauthbearer.client.secret", "ssl.key.pem", "sasl.jaas.config", "sasl.oauthbearer.token"])
    func masksCredentialProperty(name: String) {
        #expect(KafkaProperties.maskedValue(name: name, value: "s3cr3t") == "[MASKED]")
    }

    @Test func keepsOrdinaryPropertyVisible() {
        #expect(KafkaProperties.maskedValue(name: "security.protocol", value: "SASL_SSL") == "SASL_SSL")
    }

    @Test(arguments: [("enable.auto.offset.store", "true"), ("enable.auto.commit", "true"), ("enable.idempotence", "false"),
                      ("acks", "1"), ("request.required.acks", "0")])
    func rejectsUnsafeValue(name: String, value: String) {
        #expect(throws: KafkaError.self) { try DeliveryGuard.check(KafkaProperties([(name, value)]), allowed: []) }
        #expect(throws: Never.self) { try DeliveryGuard.check(KafkaProperties([(name, value)]), allowed: [name]) }
    }

    @Test func acceptsSafeValues() throws {
        try DeliveryGuard.check(KafkaProperties([("acks", "all"), ("enable.idempotence", "true"), ("enable.auto.commit", "false")]), allowed: [])
    }

    @Test func rejectsMixedAssignors() {
        #expect(throws: KafkaError.self) {
            try DeliveryGuard.check(KafkaProperties([("partition.assignment.strategy", "range,cooperative-sticky")]), allowed: [])
        }
    }

    @Test func cooperativeGuardByVersion() {
        #expect(CooperativeCloseGuard.isNeeded(cooperative: true, version: 0x0200_02ff))
        #expect(!CooperativeCloseGuard.isNeeded(cooperative: true, version: 0x0203_00ff))
        #expect(!CooperativeCloseGuard.isNeeded(cooperative: false, version: 0x0200_02ff))
    }

    @Test func producerDefaultsKeepGuarantees() {
        let configuration = RelayConfiguration(brokers: "b:9092", group: "g", sourceTopics: ["raw"], destinationTopic: "clean")
        let producer = configuration.producerProperties()
        #expect(producer["acks"] == "all")
        #expect(producer["enable.idempotence"] == "true")
        #expect(producer["compression.type"] == "zstd")
        #expect(producer["group.id"] == nil)
        let consumer = configuration.consumerProperties()
        #expect(consumer["enable.auto.offset.store"] == "false")
        #expect(consumer["enable.auto.commit"] == "false")
        #expect(consumer["auto.offset.reset"] == "earliest")
    }
}

@Suite struct SourceHeaderTests {
    @Test(arguments: [Int64(0), 7, 10, 1_234_567_890_123, Int64.max])
    func formatsOffsetDigits(offset: Int64) {
        let text = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            let start = KafkaProducer.formatDecimal(offset, into: digits)
            return String(decoding: UnsafeBufferPointer(rebasing: digits[start...]), as: UTF8.self)
        }
        #expect(text == String(offset))
    }
}
