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
        (metadata?[anyCase: "ownerReferences"]?.arrayValue ?? []).compactMap { reference in
            guard let kind = reference[anyCase: "kind"]?.scalarString,
                let name = reference[anyCase: "name"]?.scalarString
            else {
                return nil
            }
            return OwnerReference(kind: kind, name: name)
        }
    }
}

/// A readiness condition of an inference service.
public struct ServiceCondition: Hashable, Sendable, Codable {
    public var type: String
    public var status: String

    public init(type: String, status: String) {
        self.type = type
        self.status = status
    }
}

/// The URLs of one KServe status component (`predictor`, `transformer`, `explainer`).
public struct ComponentURLs: Hashable, Sendable, Codable {
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
public enum ServingKind: String, Hashable, Sendable, Codable {
    /// `serving.kserve.io/v1beta1` InferenceService.
    case inferenceService = "InferenceService"
    /// `serving.kserve.io/v1alpha1` LLMInferenceService.
    case llmInferenceService = "LLMInferenceService"
}

/// What the normalizer reads of a KServe `InferenceService` (or `LLMInferenceService`).
public struct KServeInferenceService: Hashable, Sendable, Codable {
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
        let metadata = json[anyCase: "metadata"]
        let kindName = json[anyCase: "kind"]?.scalarString ?? "InferenceService"
        let kind = ServingKind(rawValue: kindName) ?? .inferenceService
        guard let namespace = metadata?[anyCase: "namespace"]?.scalarString, !namespace.isEmpty,
            let name = metadata?[anyCase: "name"]?.scalarString, !name.isEmpty
        else {
            throw InputError(kind: kindName, reason: "missing metadata.namespace or metadata.name")
        }
        let model =
            json[anyCase: "spec"]?[anyCase: "predictor"]?[anyCase: "model"] ?? json[anyCase: "spec"]?[anyCase: "model"]
        let status = json[anyCase: "status"]
        var components: [String: ComponentURLs] = [:]
        for (componentName, value) in status?[anyCase: "components"]?.objectValue ?? [:] {
            components[componentName] = ComponentURLs(
                url: value[anyCase: "url"]?.scalarString, restURL: value[anyCase: "restUrl"]?.scalarString,
                grpcURL: value[anyCase: "grpcUrl"]?.scalarString)
        }
        self.init(
            kind: kind, namespace: namespace, name: name,
            labels: stringMap(metadata?[anyCase: "labels"]), annotations: stringMap(metadata?[anyCase: "annotations"]),
            storageURI: model?[anyCase: "storageUri"]?.scalarString ?? model?[anyCase: "uri"]?.scalarString,
            storagePath: model?[anyCase: "storage"]?[anyCase: "path"]?.scalarString,
            modelFormat: model?[anyCase: "modelFormat"]?[anyCase: "name"]?.scalarString,
            runtime: model?[anyCase: "runtime"]?.scalarString,
            statusURL: status?[anyCase: "url"]?.scalarString,
            addressURL: status?[anyCase: "address"]?[anyCase: "url"]?.scalarString,
            conditions: (status?[anyCase: "conditions"]?.arrayValue ?? []).compactMap { condition in
                guard let type = condition[anyCase: "type"]?.scalarString else { return nil }
                return ServiceCondition(type: type, status: condition[anyCase: "status"]?.scalarString ?? "Unknown")
            },
            transitionStatus: status?[anyCase: "modelStatus"]?[anyCase: "transitionStatus"]?.scalarString,
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
        let metadata = json[anyCase: "metadata"]
        guard let namespace = metadata?[anyCase: "namespace"]?.scalarString,
            let name = metadata?[anyCase: "name"]?.scalarString
        else {
            throw InputError(kind: "Service", reason: "missing metadata.namespace or metadata.name")
        }
        let ports = (json[anyCase: "spec"]?[anyCase: "ports"]?.arrayValue ?? []).compactMap { port -> Port? in
            guard let number = port[anyCase: "port"]?.numberValue else { return nil }
            var target: Int?
            if let value = port[anyCase: "targetPort"]?.numberValue { target = Int(value) }
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
        let metadata = json[anyCase: "metadata"]
        guard let namespace = metadata?[anyCase: "namespace"]?.scalarString,
            let name = metadata?[anyCase: "name"]?.scalarString
        else {
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
                        self = Int64(scalar.string).map(JSONValue.int) ?? .number(number)
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
        if let text = value.scalarString { result[key] = text }
    }
    return result
}
