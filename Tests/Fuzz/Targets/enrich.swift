import Foundation
@testable import LogsieveCore

// The enrichment event readers (Okta System Log, Entra ID sign-ins, Google
// Workspace logins) through the enricher, as the `enrich` stage runs them.
//
// Input: byte 0 picks the configuration (bit 0 `--event-root .log`, the
// wrapper of the Panther test cases in the seed corpus; bit 1 a trusted
// CIDR and AS number; bit 2 tiny state tables, so eviction runs), the
// rest is NDJSON events, evaluated in order against one state.
//
// Oracles:
// - `enrich` alone writes only valid JSON lines;
// - when every input line is one valid JSON object, output line i is input
//   line i, or its bytes up to the closing brace followed by one `logsieve`
//   member (an old `logsieve` member is dropped, never duplicated);
// - `redact | enrich` lets no canary planted in the string values through.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzEnrich(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 1 else { return 0 }
    let selector = data[0]
    let input = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))

    var enrichment = EnrichmentConfiguration()
    if selector & 1 != 0 { enrichment.eventRoot = try! JSONPath.parse(".log") }
    if selector & 2 != 0 {
        enrichment.trustedNetworks = [IPNetwork("10.0.0.0/8")!]
        enrichment.trustedASNumbers = [64496]
    }
    if selector & 4 != 0 {
        enrichment.maxSessions = 2
        enrichment.maxUsers = 2
    }

    let output = runEnrich(input, stages: [.enrich], enrichment: enrichment)
    checkOutputIsJSONLines(output, input: input)
    checkEventsKept(input: input, output: output)

    let lines = input.split(separator: 0x0A).map(Array.init)
    var planter = FuzzCanaryPlanter()
    var planted: [UInt8] = []
    for line in lines {
        guard let (_, spans) = try? StrictJSON.parse(line, maxDepth: 64) else { continue }
        planted += planter.plant(in: line, spans: spans) + [0x0A]
    }
    guard !planted.isEmpty else { return 0 }
    let redacted = runEnrich(planted, stages: [.redact, .enrich], enrichment: enrichment)
    let scanner = CanaryScanner(canaries: planter.canaries)
    if let finding = scanner.findings(in: redacted).subtracting(scanner.findings(in: input)).first {
        oracleFailure("canary \(finding.canary) survived redact | enrich in \(finding.form) form", input: planted, output: redacted)
    }
    return 0
}

private func runEnrich(_ input: [UInt8], stages: [StageSpecification], enrichment: EnrichmentConfiguration) -> [UInt8] {
    let redactor = Redactor(configuration: RedactorConfiguration(), fingerprinter: Fingerprinter(key: fuzzKey))
    let enricher = Enricher(configuration: enrichment, fingerprinter: redactor.fingerprinter,
                            maxDepth: RedactorConfiguration.defaultMaxDepth)
    enricher.clock = { 1_700_000_000 }
    let pipeline = Pipeline(expression: PipelineExpression(stages: stages), redactor: redactor, enricher: enricher)
    let processor = EventProcessor(pipeline: pipeline, redactor: redactor)
    return runProcessor(processor, input, chunkSize: 4096)
}

/// Checks that enrichment appended at most one member and kept every other
/// byte, when each input line is one JSON object.
private func checkEventsKept(input: [UInt8], output: [UInt8]) {
    let inputLines = input.split(separator: 0x0A).map(Array.init)
    var originals: [[JSONNode.Member]] = []
    for line in inputLines {
        guard case .object(let members)? = try? StrictJSON.parse(line, maxDepth: 64).0 else { return }
        originals.append(members)
    }
    let outputs = outputLines(output)
    guard outputs.count == inputLines.count else {
        oracleFailure("\(inputLines.count) events gave \(outputs.count) output lines", input: input, output: output)
    }
    let memberName = Array("logsieve".utf8)
    for (index, line) in outputs.enumerated() where line != inputLines[index] {
        guard case .object(let members)? = try? StrictJSON.parse(line, maxDepth: 64).0 else {
            oracleFailure("enriched event \(index) is not a JSON object", input: input, output: line)
        }
        let membersWithoutOld = originals[index].filter { $0.key != memberName }
        guard members.last?.key == memberName, Array(members.dropLast()) == membersWithoutOld else {
            oracleFailure("enriched event \(index) changed more than its logsieve member", input: inputLines[index], output: line)
        }
        if membersWithoutOld.count == originals[index].count {
            var end = inputLines[index].lastIndex(of: UInt8(ascii: "}"))!
            while end > 0 && [0x20, 0x09, 0x0D].contains(inputLines[index][end - 1]) { end -= 1 }
            if !line.starts(with: inputLines[index][..<end]) {
                oracleFailure("enriched event \(index) does not start with the original bytes", input: inputLines[index], output: line)
            }
        }
    }
}
