import Foundation
@testable import LogsieveCore

/// A fixed key, so that a crash input reproduces with the same fingerprints.
let fuzzKey = try! FingerprintKey(Array("logsieve-fuzz-key-0123456789abcdef".utf8))

/// Reports a broken oracle and aborts, which libFuzzer records as a crash
/// and saves the input for.
func oracleFailure(_ message: String, input: [UInt8], output: [UInt8] = []) -> Never {
    FileHandle.standardError.write(Data("ORACLE FAILURE: \(message)\n".utf8))
    FileHandle.standardError.write(Data("input:  \(String(decoding: input.prefix(2_000), as: UTF8.self).debugDescription)\n".utf8))
    if !output.isEmpty {
        FileHandle.standardError.write(Data("output: \(String(decoding: output.prefix(2_000), as: UTF8.self).debugDescription)\n".utf8))
    }
    abort()
}

/// Runs `bytes` through the framer and the pipeline as the filter command
/// does, feeding the framer `chunkSize` bytes at a time.
func runFilter(
    _ bytes: [UInt8], pipeline: String = "redact", configuration: RedactorConfiguration,
    maxLineBytes: Int = 1 << 16, chunkSize: Int
) -> [UInt8] {
    let redactor = Redactor(configuration: configuration, fingerprinter: Fingerprinter(key: fuzzKey))
    let expression = try! PipelineExpression.parse(pipeline).ensuringRedaction()
    let processor = EventProcessor(pipeline: Pipeline(expression: expression, redactor: redactor), redactor: redactor)
    return runProcessor(processor, bytes, maxLineBytes: maxLineBytes, chunkSize: chunkSize)
}

func runProcessor(_ processor: EventProcessor, _ bytes: [UInt8], maxLineBytes: Int = 1 << 16, chunkSize: Int) -> [UInt8] {
    processor.maxLineBytesForMessage = maxLineBytes
    let framer = NDJSONFramer(maxLineBytes: maxLineBytes, readSize: 64)
    let output = ByteBuffer()
    framer.startInput()
    var offset = 0
    let step = max(chunkSize, 1)
    while offset < bytes.count {
        let space = framer.writableSpace()
        let copied = min(step, bytes.count - offset, space.count)
        bytes.withUnsafeBytes { source in
            space.baseAddress!.copyMemory(from: source.baseAddress! + offset, byteCount: copied)
        }
        framer.didRead(copied)
        offset += copied
        framer.drain(atEndOfInput: false) { processor.process($0, to: output) }
    }
    framer.drain(atEndOfInput: true) { processor.process($0, to: output) }
    return output.toArray()
}

/// Splits output into lines; every line logsieve writes ends with a newline.
func outputLines(_ output: [UInt8]) -> [[UInt8]] {
    output.split(separator: 0x0A, omittingEmptySubsequences: false).dropLast().map(Array.init)
}

/// Checks that `output` is newline-terminated and that every line is JSON.
func checkOutputIsJSONLines(_ output: [UInt8], input: [UInt8]) {
    if !output.isEmpty && output.last != 0x0A {
        oracleFailure("output does not end with a newline", input: input, output: output)
    }
    for line in outputLines(output) {
        do {
            _ = try StrictJSON.parse(line)
        } catch StrictJSON.Failure.tooDeep {
            continue
        } catch {
            oracleFailure("output line is not valid JSON (\(error))", input: input, output: line)
        }
    }
}

/// Returns the length of the marker (`[REDACTED]`, `[REDACTED:kind]` or
/// `[REDACTED:kind:fingerprint]`) that starts at `start`, or nil.
func markerLength(in text: [UInt8], at start: Int) -> Int? {
    let prefix = Array("[REDACTED".utf8)
    guard start + prefix.count < text.count, Array(text[start..<(start + prefix.count)]) == prefix else { return nil }
    var index = start + prefix.count
    while index < text.count, index - start < 64 {
        let byte = text[index]
        if byte == UInt8(ascii: "]") { return index + 1 - start }
        let allowed = byte == UInt8(ascii: ":") || byte == UInt8(ascii: "_") || (byte >= 0x61 && byte <= 0x7A)
            || (byte >= 0x30 && byte <= 0x39)
        guard allowed, index > start + prefix.count || byte == UInt8(ascii: ":") else { return nil }
        index += 1
    }
    return nil
}

