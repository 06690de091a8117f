/// Parses a byte count such as `1048576`, `64K`, `32M` or `1G` (binary units).
func parseByteSize(_ text: String, option: String) throws(UsageError) -> Int {
    var digits = Substring(text)
    var multiplier = 1
    switch digits.last?.uppercased() {
    case "K": multiplier = 1 << 10
    case "M": multiplier = 1 << 20
    case "G": multiplier = 1 << 30
    default: break
    }
    if multiplier > 1 { digits = digits.dropLast() }
    guard let value = Int(digits), value > 0, value <= Int.max / multiplier else {
        throw UsageError("\(option) expects a positive byte count such as 65536, 64K, 32M or 1G, not '\(text)'")
    }
    return value * multiplier
}
