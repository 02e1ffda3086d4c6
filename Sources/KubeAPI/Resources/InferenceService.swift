/// A KServe `InferenceService` (`serving.kserve.io/v1beta1`), modelled only as far as the bridge reads it.
///
/// Fields this type does not model are dropped on a PUT; change such objects with
/// ``KubeClient/mergePatch(_:name:namespace:patch:)`` instead.
///
/// ```swift
/// let isvc = try await client.get(InferenceService.self, name: "mnist", namespace: "ns1")
/// let ready = isvc.status?.conditions?.first { $0.type == "Ready" }?.isTrue ?? false
/// ```
public struct InferenceService: KubeResource, Hashable {
    public static let resource = ResourceDescriptor(
        group: "serving.kserve.io", version: "v1beta1", plural: "inferenceservices", kind: "InferenceService",
        namespaced: true)

    public var apiVersion: String?
    public var kind: String?
    public var metadata: ObjectMeta
    public var spec: Spec?
    public var status: Status?

    public init(metadata: ObjectMeta, spec: Spec? = nil, status: Status? = nil) {
        self.apiVersion = Self.resource.apiVersion
        self.kind = Self.resource.kind
        self.metadata = metadata
        self.spec = spec
        self.status = status
    }

    /// `spec`: only the predictor is read.
    public struct Spec: Codable, Sendable, Hashable {
        public var predictor: Predictor?
        public init(predictor: Predictor? = nil) { self.predictor = predictor }
    }

    /// `spec.predictor`.
    public struct Predictor: Codable, Sendable, Hashable {
        public var model: Model?
        public init(model: Model? = nil) { self.model = model }
    }

    /// `spec.predictor.model` (KServe `ModelSpec`).
    public struct Model: Codable, Sendable, Hashable {
        public var storageUri: String?
        public var storage: Storage?
        public var modelFormat: ModelFormat?
        public var runtime: String?
        public var protocolVersion: String?

        public init(
            storageUri: String? = nil, storage: Storage? = nil, modelFormat: ModelFormat? = nil,
            runtime: String? = nil
        ) {
            self.storageUri = storageUri
            self.storage = storage
            self.modelFormat = modelFormat
            self.runtime = runtime
        }
    }

    /// `spec.predictor.model.storage`.
    public struct Storage: Codable, Sendable, Hashable {
        public var path: String?
        public var key: String?
        public init(path: String? = nil, key: String? = nil) {
            self.path = path
            self.key = key
        }
    }

    /// `spec.predictor.model.modelFormat`.
    public struct ModelFormat: Codable, Sendable, Hashable {
        public var name: String
        public var version: String?
        public init(name: String, version: String? = nil) {
            self.name = name
            self.version = version
        }
    }

    /// `status`.
    public struct Status: Codable, Sendable, Hashable {
        public var url: String?
        public var address: Address?
        public var conditions: [Condition]?
        public var modelStatus: ModelStatus?
        public var components: [String: ComponentStatus]?
        public var deploymentMode: String?

        public init(
            url: String? = nil, address: Address? = nil, conditions: [Condition]? = nil,
            modelStatus: ModelStatus? = nil, components: [String: ComponentStatus]? = nil
        ) {
            self.url = url
            self.address = address
            self.conditions = conditions
            self.modelStatus = modelStatus
            self.components = components
        }
    }

    /// An addressable (`{url}`).
    public struct Address: Codable, Sendable, Hashable {
        public var url: String?
        public init(url: String? = nil) { self.url = url }
    }

    /// `status.modelStatus`.
    public struct ModelStatus: Codable, Sendable, Hashable {
        /// `UpToDate`, `InProgress`, `BlockedByFailedLoad`, `InvalidSpec` or empty.
        public var transitionStatus: String?
        public init(transitionStatus: String? = nil) { self.transitionStatus = transitionStatus }
    }

    /// `status.components.{predictor,transformer,explainer}`.
    public struct ComponentStatus: Codable, Sendable, Hashable {
        public var url: String?
        public var restUrl: String?
        public var grpcUrl: String?
        public var address: Address?
        public init(url: String? = nil, restUrl: String? = nil, grpcUrl: String? = nil, address: Address? = nil) {
            self.url = url
            self.restUrl = restUrl
            self.grpcUrl = grpcUrl
            self.address = address
        }
    }
}
