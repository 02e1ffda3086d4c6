import Prometheus
import Synchronization

/// The figures of one work queue under client-go's names, and the worker gauges of the
/// controller that drains it under controller-runtime's, so dashboards written for Go
/// controllers read them:
///
/// | family | type | meaning |
/// |---|---|---|
/// | `workqueue_depth{name}` | gauge | items added and not started yet |
/// | `workqueue_adds_total{name}` | counter | items added |
/// | `workqueue_retries_total{name}` | counter | items that failed and will be retried |
/// | `workqueue_queue_duration_seconds{name}` | histogram | how long an item waited before its processing started |
/// | `workqueue_work_duration_seconds{name}` | histogram | how long processing an item took |
/// | `workqueue_unfinished_work_seconds{name}` | gauge | seconds of work in progress, summed over running items |
/// | `workqueue_longest_running_processor_seconds{name}` | gauge | age of the longest-running item |
/// | `controller_runtime_active_workers{controller}` | gauge | items being processed now |
/// | `controller_runtime_max_concurrent_reconciles{controller}` | gauge | how many may be processed at once |
///
/// The two in-progress gauges are computed from the start times of the running items when
/// ``refresh(now:)`` runs, before each scrape: a stuck item makes them grow between scrapes.
///
/// ```swift
/// let item = queue.add()
/// queue.start(item)   // in the worker, when processing begins
/// defer { queue.finish(item) }
/// ```
final class WorkQueueMetrics: Sendable {
    /// One added item: when it was added, and an identity while it runs.
    struct Item: Sendable {
        fileprivate let id: Int
        fileprivate let added: ContinuousClock.Instant
    }

    private struct State {
        var nextID = 0
        var waiting = 0
        var running: [Int: ContinuousClock.Instant] = [:]
    }

    private let state = Mutex(State())
    private let depth: Gauge
    private let adds: Counter
    private let retries: Counter
    private let queueDuration: DurationHistogram
    private let workDuration: DurationHistogram
    private let unfinishedWork: Gauge
    private let longestRunning: Gauge
    private let activeWorkers: Gauge
    private let maxConcurrentReconciles: Gauge

    /// controller-runtime's work-queue buckets (`ExponentialBuckets(10e-9, 10, 12)`): 10 ns to 1000 s, since an
    /// in-process item waits and runs for microseconds while one stuck behind a slow API server takes minutes.
    static let buckets: [Duration] = (0..<12).map { exponent in
        .nanoseconds(10) * (0..<exponent).reduce(1) { value, _ in value * 10 }
    }

    init(registry: PrometheusCollectorRegistry, name: String, controller: String) {
        let queue = [("name", name)]
        depth = registry.gauge("workqueue_depth", labels: queue, help: "Current depth of workqueue")
        adds = registry.counter(
            "workqueue_adds_total", labels: queue, help: "Total number of adds handled by workqueue")
        retries = registry.counter(
            "workqueue_retries_total", labels: queue, help: "Total number of retries handled by workqueue")
        queueDuration = registry.durationHistogram(
            "workqueue_queue_duration_seconds", labels: queue, buckets: Self.buckets,
            help: "How long in seconds an item stays in workqueue before being requested")
        workDuration = registry.durationHistogram(
            "workqueue_work_duration_seconds", labels: queue, buckets: Self.buckets,
            help: "How long in seconds processing an item from workqueue takes")
        unfinishedWork = registry.gauge(
            "workqueue_unfinished_work_seconds", labels: queue,
            help: "How many seconds of work has been done that is in progress and hasn't been observed by "
                + "work_duration. Large values indicate stuck threads. One can deduce the number of stuck threads "
                + "by observing the rate at which this increases.")
        longestRunning = registry.gauge(
            "workqueue_longest_running_processor_seconds", labels: queue,
            help: "How many seconds has the longest running processor for workqueue been running.")
        let owner = [("controller", controller)]
        activeWorkers = registry.gauge(
            "controller_runtime_active_workers", labels: owner,
            help: "Number of currently used workers per controller")
        maxConcurrentReconciles = registry.gauge(
            "controller_runtime_max_concurrent_reconciles", labels: owner,
            help: "Maximum number of concurrent reconciles per controller")
    }

    /// The controller's concurrency limit: how many items it processes at once.
    func setMaxConcurrentReconciles(_ limit: Int) {
        maxConcurrentReconciles.set(to: Double(limit))
    }

    /// Adds one item; it waits until ``start(_:)``.
    func add(now: ContinuousClock.Instant = .now) -> Item {
        adds.increment()
        return state.withLock { state in
            state.nextID += 1
            state.waiting += 1
            depth.set(to: Double(state.waiting))
            return Item(id: state.nextID, added: now)
        }
    }

    /// Processing of `item` begins: its wait is observed and it counts as running.
    func start(_ item: Item, now: ContinuousClock.Instant = .now) {
        queueDuration.record(now - item.added)
        state.withLock { state in
            state.waiting -= 1
            state.running[item.id] = now
            depth.set(to: Double(state.waiting))
            activeWorkers.set(to: Double(state.running.count))
        }
    }

    /// Processing of `item` is over: its duration is observed and it stops counting as running.
    func finish(_ item: Item, now: ContinuousClock.Instant = .now) {
        let started = state.withLock { state in
            let started = state.running.removeValue(forKey: item.id)
            activeWorkers.set(to: Double(state.running.count))
            return started
        }
        if let started { workDuration.record(now - started) }
    }

    /// An item failed and will be added again later.
    func retry() {
        retries.increment()
    }

    /// Sets the in-progress gauges from the running items' start times (before a scrape).
    func refresh(now: ContinuousClock.Instant = .now) {
        state.withLock { state in
            let ages = state.running.values.map { (now - $0).inSeconds }
            unfinishedWork.set(to: ages.reduce(0, +))
            longestRunning.set(to: ages.max() ?? 0)
        }
    }
}

extension Duration {
    /// The duration in seconds, as Prometheus wants it.
    var inSeconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
