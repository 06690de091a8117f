import Foundation
@testable import LogsieveCore

// NDJSON framing and redaction, through the `EventProcessor` path the filter
// command uses, with the value detectors on.
//
// Input: byte 0 picks the configuration (bits 0-1 the replacement mode,
// bit 2 `--jwt keep-claims`, bit 3 a `--max-depth` of 8), byte 1 the size
// of the chunks the framer is fed, the rest is the NDJSON input.
//
// Oracles:
// - every output line is valid JSON (`StrictJSON`), envelopes included;
// - redacting the output again changes nothing (but with --replace remove,
//   and an envelope may gain markers, see `checkIdempotence`);
// - for each input line that is valid JSON on its own, the redacted line
//   keeps the structure and every byte outside markers (see
//   `unexplainedDifference`);
// - with JWTs redacted, no canary planted in the string values of such a
//   line survives in plain, percent-encoded or base64 form.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRedact(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 2 else { return 0 }
    let selector = data[0]
    let chunkSize = Int(data[1]) + 1
    let input = Array(UnsafeBufferPointer(start: data + 2, count: size - 2))

    var configuration = RedactorConfiguration()
    configuration.replacement = [.fingerprint, .mask, .remove, .fingerprint][Int(selector & 3)]
    configuration.jwt = selector & 4 != 0 ? .keepClaims : .redact
    configuration.maxDepth = selector & 8 != 0 ? 8 : RedactorConfiguration.defaultMaxDepth

    let output = runFilter(input, configuration: configuration, chunkSize: chunkSize)
    checkOutputIsJSONLines(output, input: input)

    // NOTE: with --replace remove, redacting twice can remove more than
    // once: invalid text is masked in its envelope because members cannot be
    // removed from broken JSON, and the envelope's text (invalid UTF-8 now
    // U+FFFD) may parse on the second pass, which then removes the member.
    let again = runFilter(output, configuration: configuration, chunkSize: 4096)
    if configuration.replacement != .remove {
        checkIdempotence(output: output, again: again, input: input)
    }

    for line in input.split(separator: 0x0A).map(Array.init) {
        checkValidLine(line, configuration: configuration)
    }
    return 0
}

/// Checks that a second redaction changed nothing. An envelope may gain
/// markers, because the second pass reads each envelope's text on its own.
/// NOTE: a `value` line after a `"name": ...` line keeps its value in the
/// first pass, which saw the name line, but becomes `[REDACTED:secret]` in
/// the second (see `FuzzRegressionTests`).
/// TODO: Tests/Fixtures/fuzz/redact-envelope-escapes-change.bin (a target
/// input, unminimised) breaks this check: in the second pass the text of
/// an envelope with NUL bytes in a name/value pair gets its escapes
/// rewritten, beyond a new marker.
private func checkIdempotence(output: [UInt8], again: [UInt8], input: [UInt8]) {
    let before = outputLines(output)
    let after = outputLines(again)
    guard before.count == after.count else {
        oracleFailure("redacting the output again changed its line count", input: input, output: again)
    }
    let envelopePrefix = Array(#"{"logsieve_invalid":"#.utf8)
    for (first, second) in zip(before, after) where first != second {
        if first.starts(with: envelopePrefix) && keepsBytesOutsideMarkers(original: first, redacted: second) { continue }
        oracleFailure("redacting the output again changed \(String(decoding: first, as: UTF8.self).debugDescription) to \(String(decoding: second, as: UTF8.self).debugDescription)",
                      input: input, output: again)
    }
}

/// Checks structure, bytes outside markers and canaries for one input line
/// that is valid JSON; returns at once for any other line.
private func checkValidLine(_ line: [UInt8], configuration: RedactorConfiguration) {
    guard let (original, spans) = try? StrictJSON.parse(line, maxDepth: 64) else { return }
    // A line that ends inside a value is joined with the next line, and a
    // line of several values is written as several lines, so only single
    // containers are compared here.
    guard case .object = original else {
        if case .array = original {} else { return }
        return checkStructure(line, original: original, configuration: configuration)
    }
    checkStructure(line, original: original, configuration: configuration)

    guard configuration.jwt == .redact else { return }
    var planter = FuzzCanaryPlanter()
    let planted = planter.plant(in: line, spans: spans)
    let output = runFilter(planted + [0x0A], configuration: configuration, chunkSize: 4096)
    // libFuzzer learns the canaries from the scanner's comparisons and
    // writes them into keys, so a form that was already in the line is not
    // a leak.
    let scanner = CanaryScanner(canaries: planter.canaries)
    let findings = scanner.findings(in: output).subtracting(scanner.findings(in: line))
    if let finding = findings.first {
        oracleFailure("canary \(finding.canary) survived in \(finding.form) form", input: planted, output: output)
    }
}

private func checkStructure(_ line: [UInt8], original: JSONNode, configuration: RedactorConfiguration) {
    let output = runFilter(line + [0x0A], configuration: configuration, chunkSize: 4096)
    let lines = outputLines(output)
    guard lines.count == 1 else {
        oracleFailure("one valid line gave \(lines.count) output lines", input: line, output: output)
    }
    guard let (redacted, _) = try? StrictJSON.parse(lines[0], maxDepth: 64) else {
        oracleFailure("valid line gave output that is not valid JSON", input: line, output: output)
    }
    if case .object(let members) = redacted, members.first?.key == Array("logsieve_invalid".utf8) {
        // The redactor judged the line invalid, such as deeper than --max-depth.
        if configuration.maxDepth < RedactorConfiguration.defaultMaxDepth { return }
        oracleFailure("valid line was written as an invalid-input envelope", input: line, output: output)
    }
    if let difference = unexplainedDifference(
        original: original, redacted: redacted, removesMembers: configuration.replacement == .remove,
        rewritesStrings: configuration.jwt == .keepClaims) {
        oracleFailure("redaction changed more than secrets: \(difference)", input: line, output: output)
    }
}
