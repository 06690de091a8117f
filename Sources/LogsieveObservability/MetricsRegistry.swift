import Foundation
import Synchronization

/// The process's Prometheus metrics: families registered once with their
/// help text and type, and samples set or added under one lock.
///
/// The pipeline updates it at batch boundaries with one `update` call, so
/// the hot path takes no lock and no atomic per event. Other components
/// (inputs, outputs, configuration reloads) call `add` for their own
/// counters, which `MetricName` lists.
public final class MetricsRegistry: Sendable {
    public enum Kind: String, Sendable {
        case counter
        case gauge
    }

    struct Family {
        var name: String
        var help: String
        var kind: Kind
        /// Samples by their rendered label set (`{kind="jwt"}` or empty).
        var samples: [String: Double] = [:]
    }

    struct State {
        var families: [Family] = []
        var indexByName: [String: Int] = [:]
    }

    private let state = Mutex(State())

    /// The registry that the command-line program serves on `--metrics`.
    public static let shared = MetricsRegistry()

    public init() {}

    /// Declares a family; declaring it again keeps the first declaration.
    /// A counter's name must end with `_total`.
    public func register(_ name: String, help: String, kind: Kind) {
        precondition(kind != .counter || name.hasSuffix("_total"), "counter \(name) must end with _total")
        state.withLock { state in
            guard state.indexByName[name] == nil else { return }
            state.indexByName[name] = state.families.count
            state.families.append(Family(name: name, help: help, kind: kind))
        }
    }

    public func register(_ metric: MetricName) {
        register(metric.name, help: metric.help, kind: metric.kind)
    }

    /// Runs `body` under the lock, so that a scrape reads every value it sets together.
    public func update(_ body: (inout Updater) -> Void) {
        state.withLock { state in
            var updater = Updater(state: state)
            body(&updater)
            state = updater.state
        }
    }

    public func set(_ metric: MetricName, _ labels: [(String, String)] = [], to value: Double) {
        update { $0.set(metric, labels, to: value) }
    }

    public func add(_ metric: MetricName, _ labels: [(String, String)] = [], _ delta: Double = 1) {
        update { $0.add(metric, labels, delta) }
    }

    /// Removes every sample of a family, e.g. the lag of revoked partitions.
    public func clear(_ metric: MetricName) {
        update { $0.clear(metric) }
    }

    /// Returns the value of one sample, or nil when it was never set.
    public func value(_ metric: MetricName, _ labels: [(String, String)] = []) -> Double? {
        state.withLock { state in
            guard let index = state.indexByName[metric.name] else { return nil }
            return state.families[index].samples[PrometheusText.labelSet(labels)]
        }
    }

    /// Renders the text exposition format 0.0.4, families in registration order.
    public func exposition() -> String {
        let families = state.withLock { $0.families }
        return PrometheusText.render(families)
    }

    /// Sets and adds samples inside `MetricsRegistry.update`.
    public struct Updater {
        fileprivate(set) var state: State

        fileprivate init(state: State) {
            self.state = state
        }

        public mutating func set(_ metric: MetricName, _ labels: [(String, String)] = [], to value: Double) {
            let index = familyIndex(metric)
            state.families[index].samples[PrometheusText.labelSet(labels)] = value
        }

        public mutating func set(_ metric: MetricName, _ labels: [(String, String)] = [], to value: Int) {
            set(metric, labels, to: Double(value))
        }

        public mutating func add(_ metric: MetricName, _ labels: [(String, String)] = [], _ delta: Double = 1) {
            let index = familyIndex(metric)
            state.families[index].samples[PrometheusText.labelSet(labels), default: 0] += delta
        }

        public mutating func clear(_ metric: MetricName) {
            state.families[familyIndex(metric)].samples.removeAll()
        }

        private mutating func familyIndex(_ metric: MetricName) -> Int {
            if let index = state.indexByName[metric.name] { return index }
            state.indexByName[metric.name] = state.families.count
            state.families.append(Family(name: metric.name, help: metric.help, kind: metric.kind))
            return state.families.count - 1
        }
    }
}
