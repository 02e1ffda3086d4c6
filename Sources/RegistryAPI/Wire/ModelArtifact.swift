/// An artifact as the registry returns it (`ModelArtifact`, and the `Artifact` union served by
/// `/model_versions/{id}/artifacts` and `/artifacts`).
///
/// ``artifactType`` tells the union apart: `model-artifact` or `doc-artifact` (a doc artifact
/// only uses the base fields, ``uri`` and ``state``). A model artifact carries **no version
/// id**: the link to its version exists only through `/model_versions/{id}/artifacts`.
///
/// ```swift
/// let artifacts = try await client.artifacts(ofVersion: "2")   // model artifacts only
/// let card = artifacts.first { $0.modelSourceName != nil }
/// ```
public struct ModelArtifact: RegistryEntity {
    /// The `artifactType` written for model artifacts.
    public static let modelArtifactType = "model-artifact"
    /// The `artifactType` written for doc artifacts.
    public static let docArtifactType = "doc-artifact"

    public var id: String?
    public var name: String?
    public var externalId: String?
    public var description: String?
    public var artifactType: String?
    public var uri: String?
    public var state: ArtifactState?
    public var modelFormatName: String?
    public var modelFormatVersion: String?
    public var storageKey: String?
    public var storagePath: String?
    public var serviceAccountName: String?
    public var modelSourceKind: String?
    public var modelSourceClass: String?
    public var modelSourceGroup: String?
    public var modelSourceId: String?
    public var modelSourceName: String?
    public var experimentId: String?
    public var experimentRunId: String?
    public var customProperties: CustomProperties?
    public var createTimeSinceEpoch: String?
    public var lastUpdateTimeSinceEpoch: String?

    /// Whether this is a model artifact (a missing `artifactType` counts as one, as in the
    /// fixtures of older servers).
    public var isModelArtifact: Bool {
        artifactType == nil || artifactType == Self.modelArtifactType
    }

    public init(
        id: String? = nil, name: String? = nil, externalId: String? = nil, description: String? = nil,
        artifactType: String? = ModelArtifact.modelArtifactType, uri: String? = nil, state: ArtifactState? = nil,
        modelFormatName: String? = nil, modelFormatVersion: String? = nil, storageKey: String? = nil,
        storagePath: String? = nil, serviceAccountName: String? = nil, modelSourceKind: String? = nil,
        modelSourceClass: String? = nil, modelSourceGroup: String? = nil, modelSourceId: String? = nil,
        modelSourceName: String? = nil, experimentId: String? = nil, experimentRunId: String? = nil,
        customProperties: CustomProperties? = nil, createTimeSinceEpoch: String? = nil,
        lastUpdateTimeSinceEpoch: String? = nil
    ) {
        self.id = id
        self.name = name
        self.externalId = externalId
        self.description = description
        self.artifactType = artifactType
        self.uri = uri
        self.state = state
        self.modelFormatName = modelFormatName
        self.modelFormatVersion = modelFormatVersion
        self.storageKey = storageKey
        self.storagePath = storagePath
        self.serviceAccountName = serviceAccountName
        self.modelSourceKind = modelSourceKind
        self.modelSourceClass = modelSourceClass
        self.modelSourceGroup = modelSourceGroup
        self.modelSourceId = modelSourceId
        self.modelSourceName = modelSourceName
        self.experimentId = experimentId
        self.experimentRunId = experimentRunId
        self.customProperties = customProperties
        self.createTimeSinceEpoch = createTimeSinceEpoch
        self.lastUpdateTimeSinceEpoch = lastUpdateTimeSinceEpoch
    }

    enum CodingKeys: String, CodingKey {
        case id, name, externalId, description, artifactType, uri, state
        case modelFormatName, modelFormatVersion, storageKey, storagePath, serviceAccountName
        case modelSourceKind, modelSourceClass, modelSourceGroup, modelSourceId, modelSourceName
        case experimentId, experimentRunId, customProperties, createTimeSinceEpoch, lastUpdateTimeSinceEpoch
    }

    public init(from decoder: any Decoder) throws {
        let c = try GoStyleKeyedContainer(decoder: decoder, keyedBy: CodingKeys.self)
        self.init(
            id: try c.lenientString(.id),
            name: try c.decode(String.self, .name),
            externalId: try c.decode(String.self, .externalId),
            description: try c.decode(String.self, .description),
            artifactType: try c.decode(String.self, .artifactType),
            uri: try c.decode(String.self, .uri),
            state: try c.decode(ArtifactState.self, .state),
            modelFormatName: try c.decode(String.self, .modelFormatName),
            modelFormatVersion: try c.decode(String.self, .modelFormatVersion),
            storageKey: try c.decode(String.self, .storageKey),
            storagePath: try c.decode(String.self, .storagePath),
            serviceAccountName: try c.decode(String.self, .serviceAccountName),
            modelSourceKind: try c.decode(String.self, .modelSourceKind),
            modelSourceClass: try c.decode(String.self, .modelSourceClass),
            modelSourceGroup: try c.decode(String.self, .modelSourceGroup),
            modelSourceId: try c.decode(String.self, .modelSourceId),
            modelSourceName: try c.decode(String.self, .modelSourceName),
            experimentId: try c.lenientString(.experimentId),
            experimentRunId: try c.lenientString(.experimentRunId),
            customProperties: try c.decode(CustomProperties.self, .customProperties),
            createTimeSinceEpoch: try c.lenientString(.createTimeSinceEpoch),
            lastUpdateTimeSinceEpoch: try c.lenientString(.lastUpdateTimeSinceEpoch)
        )
    }
}
