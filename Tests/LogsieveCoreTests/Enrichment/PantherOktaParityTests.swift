import Foundation
import Testing
@testable import LogsieveCore

/// Parity with the Okta cases of Panther's rule tests
/// (Tests/Fixtures/corpus/idp, panther-labs/panther-analysis, Apache-2.0).
///
/// For each Panther rule that a logsieve flag covers, logsieve must agree
/// with the case's `expected` verdict, except for the disagreements listed
/// below with their reasons. The README's parity table lists the same.
@Suite struct PantherOktaParityTests {
    /// Panther rule id → the logsieve flags that must all be present for
    /// logsieve to agree with a firing rule.
    static let coveredRules: [String: [String]] = [
        "Okta.AdminRoleAssigned": ["admin.sensitive_action"],
        "Okta.Group.Admin.Role.Assigned": ["admin.sensitive_action"],
        "Okta.APIKeyCreated": ["admin.sensitive_action"],
        "Okta.Global.MFA.Disabled": ["admin.sensitive_action"],
        "Okta.Identity.Provider.Created.Modified": ["admin.sensitive_action"],
        "Okta.Support.Access": ["admin.sensitive_action"],
        "Okta.User.MFA.Reset.All": ["admin.sensitive_action"],
        "Okta.User.MFA.Reset.Single": ["admin.sensitive_action"],
        "Standard.MFADisabled": ["admin.sensitive_action"],
        "Okta.Anonymizing.VPN.Login": ["network.anonymizer"],
        "Okta.New.Behavior.Accessing.Admin.Console": ["okta.behavior"],
        "Okta.ThreatInsight.Security.Threat.Detected": ["okta.threat_suspected"],
        "Okta.PotentiallyStolenSession": ["session.network_changed", "session.client_changed"],
        "Standard.ImpossibleTravel.Login": ["user.impossible_travel"],
    ]

    /// The reason for a deliberate disagreement on a case.
    enum Disagreement {
        /// The case has lower-cased keys (`eventtype`, `debugcontext`) that
        /// Panther's own normalisation made and that Okta never emits, so
        /// logsieve does not recognise it as an Okta event. With the keys
        /// restored to Okta's spelling logsieve agrees, which is tested.
        case lowerCasedKeys
        /// The event carries no location: the case's locations are in
        /// Panther's `p_enrichment.ipinfo_location`, which is not part of the
        /// Okta event. With that location moved to Okta's
        /// `client.geographicalContext` logsieve agrees, which is tested.
        case locationOnlyInPantherEnrichment
        /// The admin action failed (`outcome.result` FAILURE), so nothing was
        /// granted; logsieve flags only sensitive actions that did not fail.
        case failedAction
        /// The two sign-ins are about 40 km apart, under the 50 km
        /// `--min-travel-distance` below which city-level geolocation is noise.
        case underMinimumDistance
    }

