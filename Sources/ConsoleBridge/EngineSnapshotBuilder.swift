import Bridge
import CatalogModel
import ConsoleCore
import Foundation

/// Everything the engine knows at one instant, gathered from its parts: in process from the engine's
/// values, attached from the same values decoded from the sidecars' `/state` documents.
public struct EngineState: Sendable {
    public var location: LocationSnapshot
    /// What the normalizer knows; `nil` without a normalizer.
    public var normalizer: NormalizerState?
    public var store: StoreContents
    public var events: [EventLog.Event]
    public var format: NormalizerFormat
    public var mode: ConsoleMode
    public var context: String
    public var readOnly: Bool
    /// Whether the Kubernetes API answered the last time it was used.
    public var kubernetesReachable: Bool?

    /// The state of an in-process engine: `normalizer` is the controller's snapshot, rendered in `format`.
    public init(
        location: LocationSnapshot, normalizer: NormalizerSnapshot?, store: StoreContents, events: [EventLog.Event],
        format: NormalizerFormat, mode: ConsoleMode, context: String, readOnly: Bool, kubernetesReachable: Bool? = nil
    ) {
        self.init(
            location: location, normalizerState: normalizer.map { NormalizerState($0, format: format) }, store: store,
            events: events, format: format, mode: mode, context: context, readOnly: readOnly,
            kubernetesReachable: kubernetesReachable)
    }

    /// The state of an engine whose normalizer state is already known (decoded from its admin port's `/state`).
    public init(
        location: LocationSnapshot, normalizerState: NormalizerState?, store: StoreContents,
        events: [EventLog.Event], format: NormalizerFormat, mode: ConsoleMode, context: String, readOnly: Bool,
        kubernetesReachable: Bool? = nil
    ) {
        self.location = location
        self.normalizer = normalizerState
        self.store = store
        self.events = events
        self.format = format
        self.mode = mode
        self.context = context
        self.readOnly = readOnly
        self.kubernetesReachable = kubernetesReachable
    }
}

/// What the cache holds: shards (one pseudo-shard for the memory store) and their entries.
public struct StoreContents: Sendable {
    public struct Shard: Sendable {
        public var name: String
        /// Payload bytes, as `modelbridge_cache_bytes` exports them.
        public var bytes: Int
        /// The store's fill budget, as `modelbridge_cache_budget_bytes` exports it; `nil` without one.
        public var budget: Int?
        public var keys: [String]

        public init(name: String, bytes: Int, budget: Int? = nil, keys: [String]) {
            self.name = name
            self.bytes = bytes
            self.budget = budget
            self.keys = keys
        }
    }

    public var shards: [Shard]
    public var entries: [String: StorageBody]
    /// Why the store could not be read, if it could not.
    public var error: String?

    public init(shards: [Shard], entries: [String: StorageBody], error: String? = nil) {
        self.shards = shards
        self.entries = entries
        self.error = error
    }
}

/// Builds the console's ``EngineSnapshot`` from the engine's state: a pure function, tested
/// with plain values.
public enum EngineSnapshotBuilder {
    /// The snapshot at `now`.
    public static func build(_ state: EngineState, now: Date) -> EngineSnapshot {
        let documents = state.normalizer?.documents ?? []
        let served = Dictionary(
            state.location.entries.map { ($0.key.key, $0) }, uniquingKeysWith: { first, _ in first })
        var models: [ModelRow] = []
        var techDocs: [TechDocsRow] = []
        var seen: Set<String> = []
        for document in documents {
            let key = document.key
            seen.insert(key)
            let model = document.document.models.first
            models.append(
                ModelRow(
                    key: key, uri: document.uri, registry: document.registry ?? "kserve", model: document.model,
                    version: document.version,
                    state: served[key] == nil
                        ? "pending" : (state.normalizer?.failing[key] != nil ? "failing" : "served"),
                    owner: model?.owner ?? "", lifecycle: model?.lifecycle ?? "", format: document.format ?? "",
                    endpoints: document.document.modelServer?.api.map { [$0.url] } ?? [], labels: document.labels,
                    backstageFetch: state.location.documentFetches[document.uri].map(fetch),
                    documentJSON: prettyJSON(document.document)))
            if let card = document.card {
                techDocs.append(techDocsRow(document, card: card, state: state, served: served[key]))
            }
        }
        for entry in state.location.entries where !seen.contains(entry.key.key) {
            let document = try? ModelCatalog.decode(Data(buffer: entry.body))
            models.append(
                ModelRow(
                    key: entry.key.key, uri: entry.uri, registry: "(stored)", model: entry.key.segment1,
                    version: entry.key.segment2, state: "served", owner: document?.models.first?.owner ?? "",
                    lifecycle: document?.models.first?.lifecycle ?? "",
                    endpoints: document?.modelServer?.api.map { [$0.url] } ?? [],
                    backstageFetch: state.location.documentFetches[entry.uri].map(fetch),
                    documentJSON: document.map(prettyJSON)))
        }
        return EngineSnapshot(
            takenAt: timestamp(now), header: header(state, now: now), models: models,
            endpoints: endpoints(state, documents: documents), techDocs: techDocs, cache: cache(state.store),
            backstage: backstage(state.location),
            events: state.events.map {
                EngineEvent(at: timestamp($0.at), level: level($0.level), source: $0.source, message: $0.message)
            })
    }

