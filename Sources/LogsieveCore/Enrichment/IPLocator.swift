/// The network and location of an IP address, from a source outside the
/// event, such as a MaxMind database.
public struct IPLocation: Sendable, Equatable {
    public var asNumber: Int?
    public var asOrganization: String?
    /// The country name, or the ISO code when the database has no name.
    public var country: String?
    public var city: String?
    public var latitude: Double?
    public var longitude: Double?

    public init(asNumber: Int? = nil, asOrganization: String? = nil, country: String? = nil, city: String? = nil,
                latitude: Double? = nil, longitude: Double? = nil) {
        self.asNumber = asNumber
        self.asOrganization = asOrganization
        self.country = country
        self.city = city
        self.latitude = latitude
        self.longitude = longitude
    }
}

/// Looks up addresses that an event carries without their network or
/// location (`--geoip-db`). The enrich stage fills only fields that the
/// event lacks, so Okta's own `securityContext` and `geographicalContext` win.
public protocol IPLocator: AnyObject {
    func locate(_ address: String) -> IPLocation?
}

extension NetworkFacts {
    /// Fills the fields that the event left empty from `location`.
    mutating func fillMissing(from location: IPLocation) {
        if asNumber == nil { asNumber = location.asNumber }
        if asOrganization == nil { asOrganization = location.asOrganization }
        if country == nil { country = location.country }
        if city == nil { city = location.city }
        if latitude == nil || longitude == nil {
            latitude = location.latitude
            longitude = location.longitude
        }
    }

    var isComplete: Bool {
        asNumber != nil && country != nil && latitude != nil && longitude != nil
    }
}
