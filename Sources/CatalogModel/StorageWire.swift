import Foundation

/// The body of `POST /upsert` (normalizer → storage-rest → location), upstream's `PostBody`.
/// All four keys are always present; `body` is the document, base64 on the wire.
public struct UpsertBody: Codable, Hashable, Sendable {
    /// The document bytes (JSON or legacy YAML).
    public var body: Data
    /// Newest `lastUpdateTimeSinceEpoch` of the inputs; `""` when unknown.
    public var lastUpdateTimeSinceEpoch: String
    /// The model-card key; `""` when there is no card.
    public var modelCardKey: String
    /// The model-card markdown; `""` when there is no card.
    public var modelCard: String

    public init(body: Data, lastUpdateTimeSinceEpoch: String = "", modelCardKey: String = "", modelCard: String = "") {
        self.body = body
        self.lastUpdateTimeSinceEpoch = lastUpdateTimeSinceEpoch
        self.modelCardKey = modelCardKey
        self.modelCard = modelCard
    }

    /// The upsert body of a normalized document in the given format.
    public init(_ document: NormalizedDocument, format: NormalizerFormat) throws {
        self.init(
            body: try document.body(format: format), lastUpdateTimeSinceEpoch: document.epoch,
            modelCardKey: document.modelCard?.key ?? "", modelCard: document.modelCard?.markdown ?? "")
    }

    enum CodingKeys: String, CodingKey {
        case body, lastUpdateTimeSinceEpoch, modelCardKey, modelCard
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        body = try container.decodeIfPresent(Data.self, forKey: .body) ?? Data()
        lastUpdateTimeSinceEpoch = try container.decodeIfPresent(String.self, forKey: .lastUpdateTimeSinceEpoch) ?? ""
        modelCardKey = try container.decodeIfPresent(String.self, forKey: .modelCardKey) ?? ""
        modelCard = try container.decodeIfPresent(String.self, forKey: .modelCard) ?? ""
    }
}

/// One stored entry, upstream's `StorageBody`: the value of `binaryData[<key>]` in the
/// `bac-import-model` ConfigMap. Reads what the Go bridge wrote, so an upgrade keeps the
/// Backstage location ids it recorded.
public struct StorageBody: Codable, Hashable, Sendable {
    public var body: Data
    public var locationId: String
    public var locationTarget: String
    public var locationIDValid: Bool
    public var reconcilerType: String
    /// Kept from the upsert (upstream always stored `""`, B5).
    public var lastUpdateTimeSinceEpoch: String
    /// Model-card key and markdown, so `location` can serve cards after a restart (B7).
    /// Absent in entries the Go bridge wrote.
    public var modelCardKey: String?
    public var modelCard: String?

    public init(
        body: Data, locationId: String = "", locationTarget: String = "", locationIDValid: Bool = false,
        reconcilerType: String = "", lastUpdateTimeSinceEpoch: String = "", modelCardKey: String? = nil,
        modelCard: String? = nil
    ) {
        self.body = body
        self.locationId = locationId
        self.locationTarget = locationTarget
        self.locationIDValid = locationIDValid
        self.reconcilerType = reconcilerType
        self.lastUpdateTimeSinceEpoch = lastUpdateTimeSinceEpoch
        self.modelCardKey = modelCardKey
        self.modelCard = modelCard
    }

    enum CodingKeys: String, CodingKey {
        case body, locationId, locationTarget, locationIDValid, reconcilerType, lastUpdateTimeSinceEpoch
        case modelCardKey, modelCard
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        body = try container.decodeIfPresent(Data.self, forKey: .body) ?? Data()
        locationId = try container.decodeIfPresent(String.self, forKey: .locationId) ?? ""
        locationTarget = try container.decodeIfPresent(String.self, forKey: .locationTarget) ?? ""
        locationIDValid = try container.decodeIfPresent(Bool.self, forKey: .locationIDValid) ?? false
        reconcilerType = try container.decodeIfPresent(String.self, forKey: .reconcilerType) ?? ""
        lastUpdateTimeSinceEpoch = try container.decodeIfPresent(String.self, forKey: .lastUpdateTimeSinceEpoch) ?? ""
        modelCardKey = try container.decodeIfPresent(String.self, forKey: .modelCardKey)
        modelCard = try container.decodeIfPresent(String.self, forKey: .modelCard)
    }

    /// Compact JSON, as stored.
    public func encodedJSON() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }
}
