import Foundation
import Yams

/// An owner reference of a Kubernetes object.
public struct OwnerReference: Hashable, Sendable {
    public var kind: String
    public var name: String

    public init(kind: String, name: String) {
        self.kind = kind
        self.name = name
    }

    static func list(from metadata: JSONValue?) -> [OwnerReference] {
        (metadata?["ownerReferences"]?.arrayValue ?? []).compactMap { reference in
            guard let kind = reference["kind"]?.stringValue, let name = reference["name"]?.stringValue else {
                return nil
            }
            return OwnerReference(kind: kind, name: name)
        }
    }
}

/// A readiness condition of an inference service.
public struct ServiceCondition: Hashable, Sendable {
    public var type: String
    public var status: String

    public init(type: String, status: String) {
        self.type = type
        self.status = status
    }
}

/// The URLs of one KServe status component (`predictor`, `transformer`, `explainer`).
public struct ComponentURLs: Hashable, Sendable {
    public var url: String?
    public var restURL: String?
    public var grpcURL: String?

    public init(url: String? = nil, restURL: String? = nil, grpcURL: String? = nil) {
        self.url = url
        self.restURL = restURL
        self.grpcURL = grpcURL
    }
}

/// The kind of KServe object a service came from.
public enum ServingKind: String, Hashable, Sendable {
    /// `serving.kserve.io/v1beta1` InferenceService.
    case inferenceService = "InferenceService"
    /// `serving.kserve.io/v1alpha1` LLMInferenceService.
    case llmInferenceService = "LLMInferenceService"
}

/// What the normalizer reads of a KServe `InferenceService` (or `LLMInferenceService`).
public struct KServeInferenceService: Hashable, Sendable {
    public var kind: ServingKind
    public var namespace: String
    public var name: String
    public var labels: [String: String]
    public var annotations: [String: String]
    /// `spec.predictor.model.storageUri`.
    public var storageURI: String?
    /// `spec.predictor.model.storage.path`.
    public var storagePath: String?
    /// `spec.predictor.model.modelFormat.name`.
    public var modelFormat: String?
    /// `spec.predictor.model.runtime`.
    public var runtime: String?
    /// `status.url`: the external URL (or an in-cluster one for cluster-local services).
    public var statusURL: String?
    /// `status.address.url`: the in-cluster URL.
    public var addressURL: String?
    public var conditions: [ServiceCondition]
    /// `status.modelStatus.transitionStatus`.
    public var transitionStatus: String?
    public var components: [String: ComponentURLs]

    public init(
        kind: ServingKind = .inferenceService, namespace: String, name: String, labels: [String: String] = [:],
        annotations: [String: String] = [:], storageURI: String? = nil, storagePath: String? = nil,
        modelFormat: String? = nil, runtime: String? = nil, statusURL: String? = nil, addressURL: String? = nil,
        conditions: [ServiceCondition] = [], transitionStatus: String? = nil,
        components: [String: ComponentURLs] = [:]
    ) {
        self.kind = kind
        self.namespace = namespace
        self.name = name
        self.labels = labels
        self.annotations = annotations
        self.storageURI = storageURI
        self.storagePath = storagePath
        self.modelFormat = modelFormat
        self.runtime = runtime
        self.statusURL = statusURL
        self.addressURL = addressURL
        self.conditions = conditions
        self.transitionStatus = transitionStatus
        self.components = components
    }

    /// Reads a Kubernetes object; `metadata.namespace` and `metadata.name` are required.
    public init(json: JSONValue) throws {
        let metadata = json["metadata"]
        let kindName = json["kind"]?.stringValue ?? "InferenceService"
        let kind = ServingKind(rawValue: kindName) ?? .inferenceService
        guard let namespace = metadata?["namespace"]?.stringValue, !namespace.isEmpty,
            let name = metadata?["name"]?.stringValue, !name.isEmpty
        else {
            throw InputError(kind: kindName, reason: "missing metadata.namespace or metadata.name")
        }
        let model = json["spec"]?["predictor"]?["model"] ?? json["spec"]?["model"]
        let status = json["status"]
        var components: [String: ComponentURLs] = [:]
        for (componentName, value) in status?["components"]?.objectValue ?? [:] {
            components[componentName] = ComponentURLs(
                url: value["url"]?.stringValue, restURL: value["restUrl"]?.stringValue,
                grpcURL: value["grpcUrl"]?.stringValue)
        }
        self.init(
            kind: kind, namespace: namespace, name: name,
            labels: stringMap(metadata?["labels"]), annotations: stringMap(metadata?["annotations"]),
            storageURI: model?["storageUri"]?.stringValue ?? model?["uri"]?.stringValue,
            storagePath: model?["storage"]?["path"]?.stringValue,
            modelFormat: model?["modelFormat"]?["name"]?.stringValue,
            runtime: model?["runtime"]?.stringValue,
            statusURL: status?["url"]?.stringValue,
            addressURL: status?["address"]?["url"]?.stringValue,
            conditions: (status?["conditions"]?.arrayValue ?? []).compactMap { condition in
                guard let type = condition["type"]?.stringValue else { return nil }
                return ServiceCondition(type: type, status: condition["status"]?.stringValue ?? "Unknown")
            },
            transitionStatus: status?["modelStatus"]?["transitionStatus"]?.stringValue,
            components: components)
    }
}

