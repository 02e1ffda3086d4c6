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

/// The state of one registry as the console shows it.
public struct RegistryStatus: Sendable, Hashable, Codable {
    public var key: String
    public var baseURL: String
    public var catalogURL: String?
    public var lastProbe: Date?
    public var lastFullRead: Date?
    public var lastError: String?
    public var models: Int
    public var liveVersions: Int
    public var requests: Int

    public init(
        key: String, baseURL: String, catalogURL: String?, lastProbe: Date? = nil, lastFullRead: Date? = nil,
        lastError: String? = nil, models: Int, liveVersions: Int, requests: Int
    ) {
        self.key = key
        self.baseURL = baseURL
        self.catalogURL = catalogURL
        self.lastProbe = lastProbe
        self.lastFullRead = lastFullRead
        self.lastError = lastError
        self.models = models
        self.liveVersions = liveVersions
        self.requests = requests
    }
}

/// A consistent copy of what the normalizer knows, for the console and the admin endpoint.
public struct NormalizerSnapshot: Sendable {
    public var registries: [RegistryStatus]
    public var snapshots: [RegistrySnapshot]
    public var documents: [NormalizedDocument]
    public var inferenceServices: [KServeInferenceService]
    /// Keys whose last upsert failed, with the error and when the retry is due.
    public var failing: [String: String]
    public var lastCycle: Date?
    public var lastCompleteCycle: Date?
    /// Why the last cycle could not post a key set (deletions deferred), or nil.
    public var incompleteReasons: [String]
    public var isLeader: Bool
    /// Whether this normalizer writes documents, and if not, why (leader election).
    public var publishing: PublishingState
    /// The last hour of documents published and registry read time, a sample a minute.
    public var history: FigureHistory

    public init(
        registries: [RegistryStatus], snapshots: [RegistrySnapshot] = [], documents: [NormalizedDocument] = [],
        inferenceServices: [KServeInferenceService] = [], failing: [String: String] = [:], lastCycle: Date?,
        lastCompleteCycle: Date?, incompleteReasons: [String], isLeader: Bool,
        publishing: PublishingState = .publishing, history: FigureHistory = FigureHistory()
    ) {
        self.registries = registries
        self.snapshots = snapshots
        self.documents = documents
        self.inferenceServices = inferenceServices
        self.failing = failing
        self.lastCycle = lastCycle
        self.lastCompleteCycle = lastCompleteCycle
        self.incompleteReasons = incompleteReasons
        self.isLeader = isLeader
        self.publishing = publishing
        self.history = history
    }
}

