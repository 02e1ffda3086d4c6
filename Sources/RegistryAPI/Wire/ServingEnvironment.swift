/// A serving environment (`ServingEnvironment`, v1alpha3). Its ``name`` is the Kubernetes
/// namespace of the KServe InferenceServices it holds.
///
/// ```swift
/// let namespaceById = Dictionary(uniqueKeysWithValues: environments.compactMap { env in
///     env.id.map { ($0, env.name ?? "") }
/// })
/// ```
public struct ServingEnvironment: RegistryEntity {
    public var id: String?
    public var name: String?
    public var externalId: String?
    public var description: String?
    public var customProperties: CustomProperties?
    public var createTimeSinceEpoch: String?
    public var lastUpdateTimeSinceEpoch: String?

    public init(
        id: String? = nil, name: String? = nil, externalId: String? = nil, description: String? = nil,
        customProperties: CustomProperties? = nil, createTimeSinceEpoch: String? = nil,
        lastUpdateTimeSinceEpoch: String? = nil
    ) {
        self.id = id
        self.name = name
        self.externalId = externalId
        self.description = description
        self.customProperties = customProperties
        self.createTimeSinceEpoch = createTimeSinceEpoch
        self.lastUpdateTimeSinceEpoch = lastUpdateTimeSinceEpoch
    }

    enum CodingKeys: String, CodingKey {
        case id, name, externalId, description, customProperties, createTimeSinceEpoch, lastUpdateTimeSinceEpoch
    }

    public init(from decoder: any Decoder) throws {
        let c = try GoStyleKeyedContainer(decoder: decoder, keyedBy: CodingKeys.self)
        self.init(
            id: try c.lenientString(.id),
            name: try c.decode(String.self, .name),
            externalId: try c.decode(String.self, .externalId),
            description: try c.decode(String.self, .description),
            customProperties: try c.decode(CustomProperties.self, .customProperties),
            createTimeSinceEpoch: try c.lenientString(.createTimeSinceEpoch),
            lastUpdateTimeSinceEpoch: try c.lenientString(.lastUpdateTimeSinceEpoch)
        )
    }
}
