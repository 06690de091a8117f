/// A condition of a `select` stage.
public enum SelectCondition: Sendable, Equatable {
    case equals(JSONPath, JSONLiteral)
    case notEquals(JSONPath, JSONLiteral)
    case has(JSONPath)
}

/// One stage of a pipeline, as parsed.
public enum StageSpecification: Sendable, Equatable {
    case redact
    case select(SelectCondition)
    case delete(JSONPath)
    /// Flags identity-provider events from the session and user state.
    case enrich

    public var isRedact: Bool { self == .redact }
}

/// A jq-style chain of stages separated by `|`, such as
/// `redact | select(.eventType == "user.session.start")`.
public struct PipelineExpression: Sendable, Equatable {
    public var stages: [StageSpecification]

    /// The stages, for usage messages.
    public static let stageSummary =
        "redact, enrich, select(PATH == VALUE), select(PATH != VALUE), select(has(PATH)), del(PATH)"

    public init(stages: [StageSpecification]) {
        self.stages = stages
    }

    public static func parse(_ text: String) throws(ExpressionError) -> PipelineExpression {
        var scanner = ExpressionScanner(text)
        var stages: [StageSpecification] = []
        repeat {
            scanner.skipSpaces()
            stages.append(try parseStage(&scanner))
            scanner.skipSpaces()
        } while scanner.consume("|")
        guard scanner.isAtEnd else {
            throw ExpressionError("expected '|' or the end of the pipeline\(scanner.found)", column: scanner.column)
        }
        return PipelineExpression(stages: stages)
    }

    /// The index of the first `enrich` when the stages from it on can run on
    /// one thread in input order after the stages before it ran on several
    /// threads. That needs no `redact` after it, because a `redact` stage
    /// uses the redactor of the thread that runs it. `nil` without `enrich`.
    public var orderedStageStart: Int? {
        guard let first = stages.firstIndex(of: .enrich) else { return nil }
        return stages[first...].contains(.redact) ? nil : first
    }

    /// Whether the pipeline can run on several threads: it has no `enrich`,
    /// or no `redact` after its first `enrich`.
    public var runsOnSeveralThreads: Bool {
        !stages.contains(.enrich) || orderedStageStart != nil
    }

    /// Appends `redact` unless a stage already names it, so that redaction
    /// is never left out by accident.
    public func ensuringRedaction() -> PipelineExpression {
        stages.contains(.redact) ? self : PipelineExpression(stages: stages + [.redact])
    }

    private static func parseStage(_ scanner: inout ExpressionScanner) throws(ExpressionError) -> StageSpecification {
        let column = scanner.column
        guard let name = scanner.identifier() else {
            throw ExpressionError("expected a stage\(scanner.found)", column: column)
        }
        switch name {
        case "redact":
            return .redact
        case "enrich":
            return .enrich
        case "select":
            try scanner.expect("(", "'(' after select")
            let condition = try parseCondition(&scanner)
            try scanner.expect(")", "')' to close select")
            return .select(condition)
        case "del":
            try scanner.expect("(", "'(' after del")
            scanner.skipSpaces()
            let path = try JSONPath.parse(&scanner)
            guard !path.components.isEmpty else { throw ExpressionError("del(.) would delete the whole event", column: column) }
            try scanner.expect(")", "')' to close del")
            return .delete(path)
        default:
            throw ExpressionError("unknown stage '\(name)'", column: column)
        }
    }

    private static func parseCondition(_ scanner: inout ExpressionScanner) throws(ExpressionError) -> SelectCondition {
        scanner.skipSpaces()
        if scanner.current != "." {
            let column = scanner.column
            guard scanner.identifier() == "has" else {
                throw ExpressionError("expected a path or has(…) in select", column: column)
            }
            try scanner.expect("(", "'(' after has")
            scanner.skipSpaces()
            let path: JSONPath
            if scanner.current == "\"" {
                // jq's has("key") tests a key of the event itself.
                path = JSONPath(components: [.key(Array(try scanner.stringLiteral().utf8))])
            } else {
                path = try JSONPath.parse(&scanner)
            }
            try scanner.expect(")", "')' to close has")
            return .has(path)
        }
        let path = try JSONPath.parse(&scanner)
        scanner.skipSpaces()
        let column = scanner.column
        let isEquals: Bool
        if scanner.consume("=") {
            guard scanner.consume("=") else { throw ExpressionError("expected '==' (one '=' assigns in jq)", column: column) }
            isEquals = true
        } else if scanner.consume("!") {
            guard scanner.consume("=") else { throw ExpressionError("expected '!='", column: column) }
            isEquals = false
        } else {
            throw ExpressionError("expected '==' or '!='\(scanner.found)", column: column)
        }
        let literal = try JSONLiteral.parse(&scanner)
        return isEquals ? .equals(path, literal) : .notEquals(path, literal)
    }
}
