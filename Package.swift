// swift-tools-version:6.0
import PackageDescription

// The C libraries come from Debian's -dev packages and are found with pkg-config.
// `.ci/run` checks that pkg-config finds each one before building, because
// SwiftPM only warns about a missing .pc file and then fails at link time.
let package = Package(
    name: "logsieve",
    products: [
        .executable(name: "logsieve", targets: ["logsieve"]),
        .library(name: "LogsieveCore", targets: ["LogsieveCore"]),
        .library(name: "LogsieveIO", targets: ["LogsieveIO"]),
        .library(name: "LogsieveKafka", targets: ["LogsieveKafka"]),
    ],
    targets: [
        .systemLibrary(
            name: "CCrypto",
            pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]
        ),
        .systemLibrary(
            name: "CZstd",
            pkgConfig: "libzstd",
            providers: [.apt(["libzstd-dev"])]
        ),
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        .systemLibrary(
            name: "CMaxMindDB",
            pkgConfig: "libmaxminddb",
            providers: [.apt(["libmaxminddb-dev"])]
        ),
        .systemLibrary(
            name: "CYAML",
            pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"])]
        ),
        .systemLibrary(
            name: "CPCRE2",
            pkgConfig: "libpcre2-8",
            providers: [.apt(["libpcre2-dev"])]
        ),
        .systemLibrary(
            name: "CRdKafka",
            pkgConfig: "rdkafka",
            providers: [.apt(["librdkafka-dev"])]
        ),

        // The engine: framing, scanning, redaction and the pipeline. No I/O.
        .target(
            name: "LogsieveCore",
            dependencies: ["CCrypto"],
            swiftSettings: [.unsafeFlags(["-enforce-exclusivity=unchecked"])]
        ),
        // IP address lookups in MaxMind databases for the enrich stage (--geoip-db).
        .target(
            name: "LogsieveGeoIP",
            dependencies: ["LogsieveCore", "CMaxMindDB"]
        ),
        // Byte sources and sinks: files, stdin, zstd and gzip streams.
        .target(
            name: "LogsieveIO",
            dependencies: ["CZstd", "CZlib"]
        ),
        // Metrics, health and logs: the Prometheus registry, the HTTP endpoint
        // of --metrics, and the stderr logger every command uses.
        .target(
            name: "LogsieveObservability"
        ),
        // The Kafka relay: the librdkafka wrapper (handles, configuration,
        // callbacks, errors) and the consumer-group loop. Nothing outside it
        // sees a librdkafka pointer or error code.
        .target(
            name: "LogsieveKafka",
            dependencies: ["LogsieveCore", "LogsieveObservability", "CRdKafka"]
        ),
        // The configuration file reader: YAML and JSON documents as a tree of
        // nodes that carry their line and column, for error messages.
        .target(
            name: "LogsieveConfig",
            dependencies: ["CYAML"]
        ),
        // Custom value patterns (PCRE2 with JIT) that the redactor runs over
        // string values.
        .target(
            name: "LogsievePatterns",
            dependencies: ["LogsieveCore", "CPCRE2"]
        ),
        // The command line: argument parsing and wiring, nothing else.
        .executableTarget(
            name: "logsieve",
            dependencies: [
                "LogsieveCore", "LogsieveIO", "LogsieveGeoIP", "LogsieveKafka", "LogsieveObservability", "LogsieveConfig",
                "LogsievePatterns", "CRdKafka", "CZstd", "CZlib", "CCrypto",
            ]
        ),
        // A standalone librdkafka mock cluster for the Kafka demo and benchmark.
        .executableTarget(
            name: "logsieve-mock-cluster",
            dependencies: ["LogsieveKafka"]
        ),

        .testTarget(
            name: "LogsieveCoreTests",
            dependencies: ["LogsieveCore", "CCrypto"]
        ),
        .testTarget(
            name: "LogsieveGeoIPTests",
            dependencies: ["LogsieveGeoIP", "LogsieveCore"]
        ),
        .testTarget(
            name: "LogsieveIOTests",
            dependencies: ["LogsieveIO", "CZstd", "CZlib"]
        ),
        .testTarget(
            name: "LogsieveKafkaTests",
            dependencies: ["LogsieveKafka", "CRdKafka", "logsieve"]
        ),
        .testTarget(
            name: "LogsieveObservabilityTests",
            dependencies: ["LogsieveObservability"]
        ),
        .testTarget(
            name: "LogsieveConfigTests",
            dependencies: ["LogsieveConfig", "LogsievePatterns", "LogsieveCore"]
        ),
        .testTarget(
            name: "LogsieveEndToEndTests",
            dependencies: ["logsieve"]
        ),
    ]
)
