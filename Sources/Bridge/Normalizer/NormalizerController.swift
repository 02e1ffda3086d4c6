import CatalogModel
import Foundation
import KubeAPI
import Logging
import RegistryAPI

/// Settings of the normalizer (upstream environment variables and ours).
public struct NormalizerConfiguration: Sendable {
    /// `MR_ROUTE`: registries by route, else label discovery.
    public var mrRoute: String?
    /// Bearer token for the registries and the catalog (`KFMR_TOKEN`, else the Kubernetes token).
    public var registryToken: String?
    /// `PROBE_INTERVAL`: how often registries are probed for changes.
    public var probeInterval: Duration
    /// `POLLING_INTERVAL`: how often everything is read in full regardless of probes.
    public var pollingInterval: Duration
    public var format: NormalizerFormat
    public var settings: NormalizerSettings
    /// Upserts in flight at once.
    public var upsertParallelism: Int
    /// Longest wait before retrying a failed upsert.
    public var maximumRetryDelay: Duration

    public init(
        mrRoute: String? = nil, registryToken: String? = nil, probeInterval: Duration = .seconds(10),
        pollingInterval: Duration = .seconds(120), format: NormalizerFormat = .jsonArray,
        settings: NormalizerSettings = NormalizerSettings(), upsertParallelism: Int = 8,
        maximumRetryDelay: Duration = .seconds(300)
    ) {
        self.mrRoute = mrRoute
        self.registryToken = registryToken
        self.probeInterval = probeInterval
        self.pollingInterval = pollingInterval
        self.format = format
        self.settings = settings
        self.upsertParallelism = max(1, upsertParallelism)
        self.maximumRetryDelay = maximumRetryDelay
    }
}

