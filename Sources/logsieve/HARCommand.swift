import Foundation
import LogsieveCore
import LogsieveIO

/// `logsieve har`: sanitizes HAR files, or with `--check` reports what is
/// left to redact in them.
///
/// Each file is read in chunks and cut into its head, entries and tail by
/// `HARStreamReader`, so memory is bounded by the largest entry. The output
/// goes to a temporary file that is renamed into place only after the last
/// byte was written, so a HAR that turns out to be truncated or corrupt
/// leaves no output behind.
struct HARCommand {
    let options: CheckOptions
    let environment: [String: String]

    /// Output is written in blocks of about this size.
    static let flushThreshold = 1 << 20

    func run() throws -> Int32 {
        if let reportPath = options.reportPath {
            try SymbolicLinkCheck.reject(reportPath, option: "--report", forced: options.forceOutput)
        }
        let key = try KeyLoading.loadKey(keyFile: options.keyFile, environment: environment)
        if key.isEphemeral && !options.checkOnly {
            Diagnostics.warn("no fingerprint key configured (--key-file, \(KeyLoading.fileVariable) or \(KeyLoading.valueVariable)); using a random key, so fingerprints will not match those of other runs")
        }
        let configuration = options.redactorConfiguration()
        let fingerprinter = Fingerprinter(key: key)
        let redactor = Redactor(configuration: configuration, fingerprinter: fingerprinter)
        let sanitizer = HARSanitizer(redactor: redactor, saml: options.saml, maxBodyBytes: options.maxBodyBytes)
        // Sanitizing for output uses every thread; collecting findings stays
        // on one, because findings are reported in document order as they come.
        let batchSanitizers = [sanitizer] + (1..<options.threads).map { _ in
            HARSanitizer(redactor: Redactor(configuration: configuration, fingerprinter: Fingerprinter(key: key)),
                         saml: options.saml, maxBodyBytes: options.maxBodyBytes)
        }
        let batch = HARParallelBatch(sanitizers: batchSanitizers)
        let log = FindingLog(format: options.format, printsFindings: options.checkOnly)
        let collectsFindings = options.checkOnly || options.reportPath != nil

        var status = ExitStatus.success
        for input in options.inputs {
            do {
                try sanitize(input, sanitizer: sanitizer, batch: collectsFindings ? nil : batch, log: collectsFindings ? log : nil)
            } catch let failure as RuntimeFailure {
                log.flush()
                Diagnostics.error(failure.message)
                status = ExitStatus.failure
            }
        }
        log.flush()
        if let reportPath = options.reportPath {
            do {
                try AtomicFile.write(Array(log.reportJSON(files: options.inputs).utf8), to: reportPath, mode: 0o600)
            } catch {
                Diagnostics.error(error.description)
                status = ExitStatus.failure
            }
        }
        if options.checkOnly && log.total > 0 {
            Diagnostics.error("\(log.total) secret(s) or unscannable value(s) found; sanitize with: logsieve har FILE")
            status = ExitStatus.failure
        }
        return status
    }

    private func sanitize(_ input: String, sanitizer: HARSanitizer, batch: HARParallelBatch?, log: FindingLog?) throws {
        let source: ByteSource
        do {
            source = try Inputs.open(path: input)
        } catch {
            throw RuntimeFailure(error.description)
        }
        defer { source.close() }

        let outputPath = options.checkOnly ? nil : (options.output ?? CheckOptions.defaultOutputPath(for: input))
        try refuseOutputOverInput(input, outputPath)
        if let outputPath, outputPath != "-" {
            try SymbolicLinkCheck.reject(outputPath, option: "-o", forced: options.forceOutput)
        }
        var sink: ByteSink? = nil
        var atomicSink: AtomicFileSink? = nil
        do {
            if outputPath == "-" {
                sink = try Outputs.open(path: nil, options: OutputOptions())
            } else if let outputPath {
                atomicSink = try AtomicFileSink(path: outputPath)
                sink = atomicSink
            }
        } catch {
            throw RuntimeFailure(error.description)
        }

        batch?.discard()
        let reader = HARStreamReader(maxEntryBytes: options.maxEntryBytes) { buffer in try source.read(into: buffer) }
        let buffer = ByteBuffer(capacity: Self.flushThreshold * 2)
        let report: ((RedactionFinding) -> Void)? = log.map { log in { log.record($0, file: input, line: nil) } }
        do {
            while let piece = try reader.next() {
                if let batch {
                    try batch.sanitize(piece, to: buffer)
                } else {
                    try sanitizer.sanitize(piece, to: buffer, differences: report)
                }
                if buffer.count >= Self.flushThreshold, let sink {
                    try sink.write(buffer.bytes)
                    buffer.removeAll()
                }
            }
            try batch?.flush(to: buffer)
            if let sink {
                try sink.write(buffer.bytes)
                try sink.close()
            }
        } catch let error as HARFormatError {
            atomicSink?.discard()
            throw RuntimeFailure("\(input): byte \(error.offset): \(error.message); no output was written for it")
        } catch let error as IOFailure {
            atomicSink?.discard()
            throw RuntimeFailure(error.description)
        }
    }

    /// Rejects an output path that is the input itself, which would be
    /// replaced before it is read in full.
    private func refuseOutputOverInput(_ input: String, _ output: String?) throws {
        guard let output, output != "-", input != "-" else { return }
        var inputStatus = stat()
        var outputStatus = stat()
        if stat(input, &inputStatus) == 0 && stat(output, &outputStatus) == 0
            && inputStatus.st_dev == outputStatus.st_dev && inputStatus.st_ino == outputStatus.st_ino {
            throw RuntimeFailure("\(input): the output \(output) is the input itself; give another -o FILE")
        }
    }
}
