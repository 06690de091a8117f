#if canImport(Glibc)
import Glibc
#endif

/// Process-wide numbers read at scrape time.
enum ProcessMetrics {
    /// Resident set size from the second field of /proc/self/statm, in pages.
    static func residentBytes() -> Double? {
        let descriptor = open("/proc/self/statm", O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var buffer = [UInt8](repeating: 0, count: 128)
        let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
        guard count > 0 else { return nil }
        let fields = buffer[..<count].split(separator: UInt8(ascii: " "))
        guard fields.count >= 2, let pages = Int(String(decoding: fields[1], as: UTF8.self)) else { return nil }
        return Double(pages) * Double(sysconf(Int32(_SC_PAGESIZE)))
    }
}
