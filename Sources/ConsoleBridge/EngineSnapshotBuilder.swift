import Bridge
import CatalogModel
import ConsoleCore
import Foundation

/// Everything the engine knows at one instant, gathered from its parts.
public struct EngineState: Sendable {
    public var location: LocationSnapshot
    public var normalizer: NormalizerSnapshot?
    public var store: StoreContents
    public var events: [EventLog.Event]
    public var format: NormalizerFormat
    public var mode: ConsoleMode
    public var context: String
    public var readOnly: Bool
    /// Whether the Kubernetes API answered the last time it was used.
    public var kubernetesReachable: Bool?

    public init(
        location: LocationSnapshot, normalizer: NormalizerSnapshot?, store: StoreContents, events: [EventLog.Event],
        format: NormalizerFormat, mode: ConsoleMode, context: String, readOnly: Bool, kubernetesReachable: Bool? = nil
    ) {
        self.location = location
        self.normalizer = normalizer
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
        public var bytes: Int
        public var keys: [String]

        public init(name: String, bytes: Int, keys: [String]) {
            self.name = name
            self.bytes = bytes
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
        let identities = registryIdentities(state.normalizer)
        let served = Dictionary(
            state.location.entries.map { ($0.key.key, $0) }, uniquingKeysWith: { first, _ in first })
        var models: [ModelRow] = []
        var techDocs: [TechDocsRow] = []
        var seen: Set<String> = []
        for document in documents {
            let key = document.key.key
            seen.insert(key)
            let uri = document.key.uri(format: state.format)
            let identity = identities[key]
            let model = document.document.models.first
            models.append(
                ModelRow(
                    key: key, uri: uri, registry: identity?.registry ?? "kserve",
                    model: identity?.model ?? document.key.segment1,
                    version: identity?.version ?? document.key.segment2,
                    state: served[key] == nil
                        ? "pending" : (state.normalizer?.failing[key] != nil ? "failing" : "served"),
                    owner: model?.owner ?? "", lifecycle: model?.lifecycle ?? "", format: identity?.format ?? "",
                    endpoints: document.document.modelServer?.api.map { [$0.url] } ?? [],
                    labels: identity?.labels ?? [:],
                    backstageFetch: state.location.documentFetches[uri].map(fetch),
                    documentJSON: prettyJSON(document.document)))
            if document.reconcilerType == .kubeflow {
                techDocs.append(techDocsRow(document, identity: identity, state: state, served: served[key]))
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

    struct Identity {
        var registry: String
        var model: String
        var version: String
        var format: String
        var labels: [String: String]
        var source: CatalogSource?
        var card: CardState?
        var catalogURL: String?
    }

    static func registryIdentities(_ normalizer: NormalizerSnapshot?) -> [String: Identity] {
        var result: [String: Identity] = [:]
        for snapshot in normalizer?.snapshots ?? [] {
            for (model, version) in snapshot.liveVersions {
                let key = ImportKey.registry(registry: snapshot.registry, model: model.name, version: version.name)
                let artifacts = snapshot.artifactsByVersion[version.id] ?? []
                let source = artifacts.lazy.compactMap(\.catalogSource).first
                var labels: [String: String] = [:]
                for (name, value) in model.customProperties.merging(version.customProperties, uniquingKeysWith: { $1 })
                {
                    if let text = value.string { labels[name] = text }
                }
                result[key.key] = Identity(
                    registry: snapshot.registry, model: model.name, version: version.name,
                    format: artifacts.lazy.compactMap(\.modelFormatName).first ?? "", labels: labels, source: source,
                    card: source.flatMap { snapshot.cards[$0] }, catalogURL: snapshot.catalogURL)
            }
        }
        return result
    }

    /// The TechDocs row, with a plain reason when the model has no docs in Backstage.
    static func techDocsRow(
        _ document: NormalizedDocument, identity: Identity?, state: EngineState, served: LocationIndex.Entry?
    ) -> TechDocsRow {
        let source = identity?.source
        var fetchRecord: CardFetch?
        var reason: CardMissingReason?
        switch identity?.card {
        case .fetched(let markdown, let at):
            fetchRecord = CardFetch(
                at: timestamp(at), bytes: markdown.utf8.count, hash: ContentDigest.hex(markdown.utf8, length: 12))
        case .empty(let at):
            fetchRecord = CardFetch(at: timestamp(at), bytes: 0)
            reason = .cardEmpty
        case .failed(let why, let at, let lastGood):
            fetchRecord = CardFetch(at: timestamp(at), bytes: lastGood?.utf8.count ?? 0, error: why)
            if lastGood == nil { reason = .catalogUnreachable }
        case .noCatalog:
            reason = .noCatalogRoute
        case nil:
            if source == nil {
                reason = .registeredBeforeRHOAI225
            } else if identity?.catalogURL == nil {
                reason = .noCatalogRoute
            }
        }
        let cardKey = document.modelCard?.key
        let isServed = cardKey.map { key in state.location.cards.contains { $0.key == key } } ?? false
        return TechDocsRow(
            key: document.key.key, model: identity?.model ?? document.key.segment1,
            version: identity?.version ?? document.key.segment2,
            cardSource: source.map { "\($0.sourceClass)/\($0.group)/\($0.name)" }, catalogFetch: fetchRecord,
            servedPath: isServed ? "/modelcard?key=\(cardKey ?? "")" : nil,
            backstageRead: cardKey.flatMap { state.location.cardFetches[$0] }.map(fetch),
            missingReason: served == nil && reason == nil ? .other("not served by location yet") : reason)
    }

    static func endpoints(_ state: EngineState, documents: [NormalizedDocument]) -> [EndpointRow] {
        let servers = Dictionary(
            documents.compactMap { document -> (String, NormalizedDocument)? in
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
                    linkedVersion: RegistryLabel.modelVersionID(service.labels), linkedKey: linked?.key.key,
                    labels: service.labels)
            }
    }

    static func cache(_ store: StoreContents) -> CacheInfo {
        CacheInfo(
            shards: store.shards.map { shard in
                CacheShard(
                    name: shard.name, bytes: shard.bytes,
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
        components.append(
            ComponentStatus(
                name: "storage", health: state.store.error == nil ? .connected : .disconnected,
                detail: state.store.error ?? "\(state.store.entries.count) entries"))
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
        return HeaderInfo(
            context: state.context, mode: state.mode, readOnly: state.readOnly, components: components,
            dataAsOf: (state.normalizer?.lastCycle).map(timestamp),
            notPublishing: publishing.reason.map {
                PublishingNotice(reason: $0, isFault: publishing.mode == .blocked)
            })
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
