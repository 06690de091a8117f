import Foundation
import LogsieveCore
import LogsieveKafka

/// The options of `logsieve kafka`. Kafka settings come from the command
/// line, else from `LOGSIEVE_KAFKA_*` environment variables; pipeline and
/// redaction options are those of the filter command.
struct KafkaOptions {
    var relay: RelayConfiguration
    var filter: FilterOptions
    var logLevel = KafkaLog.Level.info

    /// Environment variables for the settings that have an option.
    enum Variable {
        static let brokers = "LOGSIEVE_KAFKA_BROKERS"
        static let group = "LOGSIEVE_KAFKA_GROUP"
        static let from = "LOGSIEVE_KAFKA_FROM"
        static let to = "LOGSIEVE_KAFKA_TO"
        static let deadLetter = "LOGSIEVE_KAFKA_DEAD_LETTER"
        static let partitioner = "LOGSIEVE_KAFKA_PARTITIONER"
        static let configFile = "LOGSIEVE_KAFKA_CONFIG"
        static let unsafe = "LOGSIEVE_KAFKA_UNSAFE"
        static let logLevel = "LOGSIEVE_KAFKA_LOG_LEVEL"
        static let keyBy = "LOGSIEVE_KAFKA_KEY_BY"
        static let stateTopic = "LOGSIEVE_KAFKA_STATE_TOPIC"
        static let exactlyOnce = "LOGSIEVE_KAFKA_EXACTLY_ONCE"
        static let instanceID = "LOGSIEVE_KAFKA_INSTANCE_ID"
        /// `LOGSIEVE_KAFKA_X_SASL_PASSWORD=…` sets `sasl.password`.
        static let propertyPrefix = "LOGSIEVE_KAFKA_X_"
    }

