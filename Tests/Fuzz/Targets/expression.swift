import Foundation
@testable import LogsieveCore

// The pipeline-expression parser and JSON paths, and the pipeline they build.
//
// Input: the first line is the pipeline expression, the second a `--split`
// path (empty for none), the rest NDJSON events.
//
// Oracles:
// - a parse error names a column within the text, or one past its end;
// - every path in a parsed expression prints (`description`) as text that
//   parses back to the same path;
// - the pipeline, with `redact` appended as the command does, writes only
//   valid JSON lines.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzExpression(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = Array(UnsafeBufferPointer(start: data, count: size))
    let lines = input.split(separator: 0x0A, maxSplits: 2, omittingEmptySubsequences: false).map(Array.init)
    let expressionText = String(decoding: lines[0], as: UTF8.self)
    let splitText = lines.count > 1 ? String(decoding: lines[1], as: UTF8.self) : ""
    let events = lines.count > 2 ? lines[2] : []

    let expression: PipelineExpression
    do {
        expression = try PipelineExpression.parse(expressionText)
    } catch {
        checkColumn(error, text: expressionText, input: input)
        return 0
    }
    var split: JSONPath? = nil
    if !splitText.isEmpty {
        do {
            split = try JSONPath.parse(splitText)
        } catch {
            checkColumn(error, text: splitText, input: input)
            return 0
        }
    }

    for path in paths(in: expression) + (split.map { [$0] } ?? []) {
        checkRoundTrip(path, input: input)
    }

    var configuration = RedactorConfiguration()
    configuration.maxDepth = 64
    let redactor = Redactor(configuration: configuration, fingerprinter: Fingerprinter(key: fuzzKey))
    let pipeline = Pipeline(expression: expression.ensuringRedaction(), redactor: redactor)
    pipeline.enricher?.clock = { 1_700_000_000 }
    let processor = EventProcessor(pipeline: pipeline, redactor: redactor, split: split)
    let output = runProcessor(processor, events, chunkSize: 512)
    checkOutputIsJSONLines(output, input: input)
    return 0
}

private func checkColumn(_ error: ExpressionError, text: String, input: [UInt8]) {
    let limit = text.utf8.count + 1
    if error.column < 1 || error.column > max(limit, text.count + 1) {
        oracleFailure("error column \(error.column) outside the text of \(text.utf8.count) bytes: \(error.message)", input: input)
    }
}

private func checkRoundTrip(_ path: JSONPath, input: [UInt8]) {
    let printed = path.description
    do {
        let reparsed = try JSONPath.parse(printed)
        if reparsed != path {
            oracleFailure("path \(printed) parses back to a different path \(reparsed)", input: input)
        }
    } catch {
        oracleFailure("path prints as \(printed.debugDescription), which does not parse: \(error.message)", input: input)
    }
}

private func paths(in expression: PipelineExpression) -> [JSONPath] {
    expression.stages.compactMap { stage in
        switch stage {
        case .select(.equals(let path, _)), .select(.notEquals(let path, _)), .select(.has(let path)), .delete(let path):
            path
        case .redact, .enrich:
            nil
        }
    }
}
