import Foundation
import LogsieveConfig
import LogsieveCore
import LogsievePatterns

/// An error in a configuration file, printed as `FILE:LINE:COLUMN: message`.
struct ConfigError: Sendable {
    var mark: YAMLMark
    var message: String

    func formatted(file: String) -> String {
        "\(file):\(mark.line):\(mark.column): \(message)"
    }
}

/// A configuration file (`--config FILE`, `LOGSIEVE_CONFIG`), read and
/// checked, as the options it stands for. Every error is collected, not
/// only the first, so that `config check` lists them all.
struct ConfigFile {
    static let variable = "LOGSIEVE_CONFIG"

    let path: String
    /// `[option, value]` pairs of the filter command, in file order,
    /// without the keys whose environment variable is set.
    var filterArguments: [String] = []
    /// The same for `logsieve kafka`.
    var kafkaArguments: [String] = []
    var pipeline: String?
    var pipelineMark: YAMLMark?
    var inputs: [String] = []
    var inputsMark: YAMLMark?
    var keyFile: String?
    var valuePatterns: [ValuePatternDefinition] = []
    var patternLimits = ValuePatternLimits()
    var kafkaProperties: [(name: String, value: String)] = []
    /// The paths set in the file, for `config show` and reload messages.
    var paths: [String] = []
    var errors: [ConfigError] = []

    /// Reads and checks the file at `path`. A file that cannot be read is
    /// one error at 1:1.
    static func load(path: String, environment: [String: String]) -> ConfigFile {
        var file = ConfigFile(path: path)
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            file.errors.append(ConfigError(mark: YAMLMark(line: 1, column: 1), message: "cannot read the configuration file: \(readFailureReason(path, error))"))
            return file
        }
        file.read(String(decoding: data, as: UTF8.self), environment: environment)
        return file
    }

    /// Reads configuration text, for tests and `load`.
    mutating func read(_ text: String, environment: [String: String]) {
        let root: YAMLNode?
        do {
            root = try YAMLReader.parse(text)
        } catch {
            errors.append(ConfigError(mark: error.mark, message: error.message))
            return
        }
        guard let root, !root.isNull else { return }
        guard case .mapping = root.value else {
            errors.append(ConfigError(mark: root.mark, message: "a configuration file must be a mapping of keys to values, not \(root.kindName)"))
            return
        }
        let reader = ConfigNodeReader(environment: environment)
        reader.readSection(root, prefix: "", into: &self)
        if errors.isEmpty { checkCombinations(root.mark) }
    }

    /// Reports the combinations of keys that no option or variable can
    /// repair. A combination that a later source can complete, such as
    /// `output.rotate_bytes` with `-o FILE` on the command line, is checked
    /// after the sources are merged.
    private mutating func checkCombinations(_ rootMark: YAMLMark) {
        guard !inputs.isEmpty,
              let options = try? FilterOptions.parse(filterArguments, checksCombinations: false, fileExists: { _ in true }),
              options.sidecar.usesEventLoop else { return }
        errors.append(ConfigError(mark: inputsMark ?? rootMark, message:
            "input.files cannot be combined with input.listen or input.follow, which read no files; list the files under input.follow"))
    }

    /// Returns the reason a file cannot be read, in the words of `strerror`.
    private static func readFailureReason(_ path: String, _ error: Error) -> String {
        var isDirectory: ObjCBool = false
        if !FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) { return "No such file or directory" }
        if isDirectory.boolValue { return "is a directory" }
        if let underlying = (error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError,
           underlying.domain == NSPOSIXErrorDomain, let message = strerror(Int32(underlying.code)) {
            return String(cString: message)
        }
        return error.localizedDescription
    }

    /// All errors as `FILE:LINE:COLUMN: message` lines.
    var formattedErrors: String {
        errors.sorted { ($0.mark.line, $0.mark.column) < ($1.mark.line, $1.mark.column) }
            .map { $0.formatted(file: path) + "\n" }.joined()
    }
}
