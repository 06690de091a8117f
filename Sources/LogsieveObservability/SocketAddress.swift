#if canImport(Glibc)
import Glibc
#endif

/// A numeric `sockaddr_in` or `sockaddr_in6`, parsed with inet_pton.
struct SocketAddress {
    var storage = sockaddr_storage()
    var length: socklen_t
    var family: Int32

    init?(_ address: ListenAddress) {
        if address.isIPv6 {
            var ipv6 = sockaddr_in6()
            ipv6.sin6_family = sa_family_t(AF_INET6)
            ipv6.sin6_port = address.port.bigEndian
            guard inet_pton(AF_INET6, address.host, &ipv6.sin6_addr) == 1 else { return nil }
            storage = Self.storage(copying: ipv6)
            length = socklen_t(MemoryLayout<sockaddr_in6>.size)
            family = AF_INET6
        } else {
            var ipv4 = sockaddr_in()
            ipv4.sin_family = sa_family_t(AF_INET)
            ipv4.sin_port = address.port.bigEndian
            guard inet_pton(AF_INET, address.host, &ipv4.sin_addr) == 1 else { return nil }
            storage = Self.storage(copying: ipv4)
            length = socklen_t(MemoryLayout<sockaddr_in>.size)
            family = AF_INET
        }
    }

    private static func storage<Address>(copying address: Address) -> sockaddr_storage {
        var storage = sockaddr_storage()
        withUnsafeBytes(of: address) { bytes in
            withUnsafeMutableBytes(of: &storage) { $0.copyMemory(from: bytes) }
        }
        return storage
    }

    /// Returns the port of a bound socket, for `tcp://…:0`.
    static func boundPort(of descriptor: Int32) -> UInt16? {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let result = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        guard result == 0 else { return nil }
        return withUnsafeBytes(of: storage) { bytes -> UInt16 in
            // sin_port and sin6_port both sit right after the 2-byte family.
            UInt16(bigEndian: bytes.load(fromByteOffset: 2, as: UInt16.self))
        }
    }

    /// `ADDRESS:PORT` of a connected peer, for the log.
    static func peerDescription(of descriptor: Int32) -> String {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let result = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getpeername(descriptor, $0, &length) }
        }
        guard result == 0 else { return "unknown" }
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        if Int32(storage.ss_family) == AF_INET6 {
            var ipv6 = withUnsafeBytes(of: storage) { $0.load(as: sockaddr_in6.self) }
            inet_ntop(AF_INET6, &ipv6.sin6_addr, &text, socklen_t(text.count))
            return "[\(String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))]:\(UInt16(bigEndian: ipv6.sin6_port))"
        }
        var ipv4 = withUnsafeBytes(of: storage) { $0.load(as: sockaddr_in.self) }
        inet_ntop(AF_INET, &ipv4.sin_addr, &text, socklen_t(text.count))
        return "\(String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)):\(UInt16(bigEndian: ipv4.sin_port))"
    }
}