/// A Kubernetes `Service`, for the in-cluster URL of a predictor.
public struct KubeService: Hashable, Sendable {
    public struct Port: Hashable, Sendable {
        public var port: Int
        public var targetPort: Int?

        public init(port: Int, targetPort: Int? = nil) {
            self.port = port
            self.targetPort = targetPort
        }
    }

    public var namespace: String
    public var name: String
    public var ownerReferences: [OwnerReference]
    public var ports: [Port]

    public init(namespace: String, name: String, ownerReferences: [OwnerReference], ports: [Port]) {
        self.namespace = namespace
        self.name = name
        self.ownerReferences = ownerReferences
        self.ports = ports
    }

    /// Reads a Kubernetes object; `metadata.namespace` and `metadata.name` are required.
    public init(json: JSONValue) throws {
        let metadata = json["metadata"]
        guard let namespace = metadata?["namespace"]?.stringValue, let name = metadata?["name"]?.stringValue else {
            throw InputError(kind: "Service", reason: "missing metadata.namespace or metadata.name")
        }
        let ports = (json["spec"]?["ports"]?.arrayValue ?? []).compactMap { port -> Port? in
            guard case .number(let number)? = port["port"] else { return nil }
            var target: Int?
            if case .number(let value)? = port["targetPort"] { target = Int(value) }
            return Port(port: Int(number), targetPort: target)
        }
        self.init(
            namespace: namespace, name: name, ownerReferences: OwnerReference.list(from: metadata), ports: ports)
    }
}

/// A Kubernetes `ServiceAccount`; one owned by an inference service means its API needs a token.
public struct KubeServiceAccount: Hashable, Sendable {
    public var namespace: String
    public var name: String
    public var ownerReferences: [OwnerReference]

    public init(namespace: String, name: String, ownerReferences: [OwnerReference]) {
        self.namespace = namespace
        self.name = name
        self.ownerReferences = ownerReferences
    }

    /// Reads a Kubernetes object; `metadata.namespace` and `metadata.name` are required.
    public init(json: JSONValue) throws {
        let metadata = json["metadata"]
        guard let namespace = metadata?["namespace"]?.stringValue, let name = metadata?["name"]?.stringValue else {
            throw InputError(kind: "ServiceAccount", reason: "missing metadata.namespace or metadata.name")
        }
        self.init(namespace: namespace, name: name, ownerReferences: OwnerReference.list(from: metadata))
    }
}

extension JSONValue {
    /// Converts one YAML document into a JSON value (for manifests and test fixtures).
    public static func parseYAML(_ text: String) throws -> JSONValue {
        guard let node = try Yams.compose(yaml: text) else { return .null }
        return JSONValue(yamlNode: node)
    }

    init(yamlNode node: Yams.Node) {
        switch node {
        case .scalar(let scalar):
            if scalar.style == .plain {
                switch scalar.string {
                case "null", "~", "": self = .null
                case "true", "True": self = .bool(true)
                case "false", "False": self = .bool(false)
                default:
                    if let number = Double(scalar.string),
                        scalar.string.first?.isNumber == true
                            || scalar.string.first == "-"
                    {
                        self = .number(number)
                    } else {
                        self = .string(scalar.string)
                    }
                }
            } else {
                self = .string(scalar.string)
            }
        case .mapping(let mapping):
            var members: [String: JSONValue] = [:]
            for (key, value) in mapping {
                members[key.string ?? ""] = JSONValue(yamlNode: value)
            }
            self = .object(members)
        case .sequence(let sequence):
            self = .array(sequence.map(JSONValue.init(yamlNode:)))
        case .alias:
            self = .null
        }
    }
}

func stringMap(_ json: JSONValue?) -> [String: String] {
    var result: [String: String] = [:]
    for (key, value) in json?.objectValue ?? [:] {
        if let text = value.stringValue { result[key] = text }
    }
    return result
}
