import Foundation

/// The model-catalog document that the Backstage entity provider reads from `location`
/// (schema: `model-catalog.schema.json` of the upstream bridge).
///
/// ```swift
/// let document = ModelCatalog(models: [model], modelServer: server)
/// let bytes = try document.encodedJSON()
/// ```
///
/// `models` is never null on the wire (contract C8): the type makes it non-optional and the
/// decoder accepts a missing or null `models` as empty so a garbled stored document still loads.
public struct ModelCatalog: Codable, Hashable, Sendable {
    /// The models of the document; the normalizer always writes exactly one.
    public var models: [Model]
    /// The server that runs the models, when one was resolved with a non-empty API URL.
    public var modelServer: ModelServer?

    /// Creates a document.
    public init(models: [Model], modelServer: ModelServer? = nil) {
        self.models = models
        self.modelServer = modelServer
    }

    enum CodingKeys: String, CodingKey {
        case models
        case modelServer
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        models = try container.decodeIfPresent([Model].self, forKey: .models) ?? []
        modelServer = try container.decodeIfPresent(ModelServer.self, forKey: .modelServer)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(models, forKey: .models)
        try container.encodeIfPresent(modelServer, forKey: .modelServer)
    }

    /// Compact JSON with sorted keys and unescaped slashes, no trailing newline.
    public func encodedJSON() throws -> Data {
        try ModelCatalog.encoder.encode(self)
    }

    /// Decodes a document from JSON bytes.
    public static func decode(_ data: Data) throws -> ModelCatalog {
        try JSONDecoder().decode(ModelCatalog.self, from: data)
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()
}

/// An AI model; becomes a Backstage `Resource` of type `ai-model`.
public struct Model: Codable, Hashable, Sendable {
    /// Annotations copied verbatim to the entity; `TechDocs` becomes `backstage.io/techdocs-ref`.
    public var annotations: [String: String]?
    /// Where the model's artifacts live; omitted rather than empty (C17).
    public var artifactLocationURL: String?
    /// Free text; may be empty.
    public var description: String
    public var ethics: String?
    /// A link; omitted rather than empty (C17).
    public var howToUseURL: String?
    /// Rendered as a link by the plugin; omitted rather than empty (C17).
    public var license: String?
    public var lifecycle: String
    /// A valid Backstage entity name (C13).
    public var name: String
    /// A bare user name; the plugin prepends `user:` (C15).
    public var owner: String
    public var support: String?
    /// Backstage-valid tags (C18), sorted; omitted when empty.
    public var tags: [String]?
    public var training: String?
    public var usage: String?

    /// Creates a model with the required fields.
    public init(
        name: String, owner: String, lifecycle: String, description: String,
        annotations: [String: String]? = nil, artifactLocationURL: String? = nil, ethics: String? = nil,
        howToUseURL: String? = nil, license: String? = nil, support: String? = nil, tags: [String]? = nil,
        training: String? = nil, usage: String? = nil
    ) {
        self.name = name
        self.owner = owner
        self.lifecycle = lifecycle
        self.description = description
        self.annotations = annotations
        self.artifactLocationURL = artifactLocationURL
        self.ethics = ethics
        self.howToUseURL = howToUseURL
        self.license = license
        self.support = support
        self.tags = tags
        self.training = training
        self.usage = usage
    }
}

/// A deployed model server; becomes a Backstage `Component` (and an `API` when `API` is set).
public struct ModelServer: Codable, Hashable, Sendable {
    public var annotations: [String: String]?
    /// The API the server exposes (`API` on the wire).
    public var api: ModelServerAPI?
    public var authentication: Bool?
    public var description: String
    /// A link; omitted rather than empty (C17).
    public var homepageURL: String?
    public var lifecycle: String
    public var name: String
    public var owner: String
    public var tags: [String]?
    public var usage: String?

    /// Creates a model server with the required fields.
    public init(
        name: String, owner: String, lifecycle: String, description: String,
        api: ModelServerAPI? = nil, authentication: Bool? = nil, annotations: [String: String]? = nil,
        homepageURL: String? = nil, tags: [String]? = nil, usage: String? = nil
    ) {
        self.name = name
        self.owner = owner
        self.lifecycle = lifecycle
        self.description = description
        self.api = api
        self.authentication = authentication
        self.annotations = annotations
        self.homepageURL = homepageURL
        self.tags = tags
        self.usage = usage
    }

    enum CodingKeys: String, CodingKey {
        case annotations
        case api = "API"
        case authentication, description, homepageURL, lifecycle, name, owner, tags, usage
    }
}

/// The API a model server exposes.
public struct ModelServerAPI: Codable, Hashable, Sendable {
    /// `rhdh.modelcatalog.io/internal-service-url` and `…/external-route-url`.
    public var annotations: [String: String]?
    /// The API definition or a link to it; `TBD` when unknown.
    public var spec: String
    public var tags: [String]?
    public var type: APIType
    /// Never empty: a server without a URL is not written at all.
    public var url: String

    /// Creates an API description.
    public init(
        url: String, type: APIType, spec: String, tags: [String]? = nil, annotations: [String: String]? = nil
    ) {
        self.url = url
        self.type = type
        self.spec = spec
        self.tags = tags
        self.annotations = annotations
    }
}

/// The API kinds the schema allows.
public enum APIType: String, Codable, Hashable, Sendable, CaseIterable {
    case openapi
    case asyncapi
    case graphql
    case grpc

    /// Upstream rule: an exact `graphql`, `asyncapi` or `grpc` selects that type; anything else is `openapi`.
    public init(propertyValue: String?) {
        switch propertyValue {
        case "graphql": self = .graphql
        case "asyncapi": self = .asyncapi
        case "grpc": self = .grpc
        default: self = .openapi
        }
    }
}

/// Well-known annotation keys of the output documents.
public enum OutputAnnotation {
    /// On `models[]`: the name to call the model by (read by software templates).
    public static let modelName = "rhdh.modelcatalog.io/model-name"
    /// On `modelServer.API`: the in-cluster service URL.
    public static let internalServiceURL = "rhdh.modelcatalog.io/internal-service-url"
    /// On `modelServer.API`: the external route URL, when it differs from the internal one.
    public static let externalRouteURL = "rhdh.modelcatalog.io/external-route-url"
    /// On `models[]`: the TechDocs URL (the plugin turns it into `backstage.io/techdocs-ref: url:…`).
    public static let techDocs = "TechDocs"
}
