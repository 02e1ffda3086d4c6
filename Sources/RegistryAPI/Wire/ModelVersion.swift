/// A model version (`ModelVersion`, v1alpha3). Its ``name`` is the version string, and
/// ``registeredModelId`` links it to its ``RegisteredModel``.
///
/// ```swift
/// let versions = try await client.modelVersions()       // one global paged list
/// let byModel = Dictionary(grouping: versions) { $0.registeredModelId ?? "" }
/// ```
public struct ModelVersion: RegistryEntity {
    public var id: String?
    public var name: String?
    public var externalId: String?
    public var description: String?
    public var registeredModelId: String?
    public var author: String?
    public var state: ModelState?
    public var customProperties: CustomProperties?
    public var createTimeSinceEpoch: String?
    public var lastUpdateTimeSinceEpoch: String?

    public init(
        id: String? = nil, name: String? = nil, externalId: String? = nil, description: String? = nil,
        registeredModelId: String? = nil, author: String? = nil, state: ModelState? = nil,
        customProperties: CustomProperties? = nil, createTimeSinceEpoch: String? = nil,
        lastUpdateTimeSinceEpoch: String? = nil
    ) {
        self.id = id
        self.name = name
        self.externalId = externalId
        self.description = description
        self.registeredModelId = registeredModelId
        self.author = author
        self.state = state
        self.customProperties = customProperties
        self.createTimeSinceEpoch = createTimeSinceEpoch
        self.lastUpdateTimeSinceEpoch = lastUpdateTimeSinceEpoch
    }

    enum CodingKeys: String, CodingKey {
        case id, name, externalId, description, registeredModelId, author, state, customProperties
        case createTimeSinceEpoch, lastUpdateTimeSinceEpoch
    }

    public init(from decoder: any Decoder) throws {
        let c = try GoStyleKeyedContainer(decoder: decoder, keyedBy: CodingKeys.self)
        self.init(
            id: try c.lenientString(.id),
            name: try c.decode(String.self, .name),
            externalId: try c.decode(String.self, .externalId),
            description: try c.decode(String.self, .description),
            registeredModelId: try c.lenientString(.registeredModelId),
            author: try c.decode(String.self, .author),
            state: try c.decode(ModelState.self, .state),
            customProperties: try c.decode(CustomProperties.self, .customProperties),
            createTimeSinceEpoch: try c.lenientString(.createTimeSinceEpoch),
            lastUpdateTimeSinceEpoch: try c.lenientString(.lastUpdateTimeSinceEpoch)
        )
    }
}
