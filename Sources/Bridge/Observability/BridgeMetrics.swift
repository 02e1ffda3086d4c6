import Foundation
import Prometheus

/// The Prometheus metrics of the engine: controller-runtime's reconcile and work-queue
/// families (so existing dashboards keep working) plus the bridge's own.
public final class BridgeMetrics: Sendable {
    public let registry = PrometheusCollectorRegistry()
    let controller = "rhoai-normalizer"

    let reconcileSuccess: Counter
    let reconcileError: Counter
    let reconcileRequeue: Counter
    let reconcileErrors: Counter
    let reconcileTime: DurationHistogram
    let queueDepth: Gauge
    let queueAdds: Counter
    let queueRetries: Counter
    let queueWorkDuration: DurationHistogram
    let registryModels: Gauge
    let kserveModels: Gauge
    let documents: Gauge
    let pollDuration: DurationHistogram
    let errors: Counter
    let keySetsPosted: Counter
    let probes: Counter
    let fullReads: Counter

    public init() {
        let buckets: [Duration] = [
            .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
            .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5), .seconds(10), .seconds(30),
            .seconds(60),
        ]
        let name = [("controller", controller)]
        reconcileSuccess = registry.makeCounter(
            name: "controller_runtime_reconcile_total", labels: name + [("result", "success")],
            help: "Total number of reconciliations per controller")
        reconcileError = registry.makeCounter(
            name: "controller_runtime_reconcile_total", labels: name + [("result", "error")],
            help: "Total number of reconciliations per controller")
        reconcileRequeue = registry.makeCounter(
            name: "controller_runtime_reconcile_total", labels: name + [("result", "requeue")],
            help: "Total number of reconciliations per controller")
        reconcileErrors = registry.makeCounter(
            name: "controller_runtime_reconcile_errors_total", labels: name,
            help: "Total number of reconciliation errors per controller")
        reconcileTime = registry.makeDurationHistogram(
            name: "controller_runtime_reconcile_time_seconds", labels: name, buckets: buckets,
            help: "Length of time per reconciliation per controller")
        let queue = [("name", controller)]
        queueDepth = registry.makeGauge(name: "workqueue_depth", labels: queue, help: "Current depth of workqueue")
        queueAdds = registry.makeCounter(
            name: "workqueue_adds_total", labels: queue, help: "Total number of adds handled by workqueue")
        queueRetries = registry.makeCounter(
            name: "workqueue_retries_total", labels: queue, help: "Total number of retries handled by workqueue")
        queueWorkDuration = registry.makeDurationHistogram(
            name: "workqueue_work_duration_seconds", labels: queue, buckets: buckets,
            help: "How long in seconds processing an item from workqueue takes")
        registryModels = registry.makeGauge(
            name: "modelbridge_models", labels: [("source", "registry")], help: "Model documents the bridge publishes")
        kserveModels = registry.makeGauge(
            name: "modelbridge_models", labels: [("source", "kserve")], help: "Model documents the bridge publishes")
        documents = registry.makeGauge(
            name: "modelbridge_documents_published", help: "Documents storage and location hold, as last pushed")
        pollDuration = registry.makeDurationHistogram(
            name: "modelbridge_poll_duration_seconds", buckets: buckets, help: "Duration of one normalizer cycle")
        errors = registry.makeCounter(name: "modelbridge_errors_total", help: "Errors the normalizer met")
        keySetsPosted = registry.makeCounter(
            name: "modelbridge_keysets_posted_total", help: "Complete key sets sent to storage")
        probes = registry.makeCounter(name: "modelbridge_registry_probes_total", help: "Registry change probes")
        fullReads = registry.makeCounter(name: "modelbridge_registry_reads_total", help: "Full registry reads")
    }

    /// Sets the per-registry request counter to the transport's running total.
    func recordRegistryRequests(_ counts: [String: Int]) {
        for (registryKey, count) in counts {
            registry.makeGauge(
                name: "modelbridge_registry_requests", labels: [("registry", registryKey)],
                help: "Requests sent to each registry since start"
            ).set(Double(count))
        }
    }

    /// Leader election: controller-runtime's `leader_election_master_status{name}` (1 while this process
    /// holds the lease) and `modelbridge_publishing{reason}`, where exactly one of `leader`, `standby` and
    /// `lease_unavailable` is 1 (all 0 before the first attempt).
    func recordLeadership(lease: String, isLeader: Bool, mode: PublishingState.Mode?) {
        registry.makeGauge(
            name: "leader_election_master_status", labels: [("name", lease)],
            help: "Gauge of if the reporting system is master of the relevant lease, 0 indicates backup, 1 indicates "
                + "master. 'name' is the string used to identify the lease."
        ).set(Double(isLeader ? 1 : 0))
        for candidate in PublishingState.Mode.allCases {
            registry.makeGauge(
                name: "modelbridge_publishing", labels: [("reason", candidate.metricReason)],
                help: "1 for why the normalizer publishes (leader) or publishes nothing (standby: another replica "
                    + "holds the lease; lease_unavailable: the lease cannot be acquired or renewed)"
            ).set(Double(candidate == mode ? 1 : 0))
        }
    }

    /// Per registry: when it last answered a probe or a read in full (`modelbridge_registry_last_success_timestamp_seconds`)
    /// and when it was last read in full (`modelbridge_registry_last_read_timestamp_seconds`), in seconds since the epoch.
    func recordRegistryContact(registry key: String, at time: Date, fullRead: Bool) {
        let labels = [("registry", key)]
        registry.gauge(
            "modelbridge_registry_last_success_timestamp_seconds", labels: labels,
            help:
                "When the registry last answered a change probe or a full read without error, in seconds since the epoch"
        ).set(to: time.timeIntervalSince1970)
        if fullRead {
            registry.gauge(
                "modelbridge_registry_last_read_timestamp_seconds", labels: labels,
                help: "When the registry was last read in full, in seconds since the epoch"
            ).set(to: time.timeIntervalSince1970)
        }
    }

    /// `PROBE_INTERVAL`, so that alerts can speak in probe intervals.
    func recordProbeInterval(_ interval: Duration) {
        registry.gauge(
            "modelbridge_registry_probe_interval_seconds",
            help: "How often the normalizer probes each registry for changes (PROBE_INTERVAL)"
        ).set(to: Double(interval.components.seconds) + Double(interval.components.attoseconds) / 1e18)
    }

    /// The text exposition format.
    public func render() -> String { registry.emitToString() }
}