/// The rhoai-normalizer: keeps storage (and through it `location`) equal to what the
/// registries and KServe say, level-triggered.
///
/// One loop does everything, so nothing races (B13, B15): on every wake-up (a KServe change,
/// a resync request, a due probe or a due retry) it probes the registries when due, reads in
/// full only those that changed (or all of them every polling interval), renders every
/// document from the cached snapshots and the KServe informer, upserts only the documents whose
/// bytes changed, and posts the key set **only when every source answered in full** (B14): the
/// route list, every registry, and the KServe informer's initial list. Failed upserts retry
/// with per-key exponential backoff; nothing else retries.
public actor NormalizerController {
    let configuration: NormalizerConfiguration
    let routes: any RouteLister
    let transport: RegistryTransport
    let cluster: ClusterSource?
    let sink: any CatalogSink
    let metrics: BridgeMetrics
    let events: EventLog
    let logger: Logger
    let isLeader: @Sendable () -> Bool
    let publishing: @Sendable () -> PublishingState
    nonisolated let wake = WakeSignal()

    private var discovery: DiscoveryResult?
    private var clients: [String: (RegistryClient, CatalogClient?)] = [:]
    private var snapshots: [String: RegistrySnapshot] = [:]
    /// The skipped objects of each registry already logged, so each is logged once while it lasts.
    private var reportedSkips: [String: Set<String>] = [:]
    private var statuses: [String: RegistryStatus] = [:]
    private var lastProbe: ContinuousClock.Instant?
    private var lastFull: ContinuousClock.Instant?
    private var resyncAll = false
    private var resyncKeys: Set<String> = []
    private var pushed: [String: Int] = [:]
    private var documents: [String: NormalizedDocument] = [:]
    /// Which registry object each registry document in ``documents`` was rendered from; keys
    /// are opaque, so identity is carried here rather than recovered from them.
    private var origins: [String: DocumentOrigin] = [:]
    private var retries: [String: (attempts: Int, due: ContinuousClock.Instant, error: String)] = [:]
    private var lastKeySet: Set<String>?
    private var lastCycle: Date?
    private var lastCompleteCycle: Date?
    private var incompleteReasons: [String] = []
    private var servicesSeen: [KServeInferenceService] = []
    private var renderedGeneration: (cluster: Int, registries: Int)?
    private var registryGeneration = 0
    private var keySetFailed = false
    private var figures = FigureHistory()

    public init(
        configuration: NormalizerConfiguration, routes: any RouteLister, transport: RegistryTransport,
        cluster: ClusterSource?, sink: any CatalogSink, metrics: BridgeMetrics = BridgeMetrics(),
        events: EventLog = EventLog(), isLeader: @escaping @Sendable () -> Bool = { true },
        publishing: @escaping @Sendable () -> PublishingState = { .publishing },
        logger: Logger = Logger(label: "modelbridge.normalizer")
    ) {
        self.configuration = configuration
        self.routes = routes
        self.transport = transport
        self.cluster = cluster
        self.sink = sink
        self.metrics = metrics
        metrics.recordProbeInterval(configuration.probeInterval)
        metrics.recordMaxConcurrentReconciles(configuration.upsertParallelism)
        self.events = events
        self.isLeader = isLeader
        self.publishing = publishing
        self.logger = logger
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
            for retry in retries.values { deadline = min(deadline, retry.due) }
            let timeout = max(deadline - now, .milliseconds(20))
            await wake.wait(timeout: timeout)
        }
        throw CancellationError()
    }

    /// Asks for a full resync of everything, or of one key's sources, at the next wake-up (now).
    public func requestResync(key: String? = nil) {
        if let key { resyncKeys.insert(key) } else { resyncAll = true }
        wake.signal()
    }

    /// Runs one cycle now (tests and `POST /resync` use the loop; this is for direct drivers).
    public func runCycle() async { await cycle() }

    // MARK: One cycle

    func cycle() async {
        let clock = ContinuousClock()
        let started = clock.now
        let now = Date()
        defer { figures.recordPublished(pushed.count, at: now) }  // the modelbridge_documents_published figure
        var reasons: [String] = []
        let probeDue = lastProbe.map { started - $0 >= configuration.probeInterval } ?? true
        let fullDue = resyncAll || (lastFull.map { started - $0 >= configuration.pollingInterval } ?? true)
        // A cycle that reads the registries also retries one backed-off upsert early (`push`).
        let probed = probeDue || fullDue || !resyncKeys.isEmpty
        if probed {
            lastProbe = started
            reasons += await readRegistries(full: fullDue, now: now)
            if fullDue { lastFull = started }
            resyncAll = false
        } else if let previous = statuses.values.first(where: { $0.lastError != nil }) {
            reasons.append("registry \(previous.key) failed its last read")
        }
        if let cluster, !cluster.hasSynced { reasons.append("the KServe informer has not listed yet") }
        if lastKeySet == nil {
            // Until this process has posted a key set it does not know which stored documents
            // belong to an object it cannot read (after a restart, say), so it deletes nothing.
            for snapshot in snapshots.values.sorted(by: { $0.registry < $1.registry })
            where !snapshot.undecodable.isEmpty {
                reasons.append(
                    "registry \(snapshot.registry) has objects that could not be read and their published "
                        + "documents are not known yet")
            }
        }

        // Nothing changed since the last render, nothing to retry, nothing asked for: an idle
        // cycle costs the probes and nothing else.
        let generation = (cluster: cluster?.generation ?? 0, registries: registryGeneration)
        let retryDue = retries.values.contains { $0.due <= clock.now } || (probed && !retries.isEmpty)
        if let rendered = renderedGeneration, rendered == generation, !fullDue, resyncKeys.isEmpty, !retryDue,
            reasons.isEmpty, !keySetFailed, lastKeySet != nil || !isLeader()
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
        let (desired, renderedOrigins) = render(services: services, view: view)
        documents = desired
        origins = renderedOrigins
        metrics.registryModels.set(Double(desired.values.filter { $0.reconcilerType == .kubeflow }.count))
        metrics.kserveModels.set(Double(desired.values.filter { $0.reconcilerType == .kserve }.count))

        if isLeader() {
            await push(desired, forced: resyncKeys, probe: probed)
            resyncKeys = []
            if reasons.isEmpty {
                await postKeySet(Set(desired.keys))
                lastCompleteCycle = now
            } else if lastKeySet != Set(desired.keys) {
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

    /// Discovers registries and reads those that changed. Returns why the cycle is incomplete.
    func readRegistries(full: Bool, now: Date) async -> [String] {
        var reasons: [String] = []
        do {
            let found = try await RegistryDiscovery.discover(mrRoute: configuration.mrRoute, lister: routes)
            if found.registries.map(\.key) != discovery?.registries.map(\.key) {
                events.append(
                    .info, "discovery",
                    "registries: \(found.registries.map(\.key).joined(separator: ", ").ifEmpty("none"))"
                        + (found.catalog.map { "; catalog \($0.key)" } ?? ""))
            }
            discovery = found
            let known = Set(found.registries.map(\.key))
            for key in snapshots.keys where !known.contains(key) {
                snapshots[key] = nil
                reportedSkips[key] = nil
                registryGeneration += 1
                statuses[key] = nil
                events.append(.warning, "discovery", "registry \(key) is gone; its models will be removed")
            }
        } catch {
            reasons.append("route discovery failed: \(error)")
            events.append(.error, "discovery", "route discovery failed, keeping what is known: \(error)")
            metrics.errors.increment()
        }
        let endpoints = discovery?.registries ?? []
        typealias Read = (key: String, result: Result<RegistrySnapshot?, any Error>, took: Duration)
        let metrics = self.metrics
        let results = await withTaskGroup(of: Read.self) { group in
            for endpoint in endpoints {
                let (client, catalog) = self.client(for: endpoint)
                let previous = snapshots[endpoint.key]
                let forced = full || !resyncKeys.isEmpty
                group.addTask {
                    let started = ContinuousClock.now
                    do {
                        let fingerprint = try await client.probe()
                        let changed = !fingerprint.changedCollections(since: previous?.fingerprint).isEmpty
                        let reader = RegistryReader(client: client, catalog: catalog, metrics: metrics)
                        guard forced || previous == nil || changed else {
                            // The registry is unchanged; a model card may still have changed in the catalog.
                            guard let previous else { return (endpoint.key, .success(nil), .now - started) }
                            let refreshed = await reader.refreshCards(of: previous, now: now)
                            return (endpoint.key, .success(refreshed), .now - started)
                        }
                        let snapshot = try await reader.read(
                            previous: previous, fingerprint: fingerprint, full: forced, now: now)
                        return (endpoint.key, .success(snapshot), .now - started)
                    } catch {
                        return (endpoint.key, .failure(error), .now - started)
                    }
                }
            }
            var collected: [Read] = []
            for await result in group { collected.append(result) }
            return collected
        }
        if let slowest = results.map(\.took).max() { figures.recordRegistryRead(slowest, at: now) }
        for endpoint in endpoints {
            var status =
                statuses[endpoint.key]
                ?? RegistryStatus(
                    key: endpoint.key, baseURL: endpoint.baseURL, catalogURL: endpoint.catalog?.baseURL, models: 0,
                    liveVersions: 0, requests: 0)
            status.baseURL = endpoint.baseURL
            status.catalogURL = endpoint.catalog?.baseURL ?? discovery?.catalog?.baseURL
            statuses[endpoint.key] = status
        }
        // Changes are promised within a probe interval; say which registry breaks that (with a
        // floor, so that a sub-second interval does not turn every read into a warning).
        let slow = max(configuration.probeInterval, .seconds(1))
        for (key, result, took) in results {
            metrics.probes.increment()
            metrics.registryReadDuration.record(took)
            if took > slow {
                events.append(.warning, "registry \(key)", "answered slowly: the read took \(took)")
                logger.warning(
                    "registry answered slowly: reading it took longer than PROBE_INTERVAL, so changes show up late",
                    metadata: [
                        "registry": "\(key)", "took": "\(took)", "probeInterval": "\(configuration.probeInterval)",
                    ])
            }
            switch result {
            case .success(let snapshot):
                statuses[key]?.lastProbe = now
                statuses[key]?.lastError = nil
                metrics.recordRegistryContact(registry: key, at: now, fullRead: snapshot != nil)
                if let snapshot {
                    metrics.fullReads.increment()
                    registryGeneration += 1
                    let before = snapshots[key].map { Set($0.liveVersions.map { "\($0.model.id)/\($0.version.id)" }) }
                    snapshots[key] = snapshot
                    statuses[key]?.lastFullRead = now
                    statuses[key]?.models = snapshot.models.count
                    statuses[key]?.liveVersions = snapshot.liveVersions.count
                    // Each skipped object is reported when it first appears, not at every read; one that
                    // reads cleanly again and later breaks again is reported again.
                    let reported = reportedSkips[key] ?? []
                    for skipped in snapshot.skipped where !reported.contains(skipped) {
                        events.append(.warning, "registry \(key)", "skipped \(skipped)")
                        logger.warning(
                            "skipped a registry object", metadata: ["registry": "\(key)", "why": "\(skipped)"])
                    }
                    reportedSkips[key] = Set(snapshot.skipped)
                    let failedCards = snapshot.cards.compactMap { source, state -> String? in
                        if case .failed(let reason, _, _) = state { return "\(source.modelCardKey): \(reason)" }
                        return nil
                    }
                    if !failedCards.isEmpty {
                        events.append(
                            .warning, "catalog",
                            "\(failedCards.count) model cards could not be read; the last good ones stay served")
                        logger.warning(
                            "model cards could not be read from the catalog; serving the last good ones",
                            metadata: ["registry": "\(key)", "cards": "\(failedCards.prefix(5))"])
                    }
                    let after = Set(snapshot.liveVersions.map { "\($0.model.id)/\($0.version.id)" })
                    if before != after {
                        events.append(.info, "registry \(key)", "read \(after.count) live versions")
                    }
                }
            case .failure(let error):
                statuses[key]?.lastError = "\(error)"
                reasons.append("registry \(key) failed: \(error)")
                events.append(.error, "registry \(key)", "read failed, keeping the last complete read: \(error)")
                logger.error(
                    "registry read failed; nothing is deleted until it answers in full",
                    metadata: ["registry": "\(key)", "error": "\(error)"])
                metrics.errors.increment()
            }
        }
        for (key, count) in transport.requestCounts() { statuses[key]?.requests = count }
        return reasons
    }

    func client(for endpoint: RegistryEndpoint) -> (RegistryClient, CatalogClient?) {
        let catalogEndpoint = endpoint.catalog ?? discovery?.catalog
        if let cached = clients[endpoint.key], cached.0.baseURL == endpoint.baseURL,
            cached.1?.baseURL == catalogEndpoint?.baseURL
        {
            return cached
        }
        let client = RegistryClient(endpoint: endpoint, token: configuration.registryToken, transport: transport)
        let catalog = catalogEndpoint.map {
            CatalogClient(key: $0.key, baseURL: $0.baseURL, token: configuration.registryToken, transport: transport)
        }
        clients[endpoint.key] = (client, catalog)
        return (client, catalog)
    }

    /// Every document that should exist now, and the registry object each registry document
    /// comes from.
    func render(services: [KServeInferenceService], view: ClusterView) -> (
        [String: NormalizedDocument], [String: DocumentOrigin]
    ) {
        var desired: [String: NormalizedDocument] = [:]
        var renderedOrigins: [String: DocumentOrigin] = [:]
        let registryNormalizer = RegistryNormalizer(settings: configuration.settings)
        // Only the YAML format serves the legacy YAML, and rendering it dominated a resync.
        let yaml = configuration.format == .catalogInfoYaml
        for snapshot in snapshots.values {
            for (model, version) in snapshot.liveVersions {
                let document = registryNormalizer.normalize(
                    snapshot.input(model: model, version: version), cluster: view, includingLegacyYAML: yaml)
                desired[document.key.key] = document
                renderedOrigins[document.key.key] = DocumentOrigin(
                    registry: snapshot.registry, modelID: model.id, versionID: version.id)
            }
            for (key, origin) in heldOrigins(of: snapshot, rendered: desired) {
                guard let previous = documents[key] else { continue }
                desired[key] = previous
                renderedOrigins[key] = origin
            }
        }
        let kserve = KServeNormalizer(settings: configuration.settings)
        let registriesKnown = !(discovery?.registries.isEmpty ?? true)
        for service in services {
            if registriesKnown, KServeNormalizer.isRegistryManaged(service) { continue }
            let key = ImportKey.kserve(namespace: service.namespace, name: service.name).key
            if KServeReadiness.isReady(service) {
                desired[key] = kserve.normalize(service, cluster: view, includingLegacyYAML: yaml)
            } else if let previous = documents[key] {
                // Not ready any more: keep what was published (upstream did too) rather than vanish.
                desired[key] = previous
            }
        }
        return (desired, renderedOrigins)
    }

    /// The earlier documents of `snapshot`'s registry to keep as they are this cycle, because
    /// objects behind them could not be read.
    ///
    /// An undecodable model or version with a readable id keeps exactly its own documents: not
    /// re-rendered from partial data, not deleted. One without a readable id could be behind
    /// any document of the registry, so every earlier document that would otherwise disappear
    /// is kept: additions and changes still go out, deletions from that registry wait until it
    /// reads cleanly. This lasts only while it is unreadable, so it cannot hold archives for good.
    func heldOrigins(of snapshot: RegistrySnapshot, rendered: [String: NormalizedDocument]) -> [String:
        DocumentOrigin]
    {
        let unreadable = snapshot.undecodable
        guard !unreadable.isEmpty else { return [:] }
        var held: [String: DocumentOrigin] = [:]
        for (key, origin) in origins where origin.registry == snapshot.registry {
            if unreadable.modelIDs.contains(origin.modelID) || unreadable.versionIDs.contains(origin.versionID) {
                held[key] = origin
            } else if unreadable.unidentified > 0, rendered[key] == nil {
                held[key] = origin
            }
        }
        if !held.isEmpty {
            logger.warning(
                "keeping published documents unchanged: registry objects behind them could not be read",
                metadata: [
                    "registry": "\(snapshot.registry)", "documents": "\(held.count)",
                    "deletionsHeld": "\(unreadable.unidentified > 0)",
                ])
        }
        return held
    }

    /// Upserts the documents whose bytes changed (or that a resync names), in parallel, with
    /// per-key backoff for failures.
    ///
    /// Backoff spares storage while it fails, but must not delay the recovery: with `probe`
    /// set (the cycle read the registries: every probe interval, and on a resync), when no
    /// backed-off key is due, the one due soonest is tried anyway, and as soon as any key that
    /// had failed goes through, every other backed-off key is pushed at once. So after a
    /// storage outage everything is caught up within one probe interval, whatever the backoff
    /// had grown to, and while the outage lasts the backed-off keys cost one request per probe.
    func push(_ desired: [String: NormalizedDocument], forced: Set<String>, probe: Bool = false) async {
        let now = ContinuousClock().now
        var work: [Upsert] = []
        var deferred: [Upsert] = []
        for (key, document) in desired.sorted(by: { $0.key < $1.key }) {
            guard let body = try? UpsertBody(document, format: configuration.format) else { continue }
            var hasher = Hasher()
            hasher.combine(document.reconcilerType)
            hasher.combine(body)
            let hash = hasher.finalize()
            guard pushed[key] != hash || forced.contains(key) else { continue }
            let upsert = Upsert(key: key, type: document.reconcilerType, body: body, hash: hash)
            if let retry = retries[key], retry.due > now, !forced.contains(key) {
                deferred.append(upsert)
            } else {
                work.append(upsert)
            }
        }
        if probe, !work.contains(where: { retries[$0.key] != nil }),
            let canary = deferred.indices.min(by: { due(deferred[$0].key) < due(deferred[$1].key) })
        {
            work.append(deferred.remove(at: canary))
        }
        guard !work.isEmpty else { return }
        let failedBefore = Set(work.map(\.key).filter { retries[$0] != nil })
        let succeeded = await upsert(work)
        if !deferred.isEmpty, !failedBefore.isDisjoint(with: succeeded) {
            logger.info(
                "storage accepts upserts again; pushing the documents that were waiting to retry",
                metadata: ["documents": "\(deferred.count)"])
            _ = await upsert(deferred)
        }
    }

    /// When a backed-off key is next due (now if it is not backed off).
    func due(_ key: String) -> ContinuousClock.Instant { retries[key]?.due ?? ContinuousClock().now }

    /// One document to upsert, with the hash of what is sent.
    struct Upsert: Sendable {
        var key: String
        var type: ReconcilerType
        var body: UpsertBody
        var hash: Int
    }

    /// Upserts `work` in parallel and records each outcome; returns the keys that went through.
    ///
    /// The work counts as a queue: every upsert is added at once, and waits until one of the
    /// `upsertParallelism` workers starts it.
    func upsert(_ work: [Upsert]) async -> Set<String> {
        let queue = metrics.queue
        let queued = work.map { upsert in (upsert, queue.add()) }
        let sink = self.sink
        let parallelism = configuration.upsertParallelism
        let outcomes = await withTaskGroup(of: (Upsert, (any Error)?, Duration).self) { group in
            var iterator = queued.makeIterator()
            func addNext() {
                guard let (upsert, item) = iterator.next() else { return }
                group.addTask {
                    let started = ContinuousClock().now
                    queue.start(item, now: started)
                    defer { queue.finish(item) }
                    do {
                        try await sink.upsert(key: upsert.key, type: upsert.type, body: upsert.body)
                        return (upsert, nil, ContinuousClock().now - started)
                    } catch {
                        return (upsert, error, ContinuousClock().now - started)
                    }
                }
            }
            for _ in 0..<parallelism { addNext() }
            var collected: [(Upsert, (any Error)?, Duration)] = []
            while let outcome = await group.next() {
                collected.append(outcome)
                addNext()
            }
            return collected
        }
        var succeeded: Set<String> = []
        for (upsert, error, duration) in outcomes {
            let key = upsert.key
            metrics.reconcileTime.record(duration)
            if let error {
                let attempts = (retries[key]?.attempts ?? 0) + 1
                let delay = min(.milliseconds(500) * (1 << min(attempts - 1, 20)), configuration.maximumRetryDelay)
                retries[key] = (attempts, ContinuousClock().now + delay, "\(error)")
                metrics.reconcileError.increment()
                metrics.reconcileErrors.increment()
                queue.retry()
                logger.error(
                    "upsert failed; will retry",
                    metadata: ["key": "\(key)", "retryIn": "\(delay)", "error": "\(error)"])
                events.append(
                    .error, "storage", "upsert of \(key) failed (attempt \(attempts)); retry in \(delay): \(error)")
            } else {
                pushed[key] = upsert.hash
                retries[key] = nil
                succeeded.insert(key)
                metrics.reconcileSuccess.increment()
            }
        }
        metrics.documents.set(Double(pushed.count))
        if !succeeded.isEmpty { events.append(.info, "storage", "upserted \(succeeded.count) changed documents") }
        logger.info(
            "pushed changed documents",
            metadata: ["upserted": "\(succeeded.count)", "failed": "\(outcomes.count - succeeded.count)"])
        return succeeded
    }

    /// Posts the key set when it differs from the last one storage accepted.
    func postKeySet(_ keys: Set<String>) async {
        guard keys != lastKeySet else { return }
        do {
            try await sink.postKeySet(keys)
            let removed = (lastKeySet ?? []).subtracting(keys)
            lastKeySet = keys
            keySetFailed = false
            pushed = pushed.filter { keys.contains($0.key) }
            retries = retries.filter { keys.contains($0.key) }
            metrics.keySetsPosted.increment()
            metrics.documents.set(Double(pushed.count))
            events.append(
                .info, "keyset",
                "posted \(keys.count) keys"
                    + (removed.isEmpty ? "" : "; removed \(removed.sorted().joined(separator: ", "))"))
        } catch {
            keySetFailed = true
            metrics.errors.increment()
            events.append(.error, "keyset", "posting the key set failed; retrying next cycle: \(error)")
            logger.error("posting the key set failed; will retry next cycle", metadata: ["error": "\(error)"])
        }
    }

    // MARK: Reading state

    /// A copy of everything the normalizer knows.
    public func snapshot() -> NormalizerSnapshot {
        NormalizerSnapshot(
            registries: statuses.values.sorted { $0.key < $1.key },
            snapshots: snapshots.values.sorted { $0.registry < $1.registry },
            documents: documents.values.sorted { $0.key < $1.key }, inferenceServices: servicesSeen,
            failing: retries.mapValues(\.error), lastCycle: lastCycle, lastCompleteCycle: lastCompleteCycle,
            incompleteReasons: incompleteReasons, isLeader: isLeader(), publishing: publishing(), history: figures)
    }

    /// Whether one complete cycle has posted a key set (readiness).
    public var isReady: Bool { lastCompleteCycle != nil }
}

/// The registry object a document was rendered from.
struct DocumentOrigin: Sendable, Hashable {
    var registry: String
    var modelID: String
    var versionID: String
}

extension String {
    fileprivate func ifEmpty(_ replacement: String) -> String { isEmpty ? replacement : self }
}

extension Duration {
    fileprivate var nanoseconds: Int64 {
        components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000
    }
}
