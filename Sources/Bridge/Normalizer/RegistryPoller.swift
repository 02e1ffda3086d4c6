import CatalogModel
import Foundation
import Logging
import RegistryAPI

/// What the registries said at the end of the last poll: the value the renderer reads.
public struct RegistryReadings: Sendable {
    /// The last complete read of each known registry, in registry order.
    public var snapshots: [RegistrySnapshot]
    /// Whether discovery found at least one registry (then KServe services a registry manages
    /// are left to it).
    public var registriesKnown: Bool
    /// Grows whenever a snapshot is replaced or dropped, so an unchanged value means nothing to render.
    public var generation: Int
}

/// Discovery, probes and paged reads of the registries and their catalog: the normalizer's source.
///
/// Each poll discovers the registries, probes every one and reads in full only those whose
/// fingerprint changed (or all of them when `forced`); a registry that fails keeps its last
/// complete snapshot, and the poll says why it was incomplete. It keeps the registries' status
/// for the console and reports each skipped object once while it lasts.
actor RegistryPoller {
    let mrRoute: String?
    let token: String?
    let probeInterval: Duration
    let routes: any RouteLister
    let transport: RegistryTransport
    let metrics: BridgeMetrics
    let events: EventLog
    let logger: Logger

    private var discovery: DiscoveryResult?
    private var clients: [String: (RegistryClient, CatalogClient?)] = [:]
    private var snapshots: [String: RegistrySnapshot] = [:]
    /// The skipped objects of each registry already logged, so each is logged once while it lasts.
    private var reportedSkips: [String: Set<String>] = [:]
    private var statuses: [String: RegistryStatus] = [:]
    private var generation = 0

    init(
        mrRoute: String?, token: String?, probeInterval: Duration, routes: any RouteLister,
        transport: RegistryTransport, metrics: BridgeMetrics, events: EventLog, logger: Logger
    ) {
        self.mrRoute = mrRoute
        self.token = token
        self.probeInterval = probeInterval
        self.routes = routes
        self.transport = transport
        self.metrics = metrics
        self.events = events
        self.logger = logger
    }

    /// What one poll found: why it was incomplete (empty when every source answered in full)
    /// and how long the slowest registry took.
    struct Outcome: Sendable {
        var reasons: [String]
        var slowestRead: Duration?
    }

    /// The current readings.
    func readings() -> RegistryReadings {
        RegistryReadings(
            snapshots: snapshots.values.sorted { $0.registry < $1.registry },
            registriesKnown: !(discovery?.registries.isEmpty ?? true), generation: generation)
    }

    /// Every registry's status, in key order.
    func statusReport() -> [RegistryStatus] { statuses.values.sorted { $0.key < $1.key } }

    /// A registry whose last read failed, if any.
    func failingRegistry() -> String? { statuses.values.first(where: { $0.lastError != nil })?.key }

    /// Discovers registries and reads those that changed (all of them when `forced`).
    func poll(forced: Bool, now: Date) async -> Outcome {
        var reasons: [String] = []
        do {
            let found = try await RegistryDiscovery.discover(mrRoute: mrRoute, lister: routes)
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
                generation += 1
                statuses[key] = nil
                events.append(.warning, "discovery", "registry \(key) is gone; its models will be removed")
            }
        } catch {
            reasons.append("route discovery failed: \(error)")
            events.append(.error, "discovery", "route discovery failed, keeping what is known: \(error)")
            metrics.errors.increment()
        }
        let endpoints = discovery?.registries ?? []
        let results = await read(endpoints, forced: forced, now: now)
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
        let slow = max(probeInterval, .seconds(1))
        for (key, result, took) in results {
            metrics.probes.increment()
            metrics.registryReadDuration.record(took)
            if took > slow {
                events.append(.warning, "registry \(key)", "answered slowly: the read took \(took)")
                logger.warning(
                    "registry answered slowly: reading it took longer than PROBE_INTERVAL, so changes show up late",
                    metadata: ["registry": "\(key)", "took": "\(took)", "probeInterval": "\(probeInterval)"])
            }
            switch result {
            case .success(let snapshot):
                statuses[key]?.lastProbe = now
                statuses[key]?.lastError = nil
                metrics.recordRegistryContact(registry: key, at: now, fullRead: snapshot != nil)
                if let snapshot { accept(snapshot, of: key, now: now) }
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
        return Outcome(reasons: reasons, slowestRead: results.map(\.took).max())
    }

    typealias Read = (key: String, result: Result<RegistrySnapshot?, any Error>, took: Duration)

    /// Probes every registry at once and reads those that changed; a `nil` snapshot means unchanged.
    private func read(_ endpoints: [RegistryEndpoint], forced: Bool, now: Date) async -> [Read] {
        let metrics = self.metrics
        return await withTaskGroup(of: Read.self) { group in
            for endpoint in endpoints {
                let (client, catalog) = self.client(for: endpoint)
                let previous = snapshots[endpoint.key]
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
    }

    /// Takes a new complete read of registry `key`, reporting new skips, failed cards and a
    /// changed set of live versions.
    private func accept(_ snapshot: RegistrySnapshot, of key: String, now: Date) {
        metrics.fullReads.increment()
        generation += 1
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
            logger.warning("skipped a registry object", metadata: ["registry": "\(key)", "why": "\(skipped)"])
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

    /// The clients of `endpoint`, reused while its URLs stay the same.
    private func client(for endpoint: RegistryEndpoint) -> (RegistryClient, CatalogClient?) {
        let catalogEndpoint = endpoint.catalog ?? discovery?.catalog
        if let cached = clients[endpoint.key], cached.0.baseURL == endpoint.baseURL,
            cached.1?.baseURL == catalogEndpoint?.baseURL
        {
            return cached
        }
        let client = RegistryClient(endpoint: endpoint, token: token, transport: transport)
        let catalog = catalogEndpoint.map {
            CatalogClient(key: $0.key, baseURL: $0.baseURL, token: token, transport: transport)
        }
        clients[endpoint.key] = (client, catalog)
        return (client, catalog)
    }
}

extension String {
    fileprivate func ifEmpty(_ replacement: String) -> String { isEmpty ? replacement : self }
}