    /// The TechDocs row, with a plain reason when the model has no docs in Backstage.
    static func techDocsRow(
        _ document: DocumentState, card: CardPropagation, state: EngineState, served: LocationIndex.Entry?
    ) -> TechDocsRow {
        var catalogFetch: CardFetch?
        if let at = card.readAt {
            catalogFetch = CardFetch(at: timestamp(at), bytes: card.bytes, hash: card.hash ?? "", error: card.error)
        }
        let reason: CardMissingReason? =
            switch card.missing {
            case .noCatalogSource: .registeredBeforeRHOAI225
            case .noCatalogRoute: .noCatalogRoute
            case .cardEmpty: .cardEmpty
            case .catalogUnreachable: .catalogUnreachable
            case nil: nil
            }
        let cardKey = document.modelCardKey
        let isServed = cardKey.map { key in state.location.cards.contains { $0.key == key } } ?? false
        return TechDocsRow(
            key: document.key, model: document.model, version: document.version, cardSource: card.source,
            catalogFetch: catalogFetch, servedPath: isServed ? "/modelcard?key=\(cardKey ?? "")" : nil,
            backstageRead: cardKey.flatMap { state.location.cardFetches[$0] }.map(fetch),
            missingReason: served == nil && reason == nil ? .other("not served by location yet") : reason)
    }

    static func endpoints(_ state: EngineState, documents: [DocumentState]) -> [EndpointRow] {
        let servers = Dictionary(
            documents.compactMap { document -> (String, DocumentState)? in
                guard let url = document.document.modelServer?.api?.url else { return nil }
                return (url, document)
            }, uniquingKeysWith: { first, _ in first })
        return (state.normalizer?.inferenceServices ?? []).sorted { ($0.namespace, $0.name) < ($1.namespace, $1.name) }
            .map { service in
                let linked = service.statusURL.flatMap { servers[$0] } ?? service.addressURL.flatMap { servers[$0] }
                let mode =
                    service.annotations["serving.kserve.io/deploymentMode"]
                    ?? (service.statusURL?.contains("svc.cluster.local") == true ? "RawDeployment" : "Serverless")
                return EndpointRow(
                    namespace: service.namespace, name: service.name,
                    kind: service.kind == .llmInferenceService ? .llmInferenceService : .inferenceService,
                    deploymentMode: mode, runtime: service.runtime ?? service.modelFormat ?? "",
                    conditions: service.conditions.map { ConditionRow(type: $0.type, status: $0.status) },
                    ready: KServeReadiness.isReady(service), externalURL: service.statusURL,
                    internalURL: service.addressURL,
                    authEnabled: service.annotations["security.opendatahub.io/enable-auth"]?.lowercased() == "true",
                    linkedModel: linked?.document.models.first?.name,
                    linkedVersion: RegistryLabel.modelVersionID(service.labels), linkedKey: linked?.key,
                    labels: service.labels)
            }
    }

    static func cache(_ store: StoreContents) -> CacheInfo {
        CacheInfo(
            shards: store.shards.map { shard in
                CacheShard(
                    name: shard.name, bytes: shard.bytes, budgetBytes: shard.budget,
                    entries: shard.keys.map { key in
                        let entry = store.entries[key]
                        var fields = ["body"]
                        if let entry {
                            if !entry.locationId.isEmpty { fields.append("locationId") }
                            if !entry.reconcilerType.isEmpty { fields.append("reconcilerType") }
                            if !entry.lastUpdateTimeSinceEpoch.isEmpty { fields.append("lastUpdateTimeSinceEpoch") }
                            if entry.modelCard != nil { fields.append("modelCard") }
                        }
                        let updated = entry.flatMap { Double($0.lastUpdateTimeSinceEpoch) }.map {
                            Timestamp(secondsSince1970: $0 / 1000)
                        }
                        return CacheEntry(
                            key: key, fields: fields,
                            locationID: entry.flatMap { $0.locationId.isEmpty ? nil : $0.locationId },
                            updatedAt: updated, bytes: entry?.body.count ?? 0,
                            documentJSON: entry.flatMap { try? ModelCatalog.decode($0.body) }.map(prettyJSON))
                    })
            })
    }