    /// Cases where logsieve deliberately says otherwise, by rule and test name.
    static let disagreements: [String: Disagreement] = [
        "Okta.Anonymizing.VPN.Login / Anonymizing Proxy Used": .lowerCasedKeys,
        "Okta.Anonymizing.VPN.Login / Apple Private Relay Used": .lowerCasedKeys,
        "Okta.Group.Admin.Role.Assigned / Group Privilege Grant": .failedAction,
        "Okta.Identity.Provider.Created.Modified / FastPass Phishing Block Event": .lowerCasedKeys,
        "Okta.New.Behavior.Accessing.Admin.Console / New Behavior Accessing Admin Console (behavior)": .lowerCasedKeys,
        "Okta.New.Behavior.Accessing.Admin.Console / New Behavior Accessing Admin Console (logSecurityDataOnly)": .lowerCasedKeys,
        "Okta.New.Behavior.Accessing.Admin.Console / New Behavior Accessing Admin Console (logSecurityDataOnly) - not jsonified string": .lowerCasedKeys,
        "Okta.ThreatInsight.Security.Threat.Detected / Threat Detected Event - Deny": .lowerCasedKeys,
        "Okta.ThreatInsight.Security.Threat.Detected / Threat Detected Event - Success": .lowerCasedKeys,
        "Okta.User.MFA.Reset.Single / User reset own MFA factor": .lowerCasedKeys,
        "Okta.User.MFA.Reset.All / Reset All Event": .lowerCasedKeys,
        "Standard.MFADisabled / Okta - User disables MFA": .lowerCasedKeys,
        "Standard.ImpossibleTravel.Login / Okta sign-in with history and impossible travel": .locationOnlyInPantherEnrichment,
        "Standard.ImpossibleTravel.Login / Okta sign-in with history and impossible travel, Apple Private Relay": .locationOnlyInPantherEnrichment,
        "Standard.ImpossibleTravel.Login / Okta sign-in with history and impossible travel, VPN with service": .locationOnlyInPantherEnrichment,
        "Standard.ImpossibleTravel.Login / Okta sign-in with history and impossible travel, VPN with no service": .locationOnlyInPantherEnrichment,
        "Standard.ImpossibleTravel.Login / Short Distances and Short Timedeltas": .underMinimumDistance,
        "Standard.ImpossibleTravel.Login / Okta sign-in with history and impossible travel, no VPN, Intelsat ASN": .locationOnlyInPantherEnrichment,
    ]

    /// Rebuilds the case as Okta would have written it, undoing the change
    /// that `reason` names.
    static func repaired(_ testCase: Case, _ reason: Disagreement) -> Case? {
        var repaired = testCase
        switch reason {
        case .failedAction, .underMinimumDistance:
            return nil
        case .lowerCasedKeys:
            let spelling = ["eventtype": "eventType", "debugcontext": "debugContext", "securitycontext": "securityContext",
                            "authenticationcontext": "authenticationContext", "displaymessage": "displayMessage",
                            "legacyeventtype": "legacyEventType"]
            var log: [String: Any] = [:]
            for (key, value) in testCase.log { log[spelling[key] ?? key] = value }
            repaired.log = log
        case .locationOnlyInPantherEnrichment:
            let enrichment = testCase.log["p_enrichment"] as? [String: Any]
            if let location = (enrichment?["ipinfo_location"] as? [String: Any])?["client.ipAddress"] as? [String: Any],
               let latitude = Double(location["lat"] as? String ?? ""), let longitude = Double(location["lng"] as? String ?? "") {
                var client = testCase.log["client"] as? [String: Any] ?? [:]
                client["geographicalContext"] = ["city": location["city"] ?? "", "country": location["country"] ?? "",
                                                 "geolocation": ["lat": latitude, "lon": longitude]]
                repaired.log["client"] = client
            }
            if let published = testCase.log["p_event_time"] { repaired.log["published"] = published }
        }
        return repaired
    }

    struct Case {
        var ruleID: String
        var testName: String
        var expected: Bool
        var mocks: [[String: Any]]
        var log: [String: Any]
    }

