/// A registry InferenceService (`InferenceService`, v1alpha3) — the registry's record of a
/// deployment, not the KServe object.
///
/// The registry's ISVC controller names it `<isvc-name>/<isvc-uid>` and puts the
/// ServingRuntime name in ``runtime``. ``modelVersionId`` `nil` means "latest".
///
/// ```swift
/// let deployed = try await client.inferenceServices().filter { $0.desiredState != .undeployed }
/// ```
public struct InferenceService: RegistryEntity {
    public var id: String?
    public var name: String?
    public var externalId: String?
    public var description: String?
    public var registeredModelId: String?
    public var modelVersionId: String?
    public var servingEnvironmentId: String?
    public var runtime: String?
    public var desiredState: InferenceServiceState?
    public var customProperties: CustomProperties?
    public var createTimeSinceEpoch: String?
    public var lastUpdateTimeSinceEpoch: String?

    public init(
        id: String? = nil, name: String? = nil, externalId: String? = nil, description: String? = nil,
        registeredModelId: String? = nil, modelVersionId: String? = nil, servingEnvironmentId: String? = nil,
        runtime: String? = nil, desiredState: InferenceServiceState? = nil, customProperties: CustomProperties? = nil,
        createTimeSinceEpoch: String? = nil, lastUpdateTimeSinceEpoch: String? = nil
    ) {
        self.id = id
        self.name = name
        self.externalId = externalId
        self.description = description
        self.registeredModelId = registeredModelId
        self.modelVersionId = modelVersionId
        self.servingEnvironmentId = servingEnvironmentId
        self.runtime = runtime
        self.desiredState = desiredState
        self.customProperties = customProperties
        self.createTimeSinceEpoch = createTimeSinceEpoch
        self.lastUpdateTimeSinceEpoch = lastUpdateTimeSinceEpoch
    }

    enum CodingKeys: String, CodingKey {
        case id, name, externalId, description, registeredModelId, modelVersionId, servingEnvironmentId
        case runtime, desiredState, customProperties, createTimeSinceEpoch, lastUpdateTimeSinceEpoch
    }

    public init(from decoder: any Decoder) throws {
        let c = try GoStyleKeyedContainer(decoder: decoder, keyedBy: CodingKeys.self)
        self.init(
            id: try c.lenientString(.id),
            name: try c.decode(String.self, .name),
            externalId: try c.decode(String.self, .externalId),
            description: try c.decode(String.self, .description),
            registeredModelId: try c.lenientString(.registeredModelId),
            modelVersionId: try c.lenientString(.modelVersionId),
            servingEnvironmentId: try c.lenientString(.servingEnvironmentId),
            runtime: try c.decode(String.self, .runtime),
            desiredState: try c.decode(InferenceServiceState.self, .desiredState),
            customProperties: try c.decode(CustomProperties.self, .customProperties),
            createTimeSinceEpoch: try c.lenientString(.createTimeSinceEpoch),
            lastUpdateTimeSinceEpoch: try c.lenientString(.lastUpdateTimeSinceEpoch)
        )
    }
}
