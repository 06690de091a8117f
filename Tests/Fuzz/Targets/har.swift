import Foundation
@testable import LogsieveCore

// The HAR streamer and sanitizer, as `logsieve har` and `har --check` use them.
//
// Input: byte 0 picks the configuration (bit 0 `--replace mask`, bit 1
// `--saml keep-unsigned`, bit 2 `--jwt keep-claims`, bit 3 collects
// findings as `--check` does), byte 1 the read size, the rest is the HAR.
//
// Oracles, for a HAR that is valid JSON and that the sanitizer accepts:
// - the output is valid JSON with the same structure, and strings change
//   only where markers are or where a body was decoded, scanned and encoded;
// - sanitizing the output again changes nothing;
// - with SAML and JWTs redacted, no canary planted in its string values
//   survives in plain, percent-encoded or base64 form.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHAR(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 2 else { return 0 }
    let selector = data[0]
    let readSize = Int(data[1]) + 1
    let input = Array(UnsafeBufferPointer(start: data + 2, count: size - 2))

    var base = RedactorConfiguration()
    base.replacement = selector & 1 != 0 ? .mask : .fingerprint
    base.jwt = selector & 4 != 0 ? .keepClaims : .redact
    let saml: SAMLMode = selector & 2 != 0 ? .keepUnsigned : .redact
    let collectsFindings = selector & 8 != 0

    guard let output = sanitizeHAR(input, base: base, saml: saml, readSize: readSize, collectsFindings: collectsFindings) else {
        return 0
    }
    guard let (original, spans) = try? StrictJSON.parse(input, maxDepth: 64) else { return 0 }
    guard let (redacted, _) = try? StrictJSON.parse(output, maxDepth: 64) else {
        oracleFailure("valid HAR gave output that is not valid JSON", input: input, output: output)
    }
    if let difference = unexplainedDifference(original: original, redacted: redacted, removesMembers: false,
                                              rewritesStrings: true) {
        oracleFailure("sanitizing changed the structure: \(difference)", input: input, output: output)
    }
    // Markers can be longer than what they replace, so an entry just under
    // the limit may be over it once sanitized: the second pass allows more.
    guard let again = sanitizeHAR(output, base: base, saml: saml, readSize: 4096, collectsFindings: false,
                                  maxEntryBytes: 1 << 20) else {
        oracleFailure("the sanitizer rejected its own output: \(lastRejection)", input: input, output: output)
    }
    if again != output {
        oracleFailure("sanitizing the output again changed it", input: input, output: again)
    }

    guard saml == .redact && base.jwt == .redact else { return 0 }
    var planter = FuzzCanaryPlanter()
    let planted = planter.plant(in: input, spans: spans)
    guard let plantedOutput = sanitizeHAR(planted, base: base, saml: saml, readSize: 4096, collectsFindings: false,
                                          maxEntryBytes: 1 << 20) else {
        oracleFailure("the sanitizer rejected a valid HAR after planting: \(lastRejection)", input: planted)
    }
    let scanner = CanaryScanner(canaries: planter.canaries)
    if let finding = scanner.findings(in: plantedOutput).subtracting(scanner.findings(in: input)).first {
        oracleFailure("canary \(finding.canary) survived in \(finding.form) form", input: planted, output: plantedOutput)
    }
    return 0
}

/// The reason the last `sanitizeHAR` call rejected its input.
nonisolated(unsafe) private var lastRejection = ""

/// Sanitizes a whole HAR as `logsieve har` does, on one thread; returns nil
/// when the sanitizer rejects it, with the reason in `lastRejection`.
private func sanitizeHAR(
    _ input: [UInt8], base: RedactorConfiguration, saml: SAMLMode, readSize: Int, collectsFindings: Bool,
    maxEntryBytes: Int = 1 << 16
) -> [UInt8]? {
    let configuration = HARSanitizer.configuration(base, saml: saml)
    let redactor = Redactor(configuration: configuration, fingerprinter: Fingerprinter(key: fuzzKey))
    let sanitizer = HARSanitizer(redactor: redactor, saml: saml, maxBodyBytes: 1 << 16)
    var position = 0
    let reader = HARStreamReader(maxEntryBytes: maxEntryBytes, readSize: 64) { buffer in
        let count = min(buffer.count, readSize, input.count - position)
        input.withUnsafeBytes { source in
            buffer.baseAddress!.copyMemory(from: source.baseAddress! + position, byteCount: count)
        }
        position += count
        return count
    }
    let output = ByteBuffer()
    var findings = 0
    let report: ((RedactionFinding) -> Void)? = collectsFindings ? { _ in findings += 1 } : nil
    do {
        while let piece = try reader.next() {
            try sanitizer.sanitize(piece, to: output, differences: report)
        }
    } catch {
        lastRejection = "\(error)"
        return nil
    }
    return output.toArray()
}
