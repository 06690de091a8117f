/// One pass over a JSON text that copies unchanged bytes to `output` lazily:
/// bytes from `copyFrom` on are copied only when a redaction needs to write
/// after them, or when the pass ends. Unchanged input is one `memcpy`.
struct JSONPass {
    let text: UnsafePointer<UInt8>
    let end: Int
    /// Unowned: the caller keeps the buffer alive for the whole pass, and a
    /// strong reference would cost a retain and a release per copy.
    unowned(unsafe) let output: ByteBuffer
    var copyFrom: Int
    /// Whether anything was redacted.
    var changed = false

    init(text: UnsafePointer<UInt8>, end: Int, output: ByteBuffer, start: Int = 0) {
        self.text = text
        self.end = end
        self.output = output
        copyFrom = start
    }

    /// Copies the pending input bytes up to `index` to the output.
    @inline(__always)
    mutating func copyThrough(_ index: Int) {
        output.append(text + copyFrom, count: index - copyFrom)
        copyFrom = index
    }
}

/// The position of a value, where it changes how the value is redacted.
enum ValueContext: Equatable {
    case plain
    /// The value of a `cookies` key.
    case cookieJar
    /// An object inside a cookie jar whose every member is a cookie.
    case cookieObject
    /// An element of a cookie array: `{"name": "sid", "value": …}`.
    case cookieEntry
    /// The value of a `queryString` or `params` key.
    case parameterList
    /// An element of a parameter list: names follow the URL parameter rules.
    case parameterEntry
    /// An object of parameters: `{"code": …, "state": …}`.
    case parameterObject
}
