import Glibc

/// `user.impossible_travel` and `user.sign_in_after_mfa_reset`: flags that
/// compare a sign-in with the same user's history across sessions.
enum UserFlags {
    static func evaluateSignIn(
        _ event: IdentityEvent, user: UserState, at time: Double, trusted: Bool,
        configuration: EnrichmentConfiguration, into reasons: inout [FlagReason]
    ) {
        guard event.isSignIn, event.outcome == .success else { return }

        if let reset = user.mfaReset, time >= reset, time - reset <= configuration.mfaResetWindow {
            reasons.append(FlagReason(.userSignInAfterMFAReset, .medium, [
                ("seconds_since_mfa_reset", .integer(Int((time - reset).rounded()))),
                ("ip", .string(event.ipAddress ?? "unknown")),
            ]))
        }

        guard let ip = event.ipAddress, let latitude = event.network.latitude, let longitude = event.network.longitude else { return }
        let current = SignInObservation(time: time, ipAddress: ip, latitude: latitude, longitude: longitude,
                                        city: event.network.city, country: event.network.country, anonymizer: event.anonymizer)
        if let previous = user.lastSignIn, !trusted, previous.ipAddress != ip {
            let distance = kilometres(previous.latitude, previous.longitude, latitude, longitude)
            let hours = abs(time - previous.time) / 3600
            let speed = hours > 0 ? distance / hours : .infinity
            if distance >= configuration.minTravelDistance && speed > configuration.maxTravelSpeed {
                let anonymizer = current.anonymizer ?? previous.anonymizer
                var detail: [(String, Evidence)] = [
                    ("previous_ip", .string(previous.ipAddress)), ("ip", .string(ip)),
                    ("previous_location", .string(place(previous.city, previous.country))),
                    ("location", .string(place(current.city, current.country))),
                    ("kilometres", .integer(Int(distance.rounded()))),
                    ("seconds", .integer(Int(abs(time - previous.time).rounded()))),
                    ("km_per_hour", speed.isFinite ? .integer(Int(speed.rounded())) : .string("instant")),
                ]
                if let anonymizer { detail.append(("anonymizer", .string(anonymizer))) }
                // An anonymising network's exit explains the jump as well as travel does.
                reasons.append(FlagReason(.userImpossibleTravel, anonymizer == nil ? .medium : .low, detail))
            }
        }
        if time >= user.lastSignIn?.time ?? -.infinity {
            user.lastSignIn = current
        }
    }

    /// Great-circle distance (haversine, mean Earth radius 6371 km).
    static func kilometres(_ latitude1: Double, _ longitude1: Double, _ latitude2: Double, _ longitude2: Double) -> Double {
        let radians = Double.pi / 180
        let deltaLatitude = (latitude2 - latitude1) * radians
        let deltaLongitude = (longitude2 - longitude1) * radians
        let a = sin(deltaLatitude / 2) * sin(deltaLatitude / 2)
            + cos(latitude1 * radians) * cos(latitude2 * radians) * sin(deltaLongitude / 2) * sin(deltaLongitude / 2)
        return 2 * 6371 * asin(min(1, a.squareRoot()))
    }

    private static func place(_ city: String?, _ country: String?) -> String {
        [city, country].compactMap { $0 }.joined(separator: ", ")
    }
}
