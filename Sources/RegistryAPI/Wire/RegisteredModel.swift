/// A registered model (`RegisteredModel`, v1alpha3): the parent of model versions.
///
/// Decoding is tolerant (see ``GoStyleKeyedContainer``): unknown keys are ignored and keys
/// match case-insensitively like Go, so `"Owner"` fills ``owner``.
///
/// ```swift
/// let models = try await client.registeredModels()
/// let live = models.filter { $0.state != .archived }
/// ```
public struct RegisteredModel: RegistryEntity {
    public var id: String?
    public var name: String?
    public var externalId: String?
    public var description: String?
    public var owner: String?
    public var state: ModelState?
    public var customProperties: CustomProperties?
    public var createTimeSinceEpoch: String?
    public var lastUpdateTimeSinceEpoch: String?
    // Catalog-style fields, RHOAI 2.22+.
    public var readme: String?
    public var maturity: String?
    public var language: [String]?
    public var tasks: [String]?
    public var provider: String?
    public var logo: String?
    public var license: String?
    public var licenseLink: String?
    public var libraryName: String?

    public init(
        id: String? = nil, name: String? = nil, externalId: String? = nil, description: String? = nil,
        owner: String? = nil, state: ModelState? = nil, customProperties: CustomProperties? = nil,
        createTimeSinceEpoch: String? = nil, lastUpdateTimeSinceEpoch: String? = nil,
        readme: String? = nil, maturity: String? = nil, language: [String]? = nil, tasks: [String]? = nil,
        provider: String? = nil, logo: String? = nil, license: String? = nil, licenseLink: String? = nil,
        libraryName: String? = nil
    ) {
        self.id = id
        self.name = name
        self.externalId = externalId
        self.description = description
        self.owner = owner
        self.state = state
        self.customProperties = customProperties
        self.createTimeSinceEpoch = createTimeSinceEpoch
        self.lastUpdateTimeSinceEpoch = lastUpdateTimeSinceEpoch
        self.readme = readme
        self.maturity = maturity
        self.language = language
        self.tasks = tasks
        self.provider = provider
        self.logo = logo
        self.license = license
        self.licenseLink = licenseLink
        self.libraryName = libraryName
    }

    enum CodingKeys: String, CodingKey {
        case id, name, externalId, description, owner, state, customProperties
        case createTimeSinceEpoch, lastUpdateTimeSinceEpoch
        case readme, maturity, language, tasks, provider, logo, license, licenseLink, libraryName
    }

    public init(from decoder: any Decoder) throws {
        let c = try GoStyleKeyedContainer(decoder: decoder, keyedBy: CodingKeys.self)
        self.init(
            id: try c.lenientString(.id),
            name: try c.decode(String.self, .name),
            externalId: try c.decode(String.self, .externalId),
            description: try c.decode(String.self, .description),
            owner: try c.decode(String.self, .owner),
            state: try c.decode(ModelState.self, .state),
            customProperties: try c.decode(CustomProperties.self, .customProperties),
            createTimeSinceEpoch: try c.lenientString(.createTimeSinceEpoch),
            lastUpdateTimeSinceEpoch: try c.lenientString(.lastUpdateTimeSinceEpoch),
            readme: try c.decode(String.self, .readme),
            maturity: try c.decode(String.self, .maturity),
            language: try c.decode([String].self, .language),
            tasks: try c.decode([String].self, .tasks),
            provider: try c.decode(String.self, .provider),
            logo: try c.decode(String.self, .logo),
            license: try c.decode(String.self, .license),
            licenseLink: try c.decode(String.self, .licenseLink),
            libraryName: try c.decode(String.self, .libraryName)
        )
    }
}
