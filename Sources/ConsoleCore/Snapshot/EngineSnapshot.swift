/// Everything the console shows, as one immutable value the engine hands over whenever its
/// state changes. Plain fields only, so the engine side fills it without knowing the console.
///
/// ```swift
/// var snapshot = EngineSnapshot(takenAt: Timestamp(secondsSince1970: now))
/// snapshot.header.components = [ComponentStatus(name: "Kubernetes API", health: .connected)]
/// snapshot.models.append(ModelRow(key: key.key, registry: "public", model: "mnist", version: "v1"))
/// continuation.yield(snapshot)
/// ```
public struct EngineSnapshot: Hashable, Sendable {
    /// When the engine took the snapshot; the header shows its age.
    public var takenAt: Timestamp
    /// Connections, mode and data freshness.
    public var header: HeaderInfo
    /// One row per published document (registry model versions and KServe-only services).
    public var models: [ModelRow]
    /// InferenceService and LLMInferenceService objects.
    public var endpoints: [EndpointRow]
    /// Model-card propagation per model.
    public var techDocs: [TechDocsRow]
    /// The ConfigMap cache.
    public var cache: CacheInfo
    /// What Backstage fetched from `location`.
    public var backstage: BackstageInfo
    /// Recent engine events, any order (the view sorts them).
    public var events: [EngineEvent]

    /// Creates a snapshot; every collection defaults to empty.
    public init(
        takenAt: Timestamp, header: HeaderInfo = HeaderInfo(), models: [ModelRow] = [],
        endpoints: [EndpointRow] = [], techDocs: [TechDocsRow] = [], cache: CacheInfo = CacheInfo(),
        backstage: BackstageInfo = BackstageInfo(), events: [EngineEvent] = []
    ) {
        self.takenAt = takenAt
        self.header = header
        self.models = models
        self.endpoints = endpoints
        self.techDocs = techDocs
        self.cache = cache
        self.backstage = backstage
        self.events = events
    }

    /// An empty snapshot for before the engine's first one arrives.
    public static let empty = EngineSnapshot(takenAt: Timestamp(secondsSince1970: 0))
}

/// How the console is connected to the engine.
public enum ConsoleMode: String, Hashable, Sendable {
    /// The engine runs inside the console process.
    case inProcess = "in-process"
    /// The console reads running sidecars over HTTP.
    case attached
    /// The engine runs against the simulated platform.
    case sandbox
    /// Fixed sample data (`--demo-data`).
    case sample
}

/// The header: what the console is connected to, how fresh the data is, and the last hour of
/// documents published and registry read time.
public struct HeaderInfo: Hashable, Sendable {
    /// The cluster or context name, empty when unknown.
    public var context: String
    /// How the console runs.
    public var mode: ConsoleMode
    /// True when the engine itself refuses writes (the console adds its own `--read-only`).
    public var readOnly: Bool
    /// One entry per backend: Kubernetes API, each registry, catalog, storage, location, Backstage.
    public var components: [ComponentStatus]
    /// When the newest data in the snapshot was read from its source; `nil` = use `takenAt`.
    public var dataAsOf: Timestamp?
    /// Set when the normalizer publishes nothing: why.
    public var notPublishing: PublishingNotice?
    /// Documents published, a sample a minute: the `modelbridge_documents_published` gauge.
    public var published: FigureSeries
    /// The slowest registry read of each minute, in seconds.
    public var registryRead: FigureSeries

    /// Creates a header.
    public init(
        context: String = "", mode: ConsoleMode = .inProcess, readOnly: Bool = false,
        components: [ComponentStatus] = [], dataAsOf: Timestamp? = nil, notPublishing: PublishingNotice? = nil,
        published: FigureSeries = FigureSeries(unit: .count), registryRead: FigureSeries = FigureSeries(unit: .seconds)
    ) {
        self.context = context
        self.mode = mode
        self.readOnly = readOnly
        self.components = components
        self.dataAsOf = dataAsOf
        self.notPublishing = notPublishing
        self.published = published
        self.registryRead = registryRead
    }
}