    static func oktaCases() throws -> [Case] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Fixtures/corpus/idp/panther-idp-rule-tests.jsonl")
        let text = try String(contentsOf: url, encoding: .utf8)
        return text.split(separator: "\n").compactMap { line in
            let object = try! JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            guard (object["log_types"] as! [String]).contains("Okta.SystemLog") else { return nil }
            return Case(ruleID: object["rule_id"] as! String, testName: object["test_name"] as! String,
                        expected: object["expected"] as! Bool, mocks: object["mocks"] as? [[String: Any]] ?? [],
                        log: object["log"] as! [String: Any])
        }
    }

    /// Builds the earlier events that a case's `mocks` stand for, because
    /// Panther caches state that logsieve builds from the events themselves.
    static func earlierEvents(for testCase: Case) -> [[String: Any]] {
        guard let cached = testCase.mocks.first(where: { $0["objectName"] as? String == "get_string_set" })?["returnValue"] as? String,
              let value = try? JSONSerialization.jsonObject(with: Data(cached.utf8)) else { return [] }
        var earlier = testCase.log
        switch testCase.ruleID {
        case "Okta.PotentiallyStolenSession":
            // [asNumber, ipAddress, "user_agent:<raw>", browser, os] of the session's start.
            guard let fields = value as? [String], fields.count == 5 else { return [] }
            var security = earlier["securityContext"] as? [String: Any] ?? [:]
            security["asNumber"] = Int(fields[0])
            earlier["securityContext"] = security
            var client = earlier["client"] as? [String: Any] ?? [:]
            client["ipAddress"] = fields[1]
            client["userAgent"] = ["rawUserAgent": String(fields[2].dropFirst("user_agent:".count)), "browser": fields[3], "os": fields[4]]
            earlier["client"] = client
            var debugContext = earlier["debugContext"] as? [String: Any] ?? [:]
            var debugData = debugContext["debugData"] as? [String: Any] ?? [:]
            debugData["dtHash"] = nil
            debugContext["debugData"] = debugData
            earlier["debugContext"] = debugContext
            return [earlier]
        case "Standard.ImpossibleTravel.Login":
            // [{p_event_time, city, country, lat, lng, …}] of the user's last sign-in.
            guard let history = (value as? [[String: Any]])?.first,
                  let time = history["p_event_time"] as? String,
                  let latitude = Double(history["lat"] as? String ?? ""), let longitude = Double(history["lng"] as? String ?? "")
            else { return [] }
            earlier["published"] = time
            earlier["eventType"] = "user.session.start"
            earlier["outcome"] = ["result": "SUCCESS"]
            var client = earlier["client"] as? [String: Any] ?? [:]
            client["ipAddress"] = "192.0.2.1"
            client["geographicalContext"] = ["city": history["city"] ?? "", "country": history["country"] ?? "",
                                             "geolocation": ["lat": latitude, "lon": longitude]]
            earlier["client"] = client
            return [earlier]
        default:
            return []
        }
    }

    static func flags(for testCase: Case) throws -> Set<String> {
        let events = earlierEvents(for: testCase) + [testCase.log]
        let input = try events.map { String(decoding: try JSONSerialization.data(withJSONObject: $0), as: UTF8.self) }
            .joined(separator: "\n") + "\n"
        let members = enrichmentMembers(try runPipeline(input, pipeline: "redact | enrich"))
        return Set(LogsieveCoreTests.flags(members.last ?? nil))
    }

    @Test func corpusHasTheOktaCases() throws {
        #expect(try Self.oktaCases().count == 95)
    }

    @Test func agreesOnCoveredRules() throws {
        var mismatches: [String] = []
        for testCase in try Self.oktaCases() {
            guard let required = Self.coveredRules[testCase.ruleID] else { continue }
            let fires = try Set(required).isSubset(of: Self.flags(for: testCase))
            let name = "\(testCase.ruleID) / \(testCase.testName)"
            let listed = Self.disagreements[name] != nil
            if (fires != testCase.expected) != listed {
                mismatches.append("\(name): Panther \(testCase.expected), logsieve \(fires), listed as disagreement: \(listed)")
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.joined(separator: "\n"))")
    }

    @Test func agreesOnRepairedDisagreements() throws {
        var mismatches: [String] = []
        for testCase in try Self.oktaCases() {
            let name = "\(testCase.ruleID) / \(testCase.testName)"
            guard let reason = Self.disagreements[name], let required = Self.coveredRules[testCase.ruleID],
                  let repaired = Self.repaired(testCase, reason) else { continue }
            let fires = try Set(required).isSubset(of: Self.flags(for: repaired))
            if fires != testCase.expected { mismatches.append("\(name): Panther \(testCase.expected), repaired logsieve \(fires)") }
        }
        #expect(mismatches.isEmpty, "\(mismatches.joined(separator: "\n"))")
    }

    @Test func uncoveredRulesDoNotBreakEvents() throws {
        for testCase in try Self.oktaCases() where Self.coveredRules[testCase.ruleID] == nil {
            _ = try Self.flags(for: testCase)
        }
    }
}
