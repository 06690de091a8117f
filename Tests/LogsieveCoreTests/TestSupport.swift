import Foundation
@testable import LogsieveCore

/// A fixed key, so that fingerprints in expectations are stable.
let testKey = try! FingerprintKey(Array("logsieve-test-key-0123456789abcdef".utf8))

/// Runs `input` through the framer and the pipeline, as the command does,
/// feeding it in chunks of `chunkSize` bytes, and returns the output.
func runPipeline(
    _ input: String, pipeline: String = "redact", configuration: RedactorConfiguration = RedactorConfiguration(),
    split: String? = nil, inputFormat: InputFormat = .json, maxLineBytes: Int = 1 << 20, chunkSize: Int? = nil
) throws -> String {
    let bytes = Array(input.utf8)
    return String(decoding: try runPipeline(bytes: bytes, pipeline: pipeline, configuration: configuration, split: split,
                                            inputFormat: inputFormat, maxLineBytes: maxLineBytes, chunkSize: chunkSize),
                  as: UTF8.self)
}

func runPipeline(
    bytes: [UInt8], pipeline: String = "redact", configuration: RedactorConfiguration = RedactorConfiguration(),
    split: String? = nil, inputFormat: InputFormat = .json, maxLineBytes: Int = 1 << 20, chunkSize: Int? = nil
) throws -> [UInt8] {
    let redactor = Redactor(configuration: configuration, fingerprinter: Fingerprinter(key: testKey))
    let expression = try PipelineExpression.parse(pipeline).ensuringRedaction()
    let processor = EventProcessor(pipeline: Pipeline(expression: expression, redactor: redactor), redactor: redactor,
                                   inputFormat: inputFormat, split: try split.map { try JSONPath.parse($0) })
    let framer = NDJSONFramer(maxLineBytes: maxLineBytes, readSize: 64)
    let output = ByteBuffer()
    framer.startInput()
    var offset = 0
    let step = chunkSize ?? max(bytes.count, 1)
    while offset < bytes.count {
        let length = min(step, bytes.count - offset)
        let space = framer.writableSpace()
        let copied = min(length, space.count)
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

/// Redacts one JSON line and returns the output without its newline.
func redactLine(_ line: String, configuration: RedactorConfiguration = RedactorConfiguration()) throws -> String {
    var output = try runPipeline(line + "\n", configuration: configuration)
    if output.hasSuffix("\n") { output.removeLast() }
    return output
}

/// Returns the displayed fingerprint that the test key gives `secret`.
func fingerprint(_ secret: String) -> String {
    let fingerprinter = Fingerprinter(key: testKey)
    let output = ByteBuffer()
    var secret = secret
    secret.withUTF8 { fingerprinter.appendFingerprint(of: $0.baseAddress!, count: $0.count, to: output) }
    return String(decoding: output.bytes, as: UTF8.self)
}

/// Parses every line of `output` as JSON; returns the lines that do not parse.
func invalidJSONLines(_ output: String) -> [String] {
    output.split(separator: "\n").map(String.init).filter { line in
        (try? JSONSerialization.jsonObject(with: Data(line.utf8), options: [.fragmentsAllowed])) == nil
    }
}