/// Why the normalizer publishes nothing: a standby replica (another holds the lease), or a fault (it cannot
/// get the lease, so nobody may be publishing).
public struct PublishingNotice: Hashable, Sendable {
    /// `publishing nothing because …`
    public var reason: String
    /// True when nobody may be publishing; false for a standby replica.
    public var isFault: Bool

    public init(reason: String, isFault: Bool) {
        self.reason = reason
        self.isFault = isFault
    }
}

/// The connection state of one backend.
public struct ComponentStatus: Hashable, Sendable {
    /// Health as the header shows it.
    public enum Health: String, Hashable, Sendable {
        case connected = "ok"
        case degraded
        case disconnected = "down"
        case unknown = "?"
    }

    /// A short name: `kube`, `registry public`, `catalog`, `storage`, `location`, `backstage`.
    public var name: String
    public var health: Health
    /// One line on why: the endpoint, the last error.
    public var detail: String

    /// Creates a component state.
    public init(name: String, health: Health, detail: String = "") {
        self.name = name
        self.health = health
        self.detail = detail
    }
}

/// A fetch by Backstage (or its TechDocs reader): when and with what HTTP status.
public struct FetchRecord: Hashable, Sendable {
    public var at: Timestamp
    public var status: Int

    /// Creates a fetch record.
    public init(at: Timestamp, status: Int) {
        self.at = at
        self.status = status
    }
}

/// One published model document.
public struct ModelRow: Hashable, Sendable {
    /// The storage key (opaque; never split).
    public var key: String
    /// The URI `location` serves the document at.
    public var uri: String
    /// The registry's name, or `kserve` for KServe-only services.
    public var registry: String
    public var model: String
    public var version: String
    /// The registry state (`LIVE`, `ARCHIVED`) or KServe readiness.
    public var state: String
    public var owner: String
    public var lifecycle: String
    /// The model format (`onnx`, `vLLM`…), empty when unknown.
    public var format: String
    /// Names (`namespace/name`) of the inference services that serve this version.
    public var endpoints: [String]
    /// Registry custom properties and KServe labels; `/-l key=value` filters on them.
    public var labels: [String: String]
    /// The last time Backstage fetched the document, if it did.
    public var backstageFetch: FetchRecord?
    /// The document exactly as served, JSON text; `y` shows it.
    public var documentJSON: String?

    /// Creates a model row.
    public init(
        key: String, uri: String = "", registry: String, model: String, version: String, state: String = "",
        owner: String = "", lifecycle: String = "", format: String = "", endpoints: [String] = [],
        labels: [String: String] = [:], backstageFetch: FetchRecord? = nil, documentJSON: String? = nil
    ) {
        self.key = key
        self.uri = uri
        self.registry = registry
        self.model = model
        self.version = version
        self.state = state
        self.owner = owner
        self.lifecycle = lifecycle
        self.format = format
        self.endpoints = endpoints
        self.labels = labels
        self.backstageFetch = backstageFetch
        self.documentJSON = documentJSON
    }
}

/// One status condition of a Kubernetes object.
public struct ConditionRow: Hashable, Sendable {
    public var type: String
    /// `True`, `False` or `Unknown`.
    public var status: String
    public var reason: String
    public var message: String

    /// Creates a condition.
    public init(type: String, status: String, reason: String = "", message: String = "") {
        self.type = type
        self.status = status
        self.reason = reason
        self.message = message
    }
}

/// One InferenceService or LLMInferenceService.
public struct EndpointRow: Hashable, Sendable {
    /// The KServe kinds.
    public enum Kind: String, Hashable, Sendable {
        case inferenceService = "InferenceService"
        case llmInferenceService = "LLMInferenceService"
    }

    public var namespace: String
    public var name: String
    public var kind: Kind
    /// `Serverless`, `RawDeployment`, `ModelMesh`, empty when unknown.
    public var deploymentMode: String
    /// The serving runtime name.
    public var runtime: String
    public var conditions: [ConditionRow]
    public var ready: Bool
    public var externalURL: String?
    public var internalURL: String?
    /// True when the endpoint requires a token.
    public var authEnabled: Bool
    /// The registry model and version this serves, when linked.
    public var linkedModel: String?
    public var linkedVersion: String?
    /// The storage key of the linked document, so actions on this row can target it.
    public var linkedKey: String?
    /// Labels of the object; `/-l key=value` filters on them.
    public var labels: [String: String]
    /// The object as read from the API server, JSON text; `y` shows it.
    public var objectJSON: String?

