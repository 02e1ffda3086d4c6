import CatalogModel
import Foundation

/// What the normalizer knows, as the console shows it: its registries, the documents it rendered
/// with their identities and model-card propagation, the KServe services it saw, failing keys,
/// leadership, the last cycle and the last hour of its figures.
///
/// The same value reaches the console in process (``init(_:format:)`` from the controller's
/// ``NormalizerSnapshot``) and over the admin port (inside ``NormalizerStateDocument``), so both
/// show the same thing.
///
/// ```swift
/// let state = NormalizerState(await controller.snapshot(), format: .jsonArray)
/// let waiting = state.documents.filter { $0.card?.missing != nil }
/// ```
public struct NormalizerState: Codable, Sendable, Hashable {
    public var registries: [RegistryStatus]
    /// Every rendered document, sorted by key.
    public var documents: [DocumentState]
    /// The KServe `InferenceService`s and `LLMInferenceService`s the last cycle saw.
    public var inferenceServices: [KServeInferenceService]
    /// Keys whose last upsert failed, with the error and when the retry is due.
    public var failing: [String: String]
    public var lastCycle: Date?
    public var lastCompleteCycle: Date?
    /// Why the last cycle could not post a key set (deletions deferred).
    public var incompleteReasons: [String]
    public var isLeader: Bool
    /// Whether this normalizer writes documents, and if not, why.
    public var publishing: PublishingState
    /// The last hour of documents published and registry read time (the console's header sparklines);
    /// `nil` from a normalizer that predates it.
    public var history: FigureHistory?

    public init(
        registries: [RegistryStatus], documents: [DocumentState] = [],
        inferenceServices: [KServeInferenceService] = [], failing: [String: String] = [:], lastCycle: Date?,
        lastCompleteCycle: Date?, incompleteReasons: [String], isLeader: Bool,
        publishing: PublishingState = .publishing,
        history: FigureHistory? = nil
    ) {
        self.registries = registries
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

    /// The state of a controller's snapshot, with the URIs location serves in `format`.
    public init(_ snapshot: NormalizerSnapshot, format: NormalizerFormat) {
        let identities = Self.identities(snapshot.snapshots)
        self.init(
            registries: snapshot.registries,
            documents: snapshot.documents.map { document in
                DocumentState(
                    document, format: format, identity: identities[document.key.key],
                    failing: snapshot.failing[document.key.key])
            }, inferenceServices: snapshot.inferenceServices, failing: snapshot.failing,
            lastCycle: snapshot.lastCycle, lastCompleteCycle: snapshot.lastCompleteCycle,
            incompleteReasons: snapshot.incompleteReasons, isLeader: snapshot.isLeader,
            publishing: snapshot.publishing, history: snapshot.history)
    }

    /// The registry identity of every live version's document, by key.
    static func identities(_ snapshots: [RegistrySnapshot]) -> [String: DocumentState.Identity] {
        var result: [String: DocumentState.Identity] = [:]
        for snapshot in snapshots {
            for (model, version) in snapshot.liveVersions {
                let key = ImportKey.registry(registry: snapshot.registry, model: model.name, version: version.name)
                let artifacts = snapshot.artifactsByVersion[version.id] ?? []
                let source = artifacts.lazy.compactMap(\.catalogSource).first
                var labels: [String: String] = [:]
                for (name, value) in model.customProperties.merging(version.customProperties, uniquingKeysWith: { $1 })
                {
                    if let text = value.string { labels[name] = text }
                }
                result[key.key] = DocumentState.Identity(
                    registry: snapshot.registry, model: model.name, version: version.name,
                    format: artifacts.lazy.compactMap(\.modelFormatName).first,
                    labels: labels,
                    card: CardPropagation(
                        source: source, card: source.flatMap { snapshot.cards[$0] },
                        catalogURL: snapshot.catalogURL))
            }
        }
        return result
    }

    enum CodingKeys: String, CodingKey {
        case registries, documents, inferenceServices, failing, lastCycle, lastCompleteCycle, incompleteReasons
        case isLeader, publishing, notPublishingReason, history
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        registries = try container.decode([RegistryStatus].self, forKey: .registries)
        documents = try container.decode([DocumentState].self, forKey: .documents)
        inferenceServices = try container.decode([KServeInferenceService].self, forKey: .inferenceServices)
        failing = try container.decode([String: String].self, forKey: .failing)
        lastCycle = try container.decodeIfPresent(Date.self, forKey: .lastCycle)
        lastCompleteCycle = try container.decodeIfPresent(Date.self, forKey: .lastCompleteCycle)
        incompleteReasons = try container.decode([String].self, forKey: .incompleteReasons)
        isLeader = try container.decode(Bool.self, forKey: .isLeader)
        publishing = PublishingState(
            mode: try container.decode(PublishingState.Mode.self, forKey: .publishing),
            reason: try container.decodeIfPresent(String.self, forKey: .notPublishingReason))
        history = try container.decodeIfPresent(FigureHistory.self, forKey: .history)
    }

    /// `publishing` is the mode (`publishing`, `standby`, `blocked`) and `notPublishingReason` says why,
    /// as `/state` has always written them.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(registries, forKey: .registries)
        try container.encode(documents, forKey: .documents)
        try container.encode(inferenceServices, forKey: .inferenceServices)
        try container.encode(failing, forKey: .failing)
        try container.encodeIfPresent(lastCycle, forKey: .lastCycle)
        try container.encodeIfPresent(lastCompleteCycle, forKey: .lastCompleteCycle)
        try container.encode(incompleteReasons, forKey: .incompleteReasons)
        try container.encode(isLeader, forKey: .isLeader)
        try container.encode(publishing.mode, forKey: .publishing)
        try container.encodeIfPresent(publishing.reason, forKey: .notPublishingReason)
        try container.encodeIfPresent(history, forKey: .history)
    }
}

/// The normalizer admin port's `GET /state`: ``NormalizerState``'s fields at the top level, with an
/// `apiVersion`, a `kind` and the Events view's log.
///
/// ```json
/// {"apiVersion": "modelbridge.rhdh.io/v1", "kind": "NormalizerState", "registries": […],
///  "documents": […], "inferenceServices": […], "failing": {}, "events": […], "isLeader": true,
///  "publishing": "publishing", "lastCycle": "2026-12-07T16:14:28.123456789Z", …}
/// ```
public struct NormalizerStateDocument: StateDocument, Hashable {
    public static let kind = "NormalizerState"
    public var apiVersion: String
    public var state: NormalizerState
    /// The engine's recent decisions, errors and retries, oldest first.
    public var events: [EventLog.Event]

    public init(_ state: NormalizerState, events: [EventLog.Event]) {
        self.apiVersion = StateDocumentCoding.apiVersion
        self.state = state
        self.events = events
    }

    enum CodingKeys: String, CodingKey {
        case apiVersion, kind, events
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        apiVersion = try container.decode(String.self, forKey: .apiVersion)
        events = try container.decode([EventLog.Event].self, forKey: .events)
        state = try NormalizerState(from: decoder)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(apiVersion, forKey: .apiVersion)
        try container.encode(Self.kind, forKey: .kind)
        try container.encode(events, forKey: .events)
        try state.encode(to: encoder)
    }
}
