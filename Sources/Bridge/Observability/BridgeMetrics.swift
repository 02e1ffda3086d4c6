import Foundation
import Prometheus

/// The Prometheus metrics of the engine: controller-runtime's reconcile and work-queue
/// families (so existing dashboards keep working), client-go's request families for the
/// Kubernetes client and the registry transport (``restClient``), and the bridge's own.
///
/// Some figures are read rather than counted (work in progress); ``refreshScrapeFigures()``
/// sets them, and runs before every scrape of the admin port.
public final class BridgeMetrics: Sendable {
    public let registry = PrometheusCollectorRegistry()
    let controller = "rhoai-normalizer"

    let reconcileSuccess: Counter
    let reconcileError: Counter
    let reconcileRequeue: Counter
    let reconcileErrors: Counter
    let reconcileTime: DurationHistogram
    /// The upserts to storage, as a work queue named after the controller.
    let queue: WorkQueueMetrics
    /// Requests to the Kubernetes API and to the registries and catalogs; hand its observers to the clients.
    public let restClient: RESTClientMetrics
    let registryModels: Gauge
    let kserveModels: Gauge
    let documents: Gauge
    let pollDuration: DurationHistogram
    let registryReadDuration: DurationHistogram
    let errors: Counter
    let keySetsPosted: Counter
    let probes: Counter
    let fullReads: Counter
    private let modelCardFetches: [ModelCardFetchResult: Counter]

    public init() {
        let buckets: [Duration] = [
            .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
            .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5), .seconds(10), .seconds(30),
            .seconds(60),
        ]
        let name = [("controller", controller)]
        let reconciles = "Total number of reconciliations per controller"
        reconcileSuccess = registry.counter(
            "controller_runtime_reconcile_total", labels: name + [("result", "success")], help: reconciles)
        reconcileError = registry.counter(
            "controller_runtime_reconcile_total", labels: name + [("result", "error")], help: reconciles)
        reconcileRequeue = registry.counter(
            "controller_runtime_reconcile_total", labels: name + [("result", "requeue")], help: reconciles)
        reconcileErrors = registry.counter(
            "controller_runtime_reconcile_errors_total", labels: name,
            help: "Total number of reconciliation errors per controller")
        reconcileTime = registry.durationHistogram(
            "controller_runtime_reconcile_time_seconds", labels: name, buckets: buckets,
            help: "Length of time per reconciliation per controller")
        queue = WorkQueueMetrics(registry: registry, name: controller, controller: controller)
        restClient = RESTClientMetrics(registry: registry)
        let models = "Model documents the bridge publishes"
        registryModels = registry.gauge("modelbridge_models", labels: [("source", "registry")], help: models)
        kserveModels = registry.gauge("modelbridge_models", labels: [("source", "kserve")], help: models)
        documents = registry.gauge(
            "modelbridge_documents_published", help: "Documents storage and location hold, as last pushed")
        pollDuration = registry.durationHistogram(
            "modelbridge_poll_duration_seconds", buckets: buckets, help: "Duration of one normalizer cycle")
        registryReadDuration = registry.durationHistogram(
            "modelbridge_registry_read_duration_seconds", buckets: buckets,
            help: "Duration of reading one registry in a cycle: its change probe, and the full read when one was due")
        errors = registry.counter("modelbridge_errors_total", help: "Errors the normalizer met")
        keySetsPosted = registry.counter(
            "modelbridge_keysets_posted_total", help: "Complete key sets sent to storage")
        probes = registry.counter("modelbridge_registry_probes_total", help: "Registry change probes")
        fullReads = registry.counter("modelbridge_registry_reads_total", help: "Full registry reads")
        var cardFetches: [ModelCardFetchResult: Counter] = [:]
        for result in ModelCardFetchResult.allCases {
            cardFetches[result] = registry.counter(
                "modelbridge_model_card_fetches_total", labels: [("result", result.rawValue)],
                help: "Model cards requested from the catalog, by result (ok: a card; not_found: no such catalog "
                    + "model, or it has no readme; error: the catalog could not be read)")
        }
        modelCardFetches = cardFetches
    }

    /// Sets the figures that are read rather than counted; runs before every scrape.
    public func refreshScrapeFigures() {
        queue.refresh()
    }

    /// One model card request to the catalog and how it ended.
    func recordModelCardFetch(_ result: ModelCardFetchResult) {
        modelCardFetches[result]?.increment()
    }

    /// The work loop's concurrency limit (`controller_runtime_max_concurrent_reconciles`).
    func recordMaxConcurrentReconciles(_ limit: Int) {
        queue.setMaxConcurrentReconciles(limit)
    }

    /// Sets the per-registry request counter to the transport's running total.
    func recordRegistryRequests(_ counts: [String: Int]) {
        for (registryKey, count) in counts {
            registry.gauge(
                "modelbridge_registry_requests", labels: [("registry", registryKey)],
                help: "Requests sent to each registry since start"
            ).set(to: Double(count))
        }
    }

    /// Leader election: controller-runtime's `leader_election_master_status{name}` (1 while this process
    /// holds the lease) and `modelbridge_publishing{reason}`, where exactly one of `leader`, `standby` and
    /// `lease_unavailable` is 1 (all 0 before the first attempt).
    func recordLeadership(lease: String, isLeader: Bool, mode: PublishingState.Mode?) {
        registry.gauge(
            "leader_election_master_status", labels: [("name", lease)],
            help: "Gauge of if the reporting system is master of the relevant lease, 0 indicates backup, 1 indicates "
                + "master. 'name' is the string used to identify the lease."
        ).set(to: Double(isLeader ? 1 : 0))
        for candidate in PublishingState.Mode.allCases {
            registry.gauge(
                "modelbridge_publishing", labels: [("reason", candidate.metricReason)],
                help: "1 for why the normalizer publishes (leader) or publishes nothing (standby: another replica "
                    + "holds the lease; lease_unavailable: the lease cannot be acquired or renewed)"
            ).set(to: Double(candidate == mode ? 1 : 0))
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
        ).set(to: interval.inSeconds)
    }

    /// The text exposition format, after the scrape-time figures are refreshed.
    public func render() -> String {
        refreshScrapeFigures()
        return registry.emitToString()
    }
}

/// How one model card request to the catalog ended (`modelbridge_model_card_fetches_total{result}`).
enum ModelCardFetchResult: String, CaseIterable, Sendable {
    /// The catalog returned a card.
    case ok
    /// The catalog has no such model, or the model has no readme.
    case notFound = "not_found"
    /// The catalog could not be read (no answer, or an unexpected one).
    case error
}