    /// Creates an endpoint row.
    public init(
        namespace: String, name: String, kind: Kind = .inferenceService, deploymentMode: String = "",
        runtime: String = "", conditions: [ConditionRow] = [], ready: Bool = false, externalURL: String? = nil,
        internalURL: String? = nil, authEnabled: Bool = false, linkedModel: String? = nil,
        linkedVersion: String? = nil, linkedKey: String? = nil, labels: [String: String] = [:],
        objectJSON: String? = nil
    ) {
        self.namespace = namespace
        self.name = name
        self.kind = kind
        self.deploymentMode = deploymentMode
        self.runtime = runtime
        self.conditions = conditions
        self.ready = ready
        self.externalURL = externalURL
        self.internalURL = internalURL
        self.authEnabled = authEnabled
        self.linkedModel = linkedModel
        self.linkedVersion = linkedVersion
        self.linkedKey = linkedKey
        self.labels = labels
        self.objectJSON = objectJSON
    }
}

/// Why a model has no model card in Backstage, in words an operator can act on.
public enum CardMissingReason: Hashable, Sendable, CustomStringConvertible {
    case registeredBeforeRHOAI225
    case noCatalogRoute
    case cardEmpty
    case catalogUnreachable
    case other(String)

    public var description: String {
        switch self {
        case .registeredBeforeRHOAI225: "registered before RHOAI 2.25"
        case .noCatalogRoute: "no catalog route"
        case .cardEmpty: "card empty"
        case .catalogUnreachable: "catalog unreachable"
        case .other(let text): text
        }
    }
}

/// The result of fetching a model card from the model catalog.
public struct CardFetch: Hashable, Sendable {
    public var at: Timestamp
    /// Markdown bytes, 0 when the fetch failed.
    public var bytes: Int
    /// A content hash, for telling versions apart.
    public var hash: String
    /// The error, when the fetch failed.
    public var error: String?

    /// Creates a card fetch.
    public init(at: Timestamp, bytes: Int, hash: String = "", error: String? = nil) {
        self.at = at
        self.bytes = bytes
        self.hash = hash
        self.error = error
    }
}

/// Model-card (TechDocs) propagation for one model.
public struct TechDocsRow: Hashable, Sendable {
    /// The storage key of the model's document.
    public var key: String
    public var model: String
    public var version: String
    /// Where the card comes from (a catalog source id), `nil` when unknown.
    public var cardSource: String?
    /// The last fetch of the card from the catalog.
    public var catalogFetch: CardFetch?
    /// The path `location` serves the card at (`/modelcard/…`), `nil` when not served.
    public var servedPath: String?
    /// The last read by Backstage's TechDocs reader.
    public var backstageRead: FetchRecord?
    /// Why there is no card, when there is none.
    public var missingReason: CardMissingReason?

    /// Creates a TechDocs row.
    public init(
        key: String, model: String, version: String, cardSource: String? = nil, catalogFetch: CardFetch? = nil,
        servedPath: String? = nil, backstageRead: FetchRecord? = nil, missingReason: CardMissingReason? = nil
    ) {
        self.key = key
        self.model = model
        self.version = version
        self.cardSource = cardSource
        self.catalogFetch = catalogFetch
        self.servedPath = servedPath
        self.backstageRead = backstageRead
        self.missingReason = missingReason
    }
}

/// The ConfigMap cache.
public struct CacheInfo: Hashable, Sendable {
    /// A ConfigMap holds at most this many bytes of data.
    public static let shardLimitBytes = 1_048_576

    public var shards: [CacheShard]

    /// Creates the cache description.
    public init(shards: [CacheShard] = []) {
        self.shards = shards
    }
}

