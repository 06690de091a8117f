// logsieve-mock-cluster: starts librdkafka's mock cluster on 127.0.0.1,
// creates the named topics, prints the bootstrap servers on one line of
// standard output and runs until SIGTERM or SIGINT. For the Kafka demo
// and benchmark; not a broker to keep data in (about 5 MiB per partition).
//
// The `produce` and `count` subcommands are clients of any cluster, so
// that the benchmark needs no kcat to load and watch topics.
import Foundation
import LogsieveKafka

#if canImport(Glibc)
import Glibc
#endif

let usage = """
usage: logsieve-mock-cluster [--brokers N] [--topic NAME:PARTITIONS]...
       logsieve-mock-cluster produce -b BOOTSTRAP --topic NAME [--key-delimiter CHAR] FILE
       logsieve-mock-cluster count -b BOOTSTRAP --topic NAME [--wait-for N] [--timeout SECONDS]
"""

let help = usage + """

Starts librdkafka's mock cluster on 127.0.0.1, creates the topics, prints
the bootstrap servers on one line and runs until SIGTERM or SIGINT.
Limits of librdkafka 2.0.2's mock: each partition keeps about 5 MiB and
silently deletes older messages beyond that; a group join takes about 3 s;
a member that joins a running group, or a relay restarted in the same
group, can wait a long time for its partitions (over 70 s has been seen
with librdkafka's default timeouts; the tests set session.timeout.ms=6000).

produce: one message per line of FILE, spread round-robin over the
partitions whatever the key; with --key-delimiter, the text before the
first CHAR is the key. Prints the number of messages produced.
count: prints "end E deleted D", the sums of the partitions' high and low
watermarks; --wait-for N first waits until E reaches N.
"""

func fail(_ message: String, status: Int32 = 2) -> Never {
    FileHandle.standardError.write(Data("logsieve-mock-cluster: \(message)\n".utf8))
    if status == 2 { FileHandle.standardError.write(Data((usage + "\n").utf8)) }
    exit(status)
}

var arguments = CommandLine.arguments.dropFirst()
if arguments.first == "-h" || arguments.first == "--help" {
    print(help)
    exit(0)
}
switch arguments.first {
case "produce":
    arguments.removeFirst()
    ClientCommands.produce(ClientCommands.Options(parsing: &arguments))
case "count":
    arguments.removeFirst()
    ClientCommands.count(ClientCommands.Options(parsing: &arguments))
default:
    runCluster(arguments: &arguments)
}

func runCluster(arguments: inout ArraySlice<String>) -> Never {
    var brokerCount: Int32 = 1
    var topics: [(String, Int32)] = []
    while let argument = arguments.popFirst() {
        switch argument {
        case "--brokers":
            guard let text = arguments.popFirst(), let number = Int32(text), number > 0 else { fail("--brokers expects a positive number") }
            brokerCount = number
        case "--topic":
            let parts = arguments.popFirst()?.split(separator: ":") ?? []
            guard parts.count == 2, let partitions = Int32(parts[1]), partitions > 0 else { fail("--topic expects NAME:PARTITIONS, e.g. raw:8") }
            topics.append((String(parts[0]), partitions))
        default:
            fail("unknown argument '\(argument)'")
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
        exit(0)
    } catch {
        fail("\(error)", status: 1)
    }
}
