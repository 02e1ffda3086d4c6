/// A model of the model catalog (the `CatalogModel` schema of catalog v1alpha1, renamed so it does not shadow this package's `CatalogModel` module). ``readme`` is the
/// markdown the bridge publishes as the model card. Note the snake_case `source_id` key.
///
/// ```swift
/// let card = try await catalog.model(sourceId: "redhat_ai_models", name: "rhelai1/granite-8b").readme
/// ```
public struct CatalogModelEntry: Codable, Sendable, Hashable {
    public var name: String?
    public var sourceId: String?
    public var description: String?
    public var readme: String?
    public var maturity: String?
    public var language: [String]?
    public var tasks: [String]?
    public var provider: String?
    public var logo: String?
    public var license: String?
    public var licenseLink: String?
    public var libraryName: String?
    public var customProperties: CustomProperties?
    public var createTimeSinceEpoch: String?
    public var lastUpdateTimeSinceEpoch: String?

    public init(
        name: String? = nil, sourceId: String? = nil, description: String? = nil, readme: String? = nil,
        maturity: String? = nil, language: [String]? = nil, tasks: [String]? = nil, provider: String? = nil,
        logo: String? = nil, license: String? = nil, licenseLink: String? = nil, libraryName: String? = nil,
        customProperties: CustomProperties? = nil, createTimeSinceEpoch: String? = nil,
        lastUpdateTimeSinceEpoch: String? = nil
    ) {
        self.name = name
        self.sourceId = sourceId
        self.description = description
        self.readme = readme
        self.maturity = maturity
        self.language = language
        self.tasks = tasks
        self.provider = provider
        self.logo = logo
        self.license = license
        self.licenseLink = licenseLink
        self.libraryName = libraryName
        self.customProperties = customProperties
        self.createTimeSinceEpoch = createTimeSinceEpoch
        self.lastUpdateTimeSinceEpoch = lastUpdateTimeSinceEpoch
    }

    enum CodingKeys: String, CodingKey {
        case name
        case sourceId = "source_id"
        case description, readme, maturity, language, tasks, provider, logo, license, licenseLink, libraryName
        case customProperties, createTimeSinceEpoch, lastUpdateTimeSinceEpoch
    }

    public init(from decoder: any Decoder) throws {
        let c = try GoStyleKeyedContainer(decoder: decoder, keyedBy: CodingKeys.self)
        self.init(
            name: try c.decode(String.self, .name),
            sourceId: try c.decode(String.self, .sourceId),
            description: try c.decode(String.self, .description),
            readme: try c.decode(String.self, .readme),
            maturity: try c.decode(String.self, .maturity),
            language: try c.decode([String].self, .language),
            tasks: try c.decode([String].self, .tasks),
            provider: try c.decode(String.self, .provider),
            logo: try c.decode(String.self, .logo),
            license: try c.decode(String.self, .license),
            licenseLink: try c.decode(String.self, .licenseLink),
            libraryName: try c.decode(String.self, .libraryName),
            customProperties: try c.decode(CustomProperties.self, .customProperties),
            createTimeSinceEpoch: try c.lenientString(.createTimeSinceEpoch),
            lastUpdateTimeSinceEpoch: try c.lenientString(.lastUpdateTimeSinceEpoch)
        )
    }
}

/// A catalog source (`CatalogSource`): the `source_id` a catalog model lives under, e.g.
/// `redhat_ai_models`.
///
/// ```swift
/// let ids = try await catalog.sources().map(\.id)
/// ```
public struct CatalogSource: Codable, Sendable, Hashable {
    public var id: String?
    public var name: String?
    public var enabled: Bool?

    public init(id: String? = nil, name: String? = nil, enabled: Bool? = nil) {
        self.id = id
        self.name = name
        self.enabled = enabled
    }

    enum CodingKeys: String, CodingKey {
        case id, name, enabled
    }

    public init(from decoder: any Decoder) throws {
        let c = try GoStyleKeyedContainer(decoder: decoder, keyedBy: CodingKeys.self)
        self.init(
            id: try c.decode(String.self, .id),
            name: try c.decode(String.self, .name),
            enabled: try c.decode(Bool.self, .enabled)
        )
    }
}

/// An artifact of a catalog model (`CatalogModelArtifact`): where the model can be fetched.
///
/// ```swift
/// let uris = artifacts.compactMap(\.uri)
/// ```
public struct CatalogModelArtifact: Codable, Sendable, Hashable {
    public var uri: String?
    public var customProperties: CustomProperties?
    public var createTimeSinceEpoch: String?
    public var lastUpdateTimeSinceEpoch: String?

    public init(
        uri: String? = nil, customProperties: CustomProperties? = nil, createTimeSinceEpoch: String? = nil,
        lastUpdateTimeSinceEpoch: String? = nil
    ) {
        self.uri = uri
        self.customProperties = customProperties
        self.createTimeSinceEpoch = createTimeSinceEpoch
        self.lastUpdateTimeSinceEpoch = lastUpdateTimeSinceEpoch
    }

    enum CodingKeys: String, CodingKey {
        case uri, customProperties, createTimeSinceEpoch, lastUpdateTimeSinceEpoch
    }

    public init(from decoder: any Decoder) throws {
        let c = try GoStyleKeyedContainer(decoder: decoder, keyedBy: CodingKeys.self)
        self.init(
            uri: try c.decode(String.self, .uri),
            customProperties: try c.decode(CustomProperties.self, .customProperties),
            createTimeSinceEpoch: try c.lenientString(.createTimeSinceEpoch),
            lastUpdateTimeSinceEpoch: try c.lenientString(.lastUpdateTimeSinceEpoch)
        )
    }
}