    /// Parses the arguments after `kafka`. `readFile` returns a file's text or nil.
    static func parse(_ arguments: [String], environment: [String: String], readFile: (String) -> String?) throws(UsageError) -> KafkaOptions {
        var brokers = environment[Variable.brokers]
        var group = environment[Variable.group]
        var from = environment[Variable.from]
        var to = environment[Variable.to]
        var deadLetter = environment[Variable.deadLetter]
        var partitionerText = environment[Variable.partitioner]
        var configFile = environment[Variable.configFile]
        var unsafeNames = Set((environment[Variable.unsafe] ?? "").split(separator: ",").map(String.init))
        var logLevelText = environment[Variable.logLevel]
        var keyByText = environment[Variable.keyBy]
        var stateTopic = environment[Variable.stateTopic]
        var exactlyOnce = ["1", "true", "yes"].contains(environment[Variable.exactlyOnce]?.lowercased() ?? "")
        var instanceID = environment[Variable.instanceID]
        var commandLineProperties = KafkaProperties()
        var numbers: [String: Double] = [:]
        var rest: [String] = []

        var index = 0
        func value(for option: String, inline: String?) throws(UsageError) -> String {
            if let inline { return inline }
            index += 1
            guard index < arguments.count else { throw UsageError("\(option) requires a value") }
            return arguments[index]
        }

        while index < arguments.count {
            let argument = arguments[index]
            var name = argument
            var inline: String? = nil
            if argument.hasPrefix("--"), let equals = argument.firstIndex(of: "=") {
                name = String(argument[..<equals])
                inline = String(argument[argument.index(after: equals)...])
            }
            switch name {
            case "--brokers", "-b": brokers = try value(for: name, inline: inline)
            case "--group", "-G": group = try value(for: name, inline: inline)
            case "--from": from = try value(for: name, inline: inline)
            case "--to": to = try value(for: name, inline: inline)
            case "--dead-letter": deadLetter = try value(for: name, inline: inline)
            case "--partitioner": partitionerText = try value(for: name, inline: inline)
            case "--kafka-config", "-F": configFile = try value(for: name, inline: inline)
            case "--unsafe": unsafeNames.insert(try value(for: name, inline: inline))
            case "--log-level": logLevelText = try value(for: name, inline: inline)
            case "--key-by": keyByText = try value(for: name, inline: inline)
            case "--state-topic": stateTopic = try value(for: name, inline: inline)
            case "--exactly-once": exactlyOnce = true
            case "--instance-id": instanceID = try value(for: name, inline: inline)
            case "--commit-interval", "--flush-timeout", "--batch-size", "--checkpoint-interval", "--restore-timeout":
                let text = try value(for: name, inline: inline)
                guard let number = Double(text), number > 0, number <= 1_000_000 else {
                    throw UsageError("\(name) expects a positive number, not '\(text)'")
                }
                numbers[name] = number
            case "-X":
                let assignment = try value(for: name, inline: nil)
                do {
                    let (propertyName, propertyValue) = try KafkaProperties.parseAssignment(assignment)
                    commandLineProperties[propertyName] = propertyValue
                } catch {
                    throw UsageError(error.message)
                }
            default:
                rest.append(argument)
            }
            index += 1
        }

        guard let group, !group.isEmpty else { throw UsageError("logsieve kafka requires --group ID (or \(Variable.group))") }
        let sources = (from ?? "").split(separator: ",").map(String.init).filter { !$0.isEmpty }
        guard !sources.isEmpty else { throw UsageError("logsieve kafka requires --from TOPIC[,TOPIC...] (or \(Variable.from))") }
        guard let to, !to.isEmpty else { throw UsageError("logsieve kafka requires --to TOPIC (or \(Variable.to))") }
        if sources.contains(to) || deadLetter.map(sources.contains) == true {
            throw UsageError("the output topic \(to) must not be one of the --from topics, or the relay would read its own output")
        }

        // Later sources win: the properties file, then LOGSIEVE_KAFKA_X_*, then -X.
        var properties = KafkaProperties()
        if let configFile {
            guard let text = readFile(configFile) else { throw UsageError("cannot read the librdkafka properties file \(configFile)") }
            do {
                properties.merge(try KafkaProperties.parseFile(text, fileName: configFile))
            } catch {
                throw UsageError(error.message)
            }
        }
        properties.merge(KafkaProperties.fromEnvironment(environment, prefix: Variable.propertyPrefix))
        properties.merge(commandLineProperties)
        if (brokers ?? "").isEmpty && properties["bootstrap.servers"] == nil && properties["metadata.broker.list"] == nil {
            throw UsageError("logsieve kafka requires --brokers HOST:PORT[,HOST:PORT...] (or \(Variable.brokers), or -X bootstrap.servers=...)")
        }

        var relay = RelayConfiguration(brokers: (brokers ?? "").isEmpty ? nil : brokers, group: group, sourceTopics: sources, destinationTopic: to)
        relay.deadLetterTopic = (deadLetter ?? "").isEmpty ? nil : deadLetter
        relay.properties = properties
        for name in unsafeNames where !DeliveryGuard.guardedNames.contains(name) {
            throw UsageError("--unsafe expects one of \(DeliveryGuard.guardedNames.joined(separator: ", ")), not '\(name)'")
        }
        relay.unsafeAllowed = unsafeNames
        if let partitionerText {
            guard let partitioner = RelayConfiguration.Partitioner(rawValue: partitionerText) else {
                throw UsageError("--partitioner expects partition or key, not '\(partitionerText)'")
            }
            relay.partitioner = partitioner
        }
        if let number = numbers["--commit-interval"] { relay.commitInterval = number }
        if let number = numbers["--flush-timeout"] { relay.flushTimeout = number }
        if let number = numbers["--batch-size"] { relay.batchSize = max(1, Int(number)) }
        if properties["transactional.id"] != nil {
            throw UsageError("transactional.id is set by --exactly-once from the group and --instance-id; remove -X transactional.id")
        }
        if exactlyOnce {
            relay.transactionalID = "logsieve-\(group)-\(instanceID ?? defaultInstanceID())"
        } else if instanceID != nil {
            throw UsageError("--instance-id needs --exactly-once")
        }
        if let keyByText, !keyByText.isEmpty {
            do {
                relay.keyPath = try JSONPath.parse(keyByText)
            } catch {
                throw UsageError("invalid --key-by path at column \(error.column): \(error.message); write a path such as .actor.id")
            }
        }
        if let stateTopic, !stateTopic.isEmpty {
            if sources.contains(stateTopic) || stateTopic == to {
                throw UsageError("the state topic \(stateTopic) must differ from the --from and --to topics")
            }
            var state = StateTopicConfiguration(topic: stateTopic)
            if let number = numbers["--checkpoint-interval"] { state.checkpointInterval = number }
            if let number = numbers["--restore-timeout"] { state.restoreTimeout = number }
            relay.stateTopic = state
        } else if numbers["--checkpoint-interval"] != nil || numbers["--restore-timeout"] != nil {
            throw UsageError("--checkpoint-interval and --restore-timeout need --state-topic TOPIC")
        }

        var options = KafkaOptions(relay: relay, filter: try FilterOptions.parse(rest) { _ in false })
        if let logLevelText {
            options.logLevel = try ObservabilityOptions.level(logLevelText)
        }
        if options.filter.observability.metricsAddress != nil {
            // The consumer lag comes from librdkafka's statistics.
            options.relay.statisticsInterval = 5000
        }
        if !options.filter.inputs.isEmpty {
            throw UsageError("logsieve kafka reads the --from topics, not files: unexpected argument '\(options.filter.inputs[0])'")
        }
        if options.filter.output != nil {
            throw UsageError("logsieve kafka writes to the --to topic; -o is not available")
        }
        return options
    }

    /// Returns the host name and process id: unique among running instances, but new
    /// on each restart, so an open transaction of a killed process is not
    /// fenced and holds back read_committed readers until
    /// `transaction.timeout.ms` (librdkafka default 60 s) aborts it.
    static func defaultInstanceID() -> String {
        "\(ProcessInfo.processInfo.hostName)-\(getpid())"
    }
}
