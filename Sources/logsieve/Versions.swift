import CCrypto
import CRdKafka
import CZlib
import CZstd

/// The version of logsieve and of the C libraries it runs with.
enum Versions {
    static let logsieve = "0.1.0"

    /// The version of the librdkafka loaded at run time, which differs from
    /// the build's when `LD_LIBRARY_PATH` names another copy.
    static var librdkafka: String { String(cString: rd_kafka_version_str()) }

    static var report: String {
        let openSSL = String(cString: OpenSSL_version(Int32(OPENSSL_VERSION)))
        return """
        logsieve \(logsieve)
        librdkafka \(librdkafka)
        libzstd \(String(cString: ZSTD_versionString()))
        \(openSSL)
        zlib \(String(cString: zlibVersion()))

        """
    }
}
