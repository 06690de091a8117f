import CCrypto
import CRdKafka
import CZlib
import CZstd

/// The version of logsieve and of the C libraries it runs with.
enum Versions {
    static let logsieve = "0.1.0"

    static var report: String {
        let openSSL = String(cString: OpenSSL_version(Int32(OPENSSL_VERSION)))
        return """
        logsieve \(logsieve)
        librdkafka \(String(cString: rd_kafka_version_str()))
        libzstd \(String(cString: ZSTD_versionString()))
        \(openSSL)
        zlib \(String(cString: zlibVersion()))

        """
    }
}
