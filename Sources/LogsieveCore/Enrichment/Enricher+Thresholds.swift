extension Enricher {
    /// Takes the thresholds and allowlists of `new` that apply to the next
    /// event without touching stored state: travel speed and distance, the
    /// sensitive-action and MFA-reset windows, trusted networks and AS
    /// numbers. The event root, the late tolerance, the TTLs and the table
    /// sizes stay as they were, because the stored state was built with them.
    public func updateThresholds(from new: EnrichmentConfiguration) {
        configuration.maxTravelSpeed = new.maxTravelSpeed
        configuration.minTravelDistance = new.minTravelDistance
        configuration.sensitiveActionWindow = new.sensitiveActionWindow
        configuration.mfaResetWindow = new.mfaResetWindow
        configuration.trustedNetworks = new.trustedNetworks
        configuration.trustedASNumbers = new.trustedASNumbers
    }
}
