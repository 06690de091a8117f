/// One scan over decoded text that writes a redacted copy lazily: nothing is
/// written unless a rule matches, and then the unchanged runs are copied
/// around each replacement.
struct TextScrub {
    let text: UnsafePointer<UInt8>
    let end: Int
    /// Unowned: the caller keeps the buffer alive for the whole pass, and a
    /// strong reference would cost a retain and a release per copy.
    unowned(unsafe) let output: ByteBuffer
    private(set) var copyFrom = 0
    private(set) var changed = false
    /// The rule given by the last pair name seen (`"name": "Cookie"`),
    /// waiting for its `"value"`.
    var pendingPairRule: KeyRule?
    /// The end of the last parameter value that `scrubEncodedValue` scanned.
    /// A later `=` before it starts a suffix of that value, which is not
    /// scanned again, because a run of `=` would make the scan quadratic.
    var scannedEncodedValueEnd = 0

    init(text: UnsafePointer<UInt8>, end: Int, output: ByteBuffer) {
        self.text = text
        self.end = end
        self.output = output
    }

    /// Starts replacing the bytes from `start` on and returns the buffer to
    /// write the replacement to. `start` must not precede earlier replacements.
    mutating func beginReplacement(at start: Int) -> ByteBuffer {
        let start = max(start, copyFrom)
        if !changed {
            changed = true
        }
        output.append(text + copyFrom, count: start - copyFrom)
        copyFrom = start
        return output
    }

    /// Ends a replacement: input from `end` on is copied again.
    mutating func endReplacement(at index: Int) {
        copyFrom = max(index, copyFrom)
    }

    /// Copies the rest of the input if anything was replaced. Inlined,
    /// because it runs once per scanned string and most change nothing.
    @inline(__always)
    mutating func finish() {
        guard changed else { return }
        copyRest()
    }

    @inline(never)
    private mutating func copyRest() {
        output.append(text + copyFrom, count: end - copyFrom)
        copyFrom = end
    }
}
