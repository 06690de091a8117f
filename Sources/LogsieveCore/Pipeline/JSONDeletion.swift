/// `del(PATH)` over raw JSON: the containers on the path are rewritten,
/// everything else is copied as it was.
enum JSONDeletion {
    /// Writes the value at `start` to `output` without the values at `path`.
    /// Returns whether anything was deleted.
    static func write(
        _ text: UnsafePointer<UInt8>, start: Int, end: Int, deleting path: ArraySlice<JSONPath.Component>,
        maxDepth: Int, to output: ByteBuffer
    ) throws(JSONScanError) -> Bool {
        let valueEnd = try JSONLexer.skipValue(text, from: start, end: end, depth: 0, maxDepth: maxDepth)
        guard let component = path.first else {
            output.append(text + start, count: valueEnd - start)
            return false
        }
        let isLast = path.count == 1
        let rest = path.dropFirst()
        var deleted = false
        var first = true

        func appendSeparator() {
            if !first { output.append(ASCII.comma) }
            first = false
        }

        switch text[start] {
        case ASCII.openBrace:
            output.append(ASCII.openBrace)
            try JSONPathLookup.forEachMember(text, objectStart: start, end: end, maxDepth: maxDepth) {
                (key: JSONLexer.StringSpan, valueStart: Int) throws(JSONScanError) in
                let matches: Bool
                switch component {
                case .key(let wanted): matches = JSONPathLookup.keyEquals(text, key, wanted)
                case .iterate: matches = true
                case .index: matches = false
                }
                let memberEnd = try JSONLexer.skipValue(text, from: valueStart, end: end, depth: 0, maxDepth: maxDepth)
                if matches && isLast {
                    deleted = true
                    return
                }
                appendSeparator()
                if matches {
                    output.append(text + key.start - 1, count: valueStart - key.start + 1)
                    if try write(text, start: valueStart, end: end, deleting: rest, maxDepth: maxDepth, to: output) {
                        deleted = true
                    }
                } else {
                    output.append(text + key.start - 1, count: memberEnd - key.start + 1)
                }
            }
            output.append(ASCII.closeBrace)
        case ASCII.openBracket:
            var starts: [Int] = []
            try JSONPathLookup.forEachElement(text, arrayStart: start, end: end, maxDepth: maxDepth) {
                (_: Int, elementStart: Int) throws(JSONScanError) in
                starts.append(elementStart)
            }
            var wantedIndex: Int? = nil
            if case .index(let index) = component { wantedIndex = index < 0 ? starts.count + index : index }
            output.append(ASCII.openBracket)
            for (index, elementStart) in starts.enumerated() {
                let matches: Bool
                switch component {
                case .iterate: matches = true
                case .index: matches = index == wantedIndex
                case .key: matches = false
                }
                if matches && isLast {
                    deleted = true
                    continue
                }
                appendSeparator()
                if matches {
                    if try write(text, start: elementStart, end: end, deleting: rest, maxDepth: maxDepth, to: output) {
                        deleted = true
                    }
                } else {
                    let elementEnd = try JSONLexer.skipValue(text, from: elementStart, end: end, depth: 0, maxDepth: maxDepth)
                    output.append(text + elementStart, count: elementEnd - elementStart)
                }
            }
            output.append(ASCII.closeBracket)
        default:
            output.append(text + start, count: valueEnd - start)
        }
        return deleted
    }
}
