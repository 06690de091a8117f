import LogsieveCore

/// The options of the enrich stage.
struct EnrichOptions {
    var configuration = EnrichmentConfiguration()
    /// `--state-dir DIR`: where the state snapshot is loaded from and written to.
    var stateDirectory: String?
    /// `--state-interval SECONDS`: how often the snapshot is written while
    /// input is read; 0 writes it after every read.
    var stateInterval = 60.0
    var eventRootText: String?
    /// `--geoip-db FILE`, repeatable: MaxMind databases asked in order.
    var geoIPDatabases: [String] = []

    /// Parses one enrich option. Returns false if `name` is not one.
    mutating func parse(_ name: String, value: () throws(UsageError) -> String) throws(UsageError) -> Bool {
        switch name {
        case "--event-root":
            let text = try value()
            do {
                configuration.eventRoot = try JSONPath.parse(text)
            } catch {
                throw UsageError("invalid --event-root path at column \(error.column): \(error.message)")
            }
            eventRootText = text
        case "--geoip-db":
            geoIPDatabases.append(try value())
        case "--state-dir":
            stateDirectory = try value()
        case "--state-interval":
            stateInterval = try Self.number(name, try value(), range: 0...86_400, unit: "seconds")
        case "--trusted-cidr":
            let text = try value()
            guard let network = IPNetwork(text) else {
                throw UsageError("--trusted-cidr expects a network such as 192.0.2.0/24 or 2001:db8::/32, not '\(text)'")
            }
            configuration.trustedNetworks.append(network)
        case "--trusted-asn":
            let text = try value()
            let digits = text.hasPrefix("AS") ? String(text.dropFirst(2)) : text
            guard let number = Int(digits), number > 0, number <= Int(UInt32.max) else {
                throw UsageError("--trusted-asn expects an autonomous system number such as 64496 or AS64496, not '\(text)'")
            }
            configuration.trustedASNumbers.insert(number)
        case "--max-travel-speed":
            configuration.maxTravelSpeed = try Self.number(name, try value(), range: 1...100_000, unit: "km/h")
        case "--min-travel-distance":
            configuration.minTravelDistance = try Self.number(name, try value(), range: 0...20_000, unit: "km")
        case "--sensitive-action-window":
            configuration.sensitiveActionWindow = try Self.number(name, try value(), range: 0...(7 * 86_400), unit: "seconds")
        case "--mfa-reset-window":
            configuration.mfaResetWindow = try Self.number(name, try value(), range: 0...(30 * 86_400), unit: "seconds")
        case "--late-tolerance":
            configuration.lateTolerance = try Self.number(name, try value(), range: 0...86_400, unit: "seconds")
        case "--session-ttl":
            configuration.sessionTTL = try Self.number(name, try value(), range: 1...(366 * 86_400), unit: "seconds")
        case "--user-ttl":
            configuration.userTTL = try Self.number(name, try value(), range: 1...(3660 * 86_400), unit: "seconds")
        case "--max-sessions":
            configuration.maxSessions = Int(try Self.number(name, try value(), range: 1...100_000_000, unit: "entries"))
        case "--max-users":
            configuration.maxUsers = Int(try Self.number(name, try value(), range: 1...100_000_000, unit: "entries"))
        default:
            return false
        }
        return true
    }

    private static func number(_ option: String, _ text: String, range: ClosedRange<Double>, unit: String) throws(UsageError) -> Double {
        guard let value = Double(text), range.contains(value) else {
            throw UsageError("\(option) expects a number of \(unit) from \(Int(range.lowerBound)) to \(Int(range.upperBound)), not '\(text)'")
        }
        return value
    }
}
