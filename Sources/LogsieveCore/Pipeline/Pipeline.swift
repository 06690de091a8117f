/// The stages of a pipeline, built from an expression, with the redactor
/// they share.
public final class Pipeline {
    public let expression: PipelineExpression
    let stages: [PipelineStage]
    /// Whether the first stage is `redact`, so that redaction can validate
    /// and frame the input in the same pass.
    let redactsFirst: Bool

    /// The state of the `enrich` stage, if the pipeline has one.
    public let enricher: Enricher?

    /// `enricher` is used by an `enrich` stage; without one, the stage gets
    /// the default configuration.
    public init(expression: PipelineExpression, redactor: Redactor, enricher: Enricher? = nil) {
        self.expression = expression
        let maxDepth = redactor.configuration.maxDepth
        let enricher = expression.stages.contains(.enrich)
            ? enricher ?? Enricher(configuration: EnrichmentConfiguration(), fingerprinter: redactor.fingerprinter, maxDepth: maxDepth)
            : nil
        self.enricher = enricher
        stages = expression.stages.map { specification -> PipelineStage in
            switch specification {
            case .redact: RedactStage(redactor: redactor)
            case .select(let condition): SelectStage(condition: condition, maxDepth: maxDepth)
            case .delete(let path): DeleteStage(path: path, maxDepth: maxDepth)
            case .enrich: EnrichStage(enricher: enricher!, redactor: redactor)
            }
        }
        redactsFirst = expression.stages.first == .redact
    }
}