/// Splits `redacted` at its markers and returns the text between them, in
/// order, and whether it starts and ends with a marker.
func piecesOutsideMarkers(_ redacted: [UInt8]) -> (pieces: [[UInt8]], startsWithMarker: Bool, endsWithMarker: Bool) {
    var pieces: [[UInt8]] = []
    var current: [UInt8] = []
    var index = 0
    var startsWithMarker = false
    var endsWithMarker = false
    while index < redacted.count {
        if redacted[index] == UInt8(ascii: "["), let length = markerLength(in: redacted, at: index) {
            if index == 0 { startsWithMarker = true }
            pieces.append(current)
            current = []
            index += length
            endsWithMarker = index == redacted.count
            continue
        }
        current.append(redacted[index])
        index += 1
    }
    pieces.append(current)
    return (pieces, startsWithMarker, endsWithMarker)
}

/// Checks that every byte of `redacted` outside its markers comes from
/// `original`, in order. The text before the first marker must be a prefix
/// of the original and the text after the last one a suffix. The pieces
/// between markers must occur in between, in order.
func keepsBytesOutsideMarkers(original: [UInt8], redacted: [UInt8]) -> Bool {
    let split = piecesOutsideMarkers(redacted)
    guard split.pieces.count > 1 else { return original == redacted }
    let first = split.pieces.first!
    let last = split.pieces.last!
    guard original.starts(with: first) else { return false }
    var position = first.count
    for piece in split.pieces.dropFirst().dropLast() where !piece.isEmpty {
        guard let found = find(piece, in: original, from: position) else { return false }
        position = found + piece.count
    }
    return original.count - position >= last.count && original.suffix(last.count).elementsEqual(last)
}

func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
    guard !needle.isEmpty else { return start }
    guard haystack.count >= needle.count else { return nil }
    var index = start
    while index + needle.count <= haystack.count {
        if haystack[index] == needle[0] && haystack[index..<(index + needle.count)].elementsEqual(needle) {
            return index
        }
        index += 1
    }
    return nil
}

func containsMarker(_ text: [UInt8]) -> Bool {
    text.indices.contains { text[$0] == UInt8(ascii: "[") && markerLength(in: text, at: $0) != nil }
}

/// Compares a redacted value with its original, and returns a description
/// of the first difference that redaction does not explain, or nil.
///
/// Redaction may replace any value with a string marker, replace spans of
/// a string or key with markers, and, when `removesMembers`, delete object
/// members. Everything else must stay: member order and keys, array
/// lengths, numbers, booleans, nulls, and string bytes outside markers.
/// When `rewritesStrings` (`--jwt keep-claims`), a string may change
/// without a marker, so only the structure is compared.
func unexplainedDifference(
    original: JSONNode, redacted: JSONNode, removesMembers: Bool, rewritesStrings: Bool, path: String = ""
) -> String? {
    if original == redacted { return nil }
    switch (original, redacted) {
    case (.string(let before), .string(let after)):
        if rewritesStrings || keepsBytesOutsideMarkers(original: before, redacted: after) { return nil }
        // JSON inside a string is redacted as JSON, so with --replace remove
        // it loses members: compare it as a document.
        if removesMembers, let (innerBefore, _) = try? StrictJSON.parse(before, maxDepth: 64),
           let (innerAfter, _) = try? StrictJSON.parse(after, maxDepth: 64) {
            return unexplainedDifference(original: innerBefore, redacted: innerAfter, removesMembers: true,
                                         rewritesStrings: false, path: path + " (JSON in the string)")
        }
        return "\(path): string changed outside markers"
    case (_, .string(let after)):
        if markerLength(in: after, at: 0) == after.count { return nil }
        return "\(path): a non-string value became a string that is not one marker"
    case (.array(let before), .array(let after)):
        guard before.count == after.count else { return "\(path): array length changed" }
        for (index, pair) in zip(before, after).enumerated() {
            if let difference = unexplainedDifference(
                original: pair.0, redacted: pair.1, removesMembers: removesMembers, rewritesStrings: rewritesStrings,
                path: "\(path)[\(index)]") {
                return difference
            }
        }
        return nil
    case (.object(let before), .object(let after)):
        var next = 0
        for member in after {
            var matched = false
            while next < before.count {
                let candidate = before[next]
                next += 1
                // A key rewritten without a marker is only recognised when
                // no member can be missing.
                let keyKept = candidate.key == member.key
                    || keepsBytesOutsideMarkers(original: candidate.key, redacted: member.key)
                    || (rewritesStrings && !removesMembers)
                if keyKept {
                    if let difference = unexplainedDifference(
                        original: candidate.value, redacted: member.value, removesMembers: removesMembers,
                        rewritesStrings: rewritesStrings, path: path + "." + String(decoding: candidate.key, as: UTF8.self)) {
                        return difference
                    }
                    matched = true
                    break
                }
                if !removesMembers { return "\(path): key changed outside markers" }
            }
            if !matched { return "\(path): output member not in the original" }
        }
        if !removesMembers && after.count != before.count { return "\(path): member count changed" }
        return nil
    default:
        return "\(path): value type changed"
    }
}
