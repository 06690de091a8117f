import CYAML

/// Reads a YAML 1.1 document with libyaml into `YAMLNode`s. JSON is YAML
/// flow syntax, so the same reader takes JSON files and reports their errors
/// with line and column too.
///
/// Anchors and aliases are rejected: a configuration has no use for them,
/// and expanding them would let a small file grow without bound.
public enum YAMLReader {
    /// Parses `text`. Returns nil for a document with no content (an empty
    /// file or only comments).
    public static func parse(_ text: String) throws(YAMLSyntaxError) -> YAMLNode? {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else {
            throw YAMLSyntaxError(message: "libyaml could not allocate a parser", mark: YAMLMark(line: 1, column: 1))
        }
        defer { yaml_parser_delete(&parser) }
        let bytes = Array(text.utf8)
        return try bytes.withUnsafeBufferPointer { buffer throws(YAMLSyntaxError) -> YAMLNode? in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            var builder = TreeBuilder()
            while true {
                var event = yaml_event_t()
                guard yaml_parser_parse(&parser, &event) == 1 else {
                    throw syntaxError(of: parser)
                }
                defer { yaml_event_delete(&event) }
                if event.type == YAML_STREAM_END_EVENT { break }
                try builder.add(event)
            }
            return builder.root
        }
    }

    private static func syntaxError(of parser: yaml_parser_t) -> YAMLSyntaxError {
        let problem = parser.problem.map { String(cString: $0) } ?? "invalid YAML"
        let context = parser.context.map { String(cString: $0) }
        let message = context.map { "\(problem) \($0)" } ?? problem
        let mark = YAMLMark(line: Int(parser.problem_mark.line) + 1, column: Int(parser.problem_mark.column) + 1)
        return YAMLSyntaxError(message: message, mark: mark)
    }
}

/// Turns libyaml's event stream into a tree, with a stack of open containers.
private struct TreeBuilder {
    private enum Container {
        case sequence([YAMLNode], YAMLMark)
        case mapping([(key: YAMLNode, value: YAMLNode)], pendingKey: YAMLNode?, YAMLMark)
    }

    private var stack: [Container] = []
    private(set) var root: YAMLNode?
    private var documents = 0

    mutating func add(_ event: yaml_event_t) throws(YAMLSyntaxError) {
        let mark = YAMLMark(line: Int(event.start_mark.line) + 1, column: Int(event.start_mark.column) + 1)
        switch event.type {
        case YAML_DOCUMENT_START_EVENT:
            documents += 1
            if documents > 1 {
                throw YAMLSyntaxError(message: "a configuration file contains one document; remove the second '---'", mark: mark)
            }
        case YAML_ALIAS_EVENT:
            throw YAMLSyntaxError(message: "aliases (*name) are not supported in a configuration file", mark: mark)
        case YAML_SCALAR_EVENT:
            let scalar = event.data.scalar
            if scalar.anchor != nil {
                throw YAMLSyntaxError(message: "anchors (&name) are not supported in a configuration file", mark: mark)
            }
            let text = String(decoding: UnsafeBufferPointer(start: scalar.value, count: scalar.length), as: UTF8.self)
            let isPlain = scalar.style == YAML_PLAIN_SCALAR_STYLE
            try append(YAMLNode(.scalar(text, isPlain: isPlain), mark: mark))
        case YAML_SEQUENCE_START_EVENT:
            if event.data.sequence_start.anchor != nil {
                throw YAMLSyntaxError(message: "anchors (&name) are not supported in a configuration file", mark: mark)
            }
            stack.append(.sequence([], mark))
        case YAML_MAPPING_START_EVENT:
            if event.data.mapping_start.anchor != nil {
                throw YAMLSyntaxError(message: "anchors (&name) are not supported in a configuration file", mark: mark)
            }
            stack.append(.mapping([], pendingKey: nil, mark))
        case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
            guard let container = stack.popLast() else { return }
            switch container {
            case .sequence(let items, let start):
                try append(YAMLNode(.sequence(items), mark: start))
            case .mapping(let members, _, let start):
                try append(YAMLNode(.mapping(members), mark: start))
            }
        default:
            break
        }
    }

    private mutating func append(_ node: YAMLNode) throws(YAMLSyntaxError) {
        guard let top = stack.popLast() else {
            root = node
            return
        }
        switch top {
        case .sequence(var items, let start):
            items.append(node)
            stack.append(.sequence(items, start))
        case .mapping(var members, let pendingKey, let start):
            guard let key = pendingKey else {
                guard let name = node.scalarText else {
                    throw YAMLSyntaxError(message: "a key must be a scalar, not \(node.kindName)", mark: node.mark)
                }
                if members.contains(where: { $0.key.scalarText == name }) {
                    throw YAMLSyntaxError(message: "duplicate key '\(name)'", mark: node.mark)
                }
                stack.append(.mapping(members, pendingKey: node, start))
                return
            }
            members.append((key: key, value: node))
            stack.append(.mapping(members, pendingKey: nil, start))
        }
    }
}