    static func backstage(_ location: LocationSnapshot) -> BackstageInfo {
        var fetches: [BackstageFetch] = []
        for (path, record) in location.documentFetches.sorted(by: { $0.key < $1.key }) {
            fetches.append(BackstageFetch(kind: .document, path: path, last: fetch(record)))
        }
        for (key, record) in location.cardFetches.sorted(by: { $0.key < $1.key }) {
            fetches.append(BackstageFetch(kind: .card, path: "/modelcard?key=\(key)", key: key, last: fetch(record)))
        }
        return BackstageInfo(
            lastListPoll: location.lastListFetch.map {
                FetchRecord(at: timestamp($0), status: location.loaded ? 200 : 503)
            },
            listPolls: location.listFetchCount, fetches: fetches)
    }

    static func header(_ state: EngineState, now: Date) -> HeaderInfo {
        var components: [ComponentStatus] = []
        if let reachable = state.kubernetesReachable {
            components.append(ComponentStatus(name: "Kubernetes API", health: reachable ? .connected : .disconnected))
        }
        for registry in state.normalizer?.registries ?? [] {
            components.append(
                ComponentStatus(
                    name: registry.key, health: registry.lastError == nil ? .connected : .degraded,
                    detail: registry.lastError ?? "\(registry.liveVersions) versions, \(registry.requests) requests"))
        }
        if let normalizer = state.normalizer {
            let catalog = normalizer.registries.compactMap(\.catalogURL).first
            components.append(
                ComponentStatus(
                    name: "catalog", health: catalog == nil ? .unknown : .connected,
                    detail: catalog ?? "no catalog route"))
        }
        // The fullest ConfigMap, from the figures /metrics exports (modelbridge_cache_bytes / _budget_bytes).
        let fullest = state.store.shards.compactMap { shard in
            shard.budget.map { Double(shard.bytes) * 100 / Double(max($0, 1)) }
        }.max()
        components.append(
            ComponentStatus(
                name: "storage", health: state.store.error == nil ? .connected : .disconnected,
                detail: state.store.error
                    ?? "\(state.store.entries.count) entries"
                    + (fullest.map { ", fullest ConfigMap " + String(format: "%.0f", $0) + "% of its budget" } ?? "")))
        components.append(
            ComponentStatus(
                name: "location", health: state.location.loaded ? .connected : .degraded,
                detail: state.location.loaded ? "\(state.location.entries.count) documents" : "loading (503)"))
        let backstageHealth: ComponentStatus.Health
        if let last = state.location.lastListFetch {
            backstageHealth = now.timeIntervalSince(last) < 120 ? .connected : .degraded
        } else {
            backstageHealth = .unknown
        }
        components.append(
            ComponentStatus(
                name: "Backstage", health: backstageHealth,
                detail: state.location.lastListFetch.map { "last /list \(Int(now.timeIntervalSince($0)))s ago" }
                    ?? "has not polled /list yet"))
        let publishing = state.normalizer?.publishing ?? .publishing
        let figures = series(state.normalizer?.history)
        return HeaderInfo(
            context: state.context, mode: state.mode, readOnly: state.readOnly, components: components,
            dataAsOf: (state.normalizer?.lastCycle).map(timestamp),
            notPublishing: publishing.reason.map {
                PublishingNotice(reason: $0, isFault: publishing.mode == .blocked)
            }, published: figures.published, registryRead: figures.registryRead)
    }

    /// The header's sparklines from the normalizer's history: one value per minute from its oldest to its
    /// newest minute (at most an hour), `nil` for a minute without a sample. Empty without a history (no
    /// normalizer, or one that predates it).
    static func series(_ history: FigureHistory?) -> (published: FigureSeries, registryRead: FigureSeries) {
        var published = FigureSeries(unit: .count)
        var registryRead = FigureSeries(unit: .seconds)
        guard let minutes = history?.minutes, let newest = minutes.last else { return (published, registryRead) }
        func index(_ minute: FigureHistory.Minute) -> Int { Int((minute.start.timeIntervalSince1970 / 60).rounded()) }
        let byIndex = Dictionary(minutes.map { (index($0), $0) }, uniquingKeysWith: { _, last in last })
        // A document from elsewhere may hold older minutes; the series never spans more than the history keeps.
        let last = index(newest)
        let first = max(minutes.map(index).min() ?? last, last - FigureHistory.capacity + 1)
        for minute in first...last {
            published.values.append(byIndex[minute]?.published.map(Double.init))
            registryRead.values.append(byIndex[minute]?.registryReadSeconds)
        }
        return (published, registryRead)
    }

    static func fetch(_ record: LocationIndex.FetchRecord) -> FetchRecord {
        FetchRecord(at: timestamp(record.at), status: record.status)
    }

    static func timestamp(_ date: Date) -> Timestamp { Timestamp(secondsSince1970: date.timeIntervalSince1970) }

    static func level(_ level: EventLog.Event.Level) -> EngineEvent.Level {
        switch level {
        case .info: .info
        case .warning: .warning
        case .error: .error
        }
    }

    static func prettyJSON(_ document: ModelCatalog) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(document)).map { String(decoding: $0, as: UTF8.self) } ?? ""
    }
}
