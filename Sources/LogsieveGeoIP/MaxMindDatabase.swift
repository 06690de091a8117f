import CMaxMindDB
import Glibc
import LogsieveCore

/// A MaxMind database (GeoLite2 or GeoIP2 City, Country or ASN, or any
/// database with the same record shape) opened with libmaxminddb.
///
/// One instance owns one memory-mapped database and closes it in `deinit`.
public final class MaxMindDatabase: IPLocator {
    private let database: UnsafeMutablePointer<MMDB_s>
    public let path: String

    public struct OpenError: Error, CustomStringConvertible {
        public let path: String
        public let reason: String
        public var description: String { "cannot open the MaxMind database \(path): \(reason)" }
    }

    public init(path: String) throws(OpenError) {
        // Opened before `self` is complete, so that a failed open never
        // reaches `deinit`.
        let opened = UnsafeMutablePointer<MMDB_s>.allocate(capacity: 1)
        let status = MMDB_open(path, UInt32(MMDB_MODE_MMAP), opened)
        guard status == MMDB_SUCCESS else {
            opened.deallocate()
            throw OpenError(path: path, reason: String(cString: MMDB_strerror(status)))
        }
        self.path = path
        database = opened
    }

    deinit {
        MMDB_close(database)
        database.deallocate()
    }

    /// Looks up `address`; `nil` when it is not an address or the database
    /// has no record for it.
    public func locate(_ address: String) -> IPLocation? {
        var addressError: Int32 = 0
        var databaseError: Int32 = 0
        var result = MMDB_lookup_string(database, address, &addressError, &databaseError)
        guard addressError == 0, databaseError == MMDB_SUCCESS, result.found_entry else { return nil }
        var location = IPLocation()
        location.asNumber = number(&result.entry, ["autonomous_system_number"]).map { Int($0) }
        location.asOrganization = string(&result.entry, ["autonomous_system_organization"])
        location.country = string(&result.entry, ["country", "names", "en"]) ?? string(&result.entry, ["country", "iso_code"])
        location.city = string(&result.entry, ["city", "names", "en"])
        location.latitude = number(&result.entry, ["location", "latitude"])
        location.longitude = number(&result.entry, ["location", "longitude"])
        return location
    }

    private func value(_ entry: inout MMDB_entry_s, _ path: [String]) -> MMDB_entry_data_s? {
        var data = MMDB_entry_data_s()
        // MMDB_get_value is variadic, which Swift cannot call; MMDB_aget_value
        // takes the path as a NULL-terminated array.
        let cStrings = path.map { strdup($0) }
        defer { cStrings.forEach { free($0) } }
        var pointers: [UnsafePointer<CChar>?] = cStrings.map { UnsafePointer($0) } + [nil]
        let status = pointers.withUnsafeMutableBufferPointer { MMDB_aget_value(&entry, &data, $0.baseAddress) }
        guard status == MMDB_SUCCESS, data.has_data else { return nil }
        return data
    }

    private func string(_ entry: inout MMDB_entry_s, _ path: [String]) -> String? {
        guard let data = value(&entry, path), data.type == UInt32(MMDB_DATA_TYPE_UTF8_STRING), let text = data.utf8_string else { return nil }
        let bytes = UnsafeRawBufferPointer(start: text, count: Int(data.data_size))
        return String(decoding: bytes, as: UTF8.self)
    }

    private func number(_ entry: inout MMDB_entry_s, _ path: [String]) -> Double? {
        guard let data = value(&entry, path) else { return nil }
        switch Int32(data.type) {
        case MMDB_DATA_TYPE_DOUBLE: return data.double_value
        case MMDB_DATA_TYPE_FLOAT: return Double(data.float_value)
        case MMDB_DATA_TYPE_UINT16: return Double(data.uint16)
        case MMDB_DATA_TYPE_UINT32: return Double(data.uint32)
        default: return nil
        }
    }
}

/// Several databases asked in turn, so that a City and an ASN database
/// together fill one location.
public final class MaxMindDatabases: IPLocator {
    public let databases: [MaxMindDatabase]

    public init(_ databases: [MaxMindDatabase]) {
        self.databases = databases
    }

    public func locate(_ address: String) -> IPLocation? {
        var combined: IPLocation? = nil
        for database in databases {
            guard let location = database.locate(address) else { continue }
            var merged = combined ?? IPLocation()
            merged.asNumber = merged.asNumber ?? location.asNumber
            merged.asOrganization = merged.asOrganization ?? location.asOrganization
            merged.country = merged.country ?? location.country
            merged.city = merged.city ?? location.city
            if merged.latitude == nil || merged.longitude == nil {
                merged.latitude = location.latitude
                merged.longitude = location.longitude
            }
            combined = merged
        }
        return combined
    }
}