/// The rhoai-normalizer: keeps storage (and through it `location`) equal to what the
/// registries and KServe say, level-triggered.
///
/// It only wires three parts, each in its own file and testable alone:
/// - ``RegistryPoller`` discovers, probes and reads the registries into ``RegistryReadings``;
/// - ``DocumentRenderer`` turns the readings and the KServe informer's objects into the desired
///   documents (``RenderedDocuments``), holding back what unreadable objects stand behind;
/// - ``PushQueue`` upserts what changed, with per-key backoff, and posts the key set.
///
/// One loop runs them, so nothing races (B13, B15): on every wake-up (a KServe change, a resync
/// request, a due probe or a due retry) it polls when due, renders when something changed, and
/// posts the key set **only when every source answered in full** (B14): the route list, every
/// registry, and the KServe informer's initial list.
public actor NormalizerController {
    let configuration: NormalizerConfiguration
    let transport: RegistryTransport
    let cluster: ClusterSource?
    let metrics: BridgeMetrics
    let events: EventLog
    let logger: Logger
    let isLeader: @Sendable () -> Bool
    let publishing: @Sendable () -> PublishingState
    let poller: RegistryPoller
    let renderer: DocumentRenderer
    let queue: PushQueue
    nonisolated let wake = WakeSignal()

    private var lastProbe: ContinuousClock.Instant?
    private var lastFull: ContinuousClock.Instant?
    private var resyncAll = false
    private var resyncKeys: Set<ImportKey> = []
    private var rendered = RenderedDocuments()
    private var lastCycle: Date?
    private var lastCompleteCycle: Date?
    private var incompleteReasons: [String] = []
    private var servicesSeen: [KServeInferenceService] = []
    private var renderedGeneration: (cluster: Int, registries: Int)?
    private var figures = FigureHistory()

    public init(
        configuration: NormalizerConfiguration, routes: any RouteLister, transport: RegistryTransport,
        cluster: ClusterSource?, sink: any CatalogSink, metrics: BridgeMetrics = BridgeMetrics(),
        events: EventLog = EventLog(), isLeader: @escaping @Sendable () -> Bool = { true },
        publishing: @escaping @Sendable () -> PublishingState = { .publishing },
        logger: Logger = Logger(label: "modelbridge.normalizer")
    ) {
        self.configuration = configuration
        self.transport = transport
        self.cluster = cluster
        self.metrics = metrics
        metrics.recordProbeInterval(configuration.probeInterval)
        metrics.recordMaxConcurrentReconciles(configuration.upsertParallelism)
        self.events = events
        self.isLeader = isLeader
        self.publishing = publishing
        self.logger = logger
        self.poller = RegistryPoller(
            mrRoute: configuration.mrRoute, token: configuration.registryToken,
            probeInterval: configuration.probeInterval, routes: routes, transport: transport, metrics: metrics,
            events: events, logger: logger)
        self.renderer = DocumentRenderer(settings: configuration.settings, format: configuration.format)
        self.queue = PushQueue(
            sink: sink, format: configuration.format, parallelism: configuration.upsertParallelism,
            maximumRetryDelay: configuration.maximumRetryDelay, metrics: metrics, events: events, logger: logger)
    }

    // MARK: Running

    /// Runs until cancelled: the KServe informers, and the cycle loop.
    public func run() async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            if let cluster {
                group.addTask { try await cluster.run() }
                group.addTask { [wake] in
                    for await _ in cluster.changes { wake.signal() }
                }
            }
            group.addTask { try await self.loop() }
            try await group.next()
            group.cancelAll()
        }
    }

    func loop() async throws {
        let clock = ContinuousClock()
        while !Task.isCancelled {
            await cycle()
            let now = clock.now
            var deadline = (lastProbe ?? now) + configuration.probeInterval
            if let retry = await queue.state().nextRetry { deadline = min(deadline, retry) }
            let timeout = max(deadline - now, .milliseconds(20))
            await wake.wait(timeout: timeout)
        }
        throw CancellationError()
    }

    /// Asks for a full resync of everything, or of one key's sources, at the next wake-up (now).
    public func requestResync(key: ImportKey? = nil) {
        if let key { resyncKeys.insert(key) } else { resyncAll = true }
        wake.signal()
    }

    /// Runs one cycle now (tests and `POST /resync` use the loop; this is for direct drivers).
    public func runCycle() async { await cycle() }

    // MARK: One cycle

    func cycle() async {
        let now = Date()
        await reconcile(now: now)
        figures.recordPublished(await queue.state().published, at: now)  // modelbridge_documents_published
    }

    private func reconcile(now: Date) async {
        let clock = ContinuousClock()
        let started = clock.now
        var reasons: [String] = []
        let probeDue = lastProbe.map { started - $0 >= configuration.probeInterval } ?? true
        let fullDue = resyncAll || (lastFull.map { started - $0 >= configuration.pollingInterval } ?? true)
        // A cycle that reads the registries also retries one backed-off upsert early (`push`).
        let probed = probeDue || fullDue || !resyncKeys.isEmpty
        if probed {
            lastProbe = started
            let outcome = await poller.poll(forced: fullDue || !resyncKeys.isEmpty, now: now)
            reasons += outcome.reasons
            if let slowest = outcome.slowestRead { figures.recordRegistryRead(slowest, at: now) }
            if fullDue { lastFull = started }
            resyncAll = false
        } else if let failing = await poller.failingRegistry() {
            reasons.append("registry \(failing) failed its last read")
        }
        if let cluster, !cluster.hasSynced { reasons.append("the KServe informer has not listed yet") }
        let readings = await poller.readings()
        let queued = await queue.state()
        if queued.lastKeySet == nil {
            // Until this process has posted a key set it does not know which stored documents
            // belong to an object it cannot read (after a restart, say), so it deletes nothing.
            for snapshot in readings.snapshots where !snapshot.undecodable.isEmpty {
                reasons.append(
                    "registry \(snapshot.registry) has objects that could not be read and their published "
                        + "documents are not known yet")
            }
        }

        // Nothing changed since the last render, nothing to retry, nothing asked for: an idle
        // cycle costs the probes and nothing else.
        let generation = (cluster: cluster?.generation ?? 0, registries: readings.generation)
        let retryDue = (queued.nextRetry.map { $0 <= clock.now } ?? false) || (probed && queued.retrying)
        if let previous = renderedGeneration, previous == generation, !fullDue, resyncKeys.isEmpty, !retryDue,
            reasons.isEmpty, !queued.keySetFailed, queued.lastKeySet != nil || !isLeader()
        {
            incompleteReasons = reasons
            lastCycle = now
            metrics.recordRegistryRequests(transport.requestCounts())
            return
        }
        renderedGeneration = generation

        let services = cluster?.inferenceServices() ?? []
        servicesSeen = services
        let view = await cluster?.view(of: services, refresh: fullDue) ?? ClusterView(inferenceServices: services)
        rendered = renderer.render(readings: readings, services: services, view: view, previous: rendered)
        for held in rendered.held {
            logger.warning(
                "keeping published documents unchanged: registry objects behind them could not be read",
                metadata: [
                    "registry": "\(held.registry)", "documents": "\(held.documents)",
                    "deletionsHeld": "\(held.deletionsHeld)",
                ])
        }
        let desired = rendered.documents
        metrics.registryModels.set(Double(desired.values.filter { $0.reconcilerType == .kubeflow }.count))
        metrics.kserveModels.set(Double(desired.values.filter { $0.reconcilerType == .kserve }.count))

        if isLeader() {
            await queue.push(desired, forced: resyncKeys, probe: probed)
            resyncKeys = []
            if reasons.isEmpty {
                await queue.postKeySet(Set(desired.keys))
                lastCompleteCycle = now
            } else if queued.lastKeySet != Set(desired.keys) {
                logger.warning(
                    "deletions deferred: not every source answered in full",
                    metadata: ["reasons": "\(reasons)"])
            }
        }
        incompleteReasons = reasons
        lastCycle = now
        metrics.pollDuration.recordNanoseconds(Int64((clock.now - started).nanoseconds))
        metrics.recordRegistryRequests(transport.requestCounts())
    }

    // MARK: Reading state

    /// A copy of everything the normalizer knows.
    public func snapshot() async -> NormalizerSnapshot {
        let registries = await poller.statusReport()
        let readings = await poller.readings()
        let failing = await queue.failing()
        return NormalizerSnapshot(
            registries: registries, snapshots: readings.snapshots,
            documents: rendered.documents.values.sorted { $0.key < $1.key }, inferenceServices: servicesSeen,
            failing: failing, lastCycle: lastCycle, lastCompleteCycle: lastCompleteCycle,
            incompleteReasons: incompleteReasons, isLeader: isLeader(), publishing: publishing(), history: figures)
    }

    /// Whether one complete cycle has posted a key set (readiness).
    public var isReady: Bool { lastCompleteCycle != nil }
}

extension Duration {
    fileprivate var nanoseconds: Int64 {
        components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000
    }
}