/// One ConfigMap of the cache.
public struct CacheShard: Hashable, Sendable {
    /// The ConfigMap name.
    public var name: String
    /// Data bytes used: the figure `/metrics` exports as `modelbridge_cache_bytes`.
    public var bytes: Int
    /// What the store fills this ConfigMap to before it starts another (`modelbridge_cache_budget_bytes`);
    /// `nil` when the store has no such budget (the memory store, or a store known only through its keys).
    public var budgetBytes: Int?
    public var entries: [CacheEntry]

    /// Creates a shard.
    public init(name: String, bytes: Int, budgetBytes: Int? = nil, entries: [CacheEntry] = []) {
        self.name = name
        self.bytes = bytes
        self.budgetBytes = budgetBytes
        self.entries = entries
    }

    /// Share of the budget in percent, or of the 1 MiB ConfigMap limit when there is no budget.
    public var percentUsed: Double { Double(bytes) * 100 / Double(budgetBytes ?? CacheInfo.shardLimitBytes) }

    /// Bytes left before the store starts another ConfigMap; `nil` without a budget.
    public var headroomBytes: Int? { budgetBytes.map { max($0 - bytes, 0) } }
}

/// One key of a cache shard.
public struct CacheEntry: Hashable, Sendable {
    public var key: String
    /// The stored fields (`body`, `modelCard`, `lastUpdateTimeSinceEpoch`…).
    public var fields: [String]
    /// The id of the Backstage location that imports it, when known.
    public var locationID: String?
    public var updatedAt: Timestamp?
    /// Bytes of the stored value.
    public var bytes: Int
    /// The decoded document, JSON text.
    public var documentJSON: String?

    /// Creates a cache entry.
    public init(
        key: String, fields: [String] = [], locationID: String? = nil, updatedAt: Timestamp? = nil,
        bytes: Int = 0, documentJSON: String? = nil
    ) {
        self.key = key
        self.fields = fields
        self.locationID = locationID
        self.updatedAt = updatedAt
        self.bytes = bytes
        self.documentJSON = documentJSON
    }
}

/// What Backstage fetched from `location`.
public struct BackstageInfo: Hashable, Sendable {
    /// The last `GET /list`.
    public var lastListPoll: FetchRecord?
    /// How many `/list` polls there were.
    public var listPolls: Int
    /// Per document and per card: the last fetch.
    public var fetches: [BackstageFetch]

    /// Creates the Backstage description.
    public init(lastListPoll: FetchRecord? = nil, listPolls: Int = 0, fetches: [BackstageFetch] = []) {
        self.lastListPoll = lastListPoll
        self.listPolls = listPolls
        self.fetches = fetches
    }
}

/// The last fetch of one document or model card by Backstage.
public struct BackstageFetch: Hashable, Sendable {
    /// What was fetched.
    public enum Kind: String, Hashable, Sendable {
        case document
        case card
    }

    public var kind: Kind
    /// The request path (`/mnist/v1…/model-catalog.json`, `/modelcard/…`).
    public var path: String
    /// The storage key it belongs to, when known.
    public var key: String?
    public var last: FetchRecord
    /// Fetches so far.
    public var count: Int

    /// Creates a fetch row.
    public init(kind: Kind, path: String, key: String? = nil, last: FetchRecord, count: Int = 1) {
        self.kind = kind
        self.path = path
        self.key = key
        self.last = last
        self.count = count
    }
}

/// One engine or console event.
public struct EngineEvent: Hashable, Sendable {
    /// Severity.
    public enum Level: String, Hashable, Sendable, Comparable {
        case debug
        case info
        case warning
        case error

        var rank: Int {
            switch self {
            case .debug: 0
            case .info: 1
            case .warning: 2
            case .error: 3
            }
        }

        public static func < (lhs: Level, rhs: Level) -> Bool { lhs.rank < rhs.rank }
    }

    public var at: Timestamp
    public var level: Level
    /// Who said it: `normalizer`, `storage`, `location`, `console`…
    public var source: String
    public var message: String

    /// Creates an event.
    public init(at: Timestamp, level: Level, source: String, message: String) {
        self.at = at
        self.level = level
        self.source = source
        self.message = message
    }
}
