// logsieve-mock-cluster: starts librdkafka's mock cluster on 127.0.0.1,
// creates the named topics, prints the bootstrap servers on one line of
// standard output and runs until SIGTERM or SIGINT. For the Kafka demo
// and benchmark; not a broker to keep data in (about 5 MiB per partition).
import Foundation
import LogsieveKafka

#if canImport(Glibc)
import Glibc
#endif

let usage = "usage: logsieve-mock-cluster [--brokers N] [--topic NAME:PARTITIONS]..."
var brokerCount: Int32 = 1
var topics: [(String, Int32)] = []
var arguments = CommandLine.arguments.dropFirst()
while let argument = arguments.popFirst() {
    switch argument {
    case "--brokers":
        guard let text = arguments.popFirst(), let number = Int32(text), number > 0 else {
            FileHandle.standardError.write(Data("logsieve-mock-cluster: --brokers expects a positive number\n\(usage)\n".utf8))
            exit(2)
        }
        brokerCount = number
    case "--topic":
        let parts = arguments.popFirst()?.split(separator: ":") ?? []
        guard parts.count == 2, let partitions = Int32(parts[1]), partitions > 0 else {
            FileHandle.standardError.write(Data("logsieve-mock-cluster: --topic expects NAME:PARTITIONS, e.g. raw:8\n\(usage)\n".utf8))
            exit(2)
        }
        topics.append((String(parts[0]), partitions))
    default:
        FileHandle.standardError.write(Data("logsieve-mock-cluster: unknown argument '\(argument)'\n\(usage)\n".utf8))
        exit(2)
    }
}

// Blocked before librdkafka starts its threads, so that they inherit the
// mask and sigwait below receives the signal.
var signals = sigset_t()
sigemptyset(&signals)
sigaddset(&signals, SIGTERM)
sigaddset(&signals, SIGINT)
pthread_sigmask(SIG_BLOCK, &signals, nil)

do {
    let cluster = try MockCluster(brokers: brokerCount)
    for (name, partitions) in topics {
        try cluster.createTopic(name, partitions: partitions)
    }
    FileHandle.standardOutput.write(Data((cluster.bootstrapServers + "\n").utf8))
    var received: Int32 = 0
    sigwait(&signals, &received)
    withExtendedLifetime(cluster) {}
} catch {
    FileHandle.standardError.write(Data("logsieve-mock-cluster: \(error)\n".utf8))
    exit(1)
}
