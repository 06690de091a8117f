import Foundation
import LogsieveKafka

/// The `produce` and `count` subcommands: a loader and a progress probe
/// for the benchmark, usable against any cluster.
enum ClientCommands {
    struct Options {
        var bootstrapServers = ""
        var topic = ""
        var keyDelimiter: UInt8?
        /// `count` polls until the topic's end offsets add up to this.
        var waitFor: Int64?
        var timeoutSeconds: Double = 600
        /// The Unix time, in seconds, that `count` measures from; default: its own start.
        var since: Double?
        var file: String?

        init(parsing arguments: inout ArraySlice<String>) {
            while let argument = arguments.popFirst() {
                switch argument {
                case "-b", "--bootstrap-servers":
                    bootstrapServers = arguments.popFirst() ?? ""
                case "--topic":
                    topic = arguments.popFirst() ?? ""
                case "--key-delimiter":
                    guard let text = arguments.popFirst(), text.utf8.count == 1 else { fail("--key-delimiter expects one byte, e.g. $'\\t'") }
                    keyDelimiter = text.utf8.first
                case "--wait-for":
                    guard let text = arguments.popFirst(), let number = Int64(text), number >= 0 else { fail("--wait-for expects a message count") }
                    waitFor = number
                case "--since":
                    guard let text = arguments.popFirst(), let seconds = Double(text) else { fail("--since expects Unix time in seconds, e.g. $(date +%s.%N)") }
                    since = seconds
                case "--timeout":
                    guard let text = arguments.popFirst(), let seconds = Double(text), seconds > 0 else { fail("--timeout expects seconds") }
                    timeoutSeconds = seconds
                default:
                    guard !argument.hasPrefix("-"), file == nil else { fail("unknown argument '\(argument)'") }
                    file = argument
                }
            }
            guard !bootstrapServers.isEmpty else { fail("missing -b BOOTSTRAP, e.g. -b 127.0.0.1:9092") }
            guard !topic.isEmpty else { fail("missing --topic NAME") }
        }
    }

    /// Loads the lines of a file into a topic, round-robin over its
    /// partitions, and prints the number of messages produced.
    static func produce(_ options: Options) -> Never {
        guard let path = options.file else { fail("produce: missing FILE") }
        guard let data = try? Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped) else {
            fail("produce: cannot read \(path)", status: 1)
        }
        do {
            let client = try TopicClient(brokers: options.bootstrapServers)
            let count = try client.produceLines(data, to: options.topic, keyDelimiter: options.keyDelimiter,
                                                timeoutSeconds: options.timeoutSeconds)
            print(count)
            exit(0)
        } catch {
            fail("produce: \(error.description)", status: 1)
        }
    }

    /// Prints `end E deleted D`: the sums of the topic's high and low
    /// watermarks. With `--wait-for N`, first polls every 100 ms until the
    /// high sum reaches N and prints `first_output_s` and `complete_s`,
    /// the seconds from `--since` (default: the start of the command) to
    /// the first message and to the Nth. Exits 1 when `--timeout` passes first.
    static func count(_ options: Options) -> Never {
        do {
            let start = options.since.map { Date(timeIntervalSince1970: $0) } ?? Date()
            let client = try TopicClient(brokers: options.bootstrapServers)
            var firstOutput: Double?
            var totals = try client.watermarkTotals(of: options.topic)
            if let target = options.waitFor {
                while totals.high < target {
                    let elapsed = Date().timeIntervalSince(start)
                    if firstOutput == nil && totals.high > 0 { firstOutput = elapsed }
                    guard elapsed < options.timeoutSeconds else {
                        fail("count: \(options.topic) holds \(totals.high) of \(target) messages after \(options.timeoutSeconds) s", status: 1)
                    }
                    Thread.sleep(forTimeInterval: 0.1)
                    totals = try client.watermarkTotals(of: options.topic)
                }
                let complete = Date().timeIntervalSince(start)
                print(String(format: "first_output_s %.2f complete_s %.2f", firstOutput ?? complete, complete), terminator: " ")
            }
            print("end \(totals.high) deleted \(totals.low)")
            exit(0)
        } catch {
            fail("count: \(error.description)", status: 1)
        }
    }
}
