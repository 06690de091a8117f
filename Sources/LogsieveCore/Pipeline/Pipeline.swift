/// The stages of a pipeline, built from an expression, with the redactor
/// they share.
public final class Pipeline {
    public let expression: PipelineExpression
    let stages: [PipelineStage]
    /// Whether the first stage is `redact`, so that redaction can validate
    /// and frame the input in the same pass.
    let redactsFirst: Bool

    public init(expression: PipelineExpression, redactor: Redactor) {
        self.expression = expression
        let maxDepth = redactor.configuration.maxDepth
        stages = expression.stages.map { specification -> PipelineStage in
            switch specification {
            case .redact: RedactStage(redactor: redactor)
            case .select(let condition): SelectStage(condition: condition, maxDepth: maxDepth)
            case .delete(let path): DeleteStage(path: path, maxDepth: maxDepth)
            }
        }
        redactsFirst = expression.stages.first == .redact
    }
}
