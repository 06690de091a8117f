import LogsieveCore
import LogsieveGeoIP

/// Builds the enrich stage's state for the filter command, and its
/// snapshot file under `--state-dir`.
enum EnrichmentSetup {
    struct Prepared {
        var enricher: Enricher?
        var file: EnrichmentStateFile?
    }

    static func prepare(
        options: FilterOptions, expression: PipelineExpression, key: FingerprintKey
    ) throws -> Prepared {
        guard expression.stages.contains(.enrich) else {
            // --follow keeps its file positions in --state-dir too.
            if options.enrich.stateDirectory != nil && options.sidecar.followedFiles.isEmpty {
                throw UsageError("--state-dir needs the enrich stage in the pipeline")
            }
            if !options.enrich.geoIPDatabases.isEmpty {
                throw UsageError("--geoip-db needs the enrich stage in the pipeline")
            }
            return Prepared()
        }
        let enricher = Enricher(configuration: options.enrich.configuration, fingerprinter: Fingerprinter(key: key),
                                maxDepth: options.maxDepth)
        if !options.enrich.geoIPDatabases.isEmpty {
            do {
                enricher.locator = MaxMindDatabases(try options.enrich.geoIPDatabases.map { path throws(MaxMindDatabase.OpenError) in
                    try MaxMindDatabase(path: path)
                })
            } catch {
                throw UsageError("\(error.description); pass a GeoLite2 or GeoIP2 City, Country or ASN .mmdb file to --geoip-db")
            }
        }
        guard let directory = options.enrich.stateDirectory else { return Prepared(enricher: enricher) }
        // Session keys are HMACs: with a key made for this run, no saved
        // state could ever match again.
        if key.isEphemeral {
            throw UsageError("--state-dir needs a fixed fingerprint key (--key-file, \(KeyLoading.fileVariable) or \(KeyLoading.valueVariable)), because state keyed with a random key cannot match after a restart")
        }
        let file = EnrichmentStateFile(directory: directory, enricher: enricher, interval: options.enrich.stateInterval,
                                       allowsSymbolicLink: options.allowsOutputSymlink)
        try file.load()
        return Prepared(enricher: enricher, file: file)
    }
}
