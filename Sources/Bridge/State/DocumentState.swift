import CatalogModel
import Foundation

/// One document the normalizer rendered, with what it was rendered from: the registry, the real
/// model and version names (never recovered from the key), the model format, the labels, and how
/// its model card propagates.
///
/// ```swift
/// for document in state.documents where document.registry != nil {
///     print(document.key, document.model, document.version, document.card?.missing ?? "has a card")
/// }
/// ```
public struct DocumentState: Codable, Sendable, Hashable {
    /// What a registry says about the version a document comes from.
    struct Identity {
        var registry: String
        var model: String
        var version: String
        var format: String?
        var labels: [String: String]
        var card: CardPropagation
    }

    /// The storage key.
    public var key: String
    /// The path location serves the document at.
    public var uri: String
    /// `kubeflow` (a registry version) or `kserve` (an inference service alone).
    public var type: ReconcilerType
    /// Newest `lastUpdateTimeSinceEpoch` of the inputs; empty if unknown.
    public var epoch: String
    public var modelCardKey: String?
    /// The last upsert's error, while the key waits for a retry.
    public var failing: String?
    /// The registry (`namespace:name`) of a registry version; nil for a KServe-only document, or when the
    /// registry that rendered it has no complete read this run.
    public var registry: String?
    /// The registered model's name; the key's first segment when the registry is not known.
    public var model: String
    /// The model version's name; the key's second segment when the registry is not known.
    public var version: String
    /// The first artifact's model format (`onnx`, `vLLM`, …).
    public var format: String?
    /// The model's and version's string custom properties (the version's win).
    public var labels: [String: String]
    /// How the model card reaches Developer Hub; registry documents only.
    public var card: CardPropagation?
    /// The rendered document, as location serves it in JSON.
    public var document: ModelCatalog

    public init(
        key: String, uri: String, type: ReconcilerType, epoch: String, modelCardKey: String? = nil,
        failing: String? = nil, registry: String? = nil, model: String, version: String, format: String? = nil,
        labels: [String: String] = [:], card: CardPropagation? = nil, document: ModelCatalog
    ) {
        self.key = key
        self.uri = uri
        self.type = type
        self.epoch = epoch
        self.modelCardKey = modelCardKey
        self.failing = failing
        self.registry = registry
        self.model = model
        self.version = version
        self.format = format
        self.labels = labels
        self.card = card
        self.document = document
    }

    init(_ rendered: NormalizedDocument, format: NormalizerFormat, identity: Identity?, failing: String?) {
        self.init(
            key: rendered.key.key, uri: rendered.key.uri(format: format), type: rendered.reconcilerType,
            epoch: rendered.epoch, modelCardKey: rendered.modelCard?.key, failing: failing,
            registry: identity?.registry, model: identity?.model ?? rendered.key.segment1,
            version: identity?.version ?? rendered.key.segment2, format: identity?.format,
            labels: identity?.labels ?? [:],
            card: rendered.reconcilerType == .kubeflow
                ? identity?.card ?? CardPropagation(source: nil, card: nil, catalogURL: nil) : nil,
            document: rendered.document)
    }
}

/// How one registry version's model card gets from the model catalog to Developer Hub's TechDocs, as
/// far as the normalizer knows, and why it does not when it does not.
public struct CardPropagation: Codable, Sendable, Hashable {
    /// The normalizer's last read of the card from the catalog.
    public enum Read: String, Codable, Sendable, Hashable {
        /// The catalog returned markdown.
        case fetched
        /// The catalog answered, but has no such model or its readme is empty.
        case empty
        /// The catalog could not be read; the card read before, if any, is still served.
        case failed
        /// The registry has no catalog route.
        case noCatalog
        /// Not read: the version names no catalog source, or its registry has no catalog route.
        case notRead
    }

    /// Why the model has no card in Developer Hub.
    public enum Missing: String, Codable, Sendable, Hashable {
        /// The version's artifacts name no catalog source: registered before RHOAI 2.25.
        case noCatalogSource
        /// The registry has no model catalog route.
        case noCatalogRoute
        /// The catalog's readme is empty or missing.
        case cardEmpty
        /// The catalog could not be read and no earlier card is known.
        case catalogUnreachable
    }

    /// The catalog source, `sourceClass/group/name`.
    public var source: String?
    public var read: Read
    /// When the catalog was read.
    public var readAt: Date?
    /// Bytes of the markdown published (the last good one after a failed read).
    public var bytes: Int
    /// The first 12 hex digits of the markdown's SHA-256, after a successful read.
    public var hash: String?
    /// The catalog's error, after a failed read.
    public var error: String?
    public var missing: Missing?

    public init(
        source: String?, read: Read, readAt: Date? = nil, bytes: Int = 0, hash: String? = nil, error: String? = nil,
        missing: Missing? = nil
    ) {
        self.source = source
        self.read = read
        self.readAt = readAt
        self.bytes = bytes
        self.hash = hash
        self.error = error
        self.missing = missing
    }

    /// The propagation of the card of `source`, read as `card` from the catalog at `catalogURL`.
    init(source: CatalogSource?, card: CardState?, catalogURL: String?) {
        let name = source.map { "\($0.sourceClass)/\($0.group)/\($0.name)" }
        switch card {
        case .fetched(let markdown, let at):
            self.init(
                source: name, read: .fetched, readAt: at, bytes: markdown.utf8.count,
                hash: ContentDigest.hex(markdown.utf8, length: 12))
        case .empty(let at):
            self.init(source: name, read: .empty, readAt: at, missing: .cardEmpty)
        case .failed(let why, let at, let lastGood):
            self.init(
                source: name, read: .failed, readAt: at, bytes: lastGood?.utf8.count ?? 0, error: why,
                missing: lastGood == nil ? .catalogUnreachable : nil)
        case .noCatalog:
            self.init(source: name, read: .noCatalog, missing: .noCatalogRoute)
        case nil:
            let missing: Missing? =
                source == nil ? .noCatalogSource : (catalogURL == nil ? .noCatalogRoute : nil)
            self.init(source: name, read: .notRead, missing: missing)
        }
    }
}
