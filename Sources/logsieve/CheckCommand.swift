import Foundation
import LogsieveCore
import LogsieveIO

/// `logsieve check`: reads NDJSON (standard input by default) without
/// writing it, and exits 1 if any event still contains a secret.
///
/// Each event is redacted in memory; only an event that changed is walked
/// next to its redacted copy to find the paths of the changed values. A
/// record that is not valid JSON, or is longer than `--max-line-bytes`,
/// could not be checked and is a finding of kind `unscannable`.
struct CheckCommand {
    let options: CheckOptions
    let environment: [String: String]

    func run() throws -> Int32 {
        if let reportPath = options.reportPath {
            try SymbolicLinkCheck.reject(reportPath, option: "--report", forced: options.forceOutput)
        }
        let key = try KeyLoading.loadKey(keyFile: options.keyFile, environment: environment)
        let redactor = Redactor(configuration: options.redactorConfiguration(), fingerprinter: Fingerprinter(key: key))
        let log = FindingLog(format: options.format, printsFindings: true)
        let inputs = options.inputs.isEmpty ? ["-"] : options.inputs
        var status = ExitStatus.success
        for input in inputs {
            do {
                try check(input, redactor: redactor, log: log)
            } catch {
                log.flush()
                Diagnostics.error(error.description)
                status = ExitStatus.failure
            }
        }
        log.flush()
        if let reportPath = options.reportPath {
            do {
                try AtomicFile.write(Array(log.reportJSON(files: inputs).utf8), to: reportPath, mode: 0o600)
            } catch {
                Diagnostics.error(error.description)
                status = ExitStatus.failure
            }
        }
        if log.total > 0 {
            Diagnostics.error("\(log.total) secret(s) or unscannable record(s) found; redact with: logsieve FILE")
            status = ExitStatus.failure
        }
        return status
    }

    private func check(_ input: String, redactor: Redactor, log: FindingLog) throws(IOFailure) {
        let source = try Inputs.open(path: input)
        defer { source.close() }
        let name = input == "-" ? "standard input" : input
        let framer = NDJSONFramer(maxLineBytes: options.maxLineBytes)
        let checker = NDJSONChecker(redactor: redactor) { finding, line in log.record(finding, file: name, line: line) }
        framer.startInput()
        while true {
            let space = framer.writableSpace()
            let count = try source.read(into: space)
            if count == 0 {
                framer.drain(atEndOfInput: true, checker.check)
                return
            }
            framer.didRead(count)
            framer.drain(atEndOfInput: false, checker.check)
        }
    }
}
