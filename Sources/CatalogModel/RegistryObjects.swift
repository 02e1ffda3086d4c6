import Foundation

/// A problem with one input object: the normalizer skips that object and says why.
public struct InputError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The kind of object (`RegisteredModel`, `InferenceService`, …).
    public var kind: String
    /// What was wrong.
    public var reason: String

    public init(kind: String, reason: String) {
        self.kind = kind
        self.reason = reason
    }

    public var description: String { "\(kind): \(reason)" }
}

/// A value of a registry `customProperties` entry, a union tagged by `metadataType`.
/// Only string values feed document fields; the others only count for tags.
public enum PropertyValue: Hashable, Sendable {
    case string(String)
    case int(String)
    case double(Double)
    case bool(Bool)
    /// Struct, Proto, or an unknown or missing `metadataType`.
    case other

    /// The string value, or `nil` for every other kind.
    public var string: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    init(json: JSONValue) {
        switch json[anyCase: "metadataType"]?.scalarString {
        case "MetadataStringValue":
            if let value = json[anyCase: "string_value"]?.scalarString { self = .string(value) } else { self = .other }
        case "MetadataIntValue":
            self = json[anyCase: "int_value"]?.scalarString.map(PropertyValue.int) ?? .other
        case "MetadataDoubleValue":
            if let value = json[anyCase: "double_value"]?.numberValue { self = .double(value) } else { self = .other }
        case "MetadataBoolValue":
            if case .bool(let value)? = json[anyCase: "bool_value"] { self = .bool(value) } else { self = .other }
        default:
            self = .other
        }
    }

    static func properties(from json: JSONValue?) -> [String: PropertyValue] {
        guard let members = json?.objectValue else { return [:] }
        return members.mapValues(PropertyValue.init(json:))
    }
}

/// Registry object state.
public enum RegistryState: String, Hashable, Sendable {
    case live = "LIVE"
    case archived = "ARCHIVED"
}

/// A Model Registry `RegisteredModel` (v1alpha3), as the normalizer needs it.
public struct RegisteredModel: Hashable, Sendable {
    public var id: String
    public var name: String
    public var description: String?
    public var owner: String?
    public var state: RegistryState?
    public var customProperties: [String: PropertyValue]
    public var lastUpdateTimeSinceEpoch: String?

    public init(
        id: String, name: String, description: String? = nil, owner: String? = nil, state: RegistryState? = .live,
        customProperties: [String: PropertyValue] = [:], lastUpdateTimeSinceEpoch: String? = nil
    ) {
        self.id = id
        self.name = name
        self.description = description
        self.owner = owner
        self.state = state
        self.customProperties = customProperties
        self.lastUpdateTimeSinceEpoch = lastUpdateTimeSinceEpoch
    }

    /// Reads one object of a registry reply; `id` and `name` are required.
    public init(json: JSONValue) throws {
        let kind = "RegisteredModel"
        self.id = try requiredString(json, "id", kind: kind)
        self.name = try requiredString(json, "name", kind: kind)
        self.description = json[anyCase: "description"]?.scalarString
        self.owner = json[anyCase: "owner"]?.scalarString
        self.state = json[anyCase: "state"]?.scalarString.flatMap(RegistryState.init(rawValue:))
        self.customProperties = PropertyValue.properties(from: json[anyCase: "customProperties"])
        self.lastUpdateTimeSinceEpoch = json[anyCase: "lastUpdateTimeSinceEpoch"]?.scalarString
    }
}

/// A Model Registry `ModelVersion`.
public struct ModelVersion: Hashable, Sendable {
    public var id: String
    public var name: String
    public var registeredModelId: String?
    public var description: String?
    public var author: String?
    public var state: RegistryState?
    public var customProperties: [String: PropertyValue]
    public var lastUpdateTimeSinceEpoch: String?

    public init(
        id: String, name: String, registeredModelId: String?, description: String? = nil, author: String? = nil,
        state: RegistryState? = .live, customProperties: [String: PropertyValue] = [:],
        lastUpdateTimeSinceEpoch: String? = nil
    ) {
        self.id = id
        self.name = name
        self.registeredModelId = registeredModelId
        self.description = description
        self.author = author
        self.state = state
        self.customProperties = customProperties
        self.lastUpdateTimeSinceEpoch = lastUpdateTimeSinceEpoch
    }

    /// Reads one object of a registry reply; `id` and `name` are required.
    public init(json: JSONValue) throws {
        let kind = "ModelVersion"
        self.id = try requiredString(json, "id", kind: kind)
        self.name = try requiredString(json, "name", kind: kind)
        self.registeredModelId = json[anyCase: "registeredModelId"]?.scalarString
        self.description = json[anyCase: "description"]?.scalarString
        self.author = json[anyCase: "author"]?.scalarString
        self.state = json[anyCase: "state"]?.scalarString.flatMap(RegistryState.init(rawValue:))
        self.customProperties = PropertyValue.properties(from: json[anyCase: "customProperties"])
        self.lastUpdateTimeSinceEpoch = json[anyCase: "lastUpdateTimeSinceEpoch"]?.scalarString
    }
}

/// A Model Registry `ModelArtifact`.
public struct ModelArtifact: Hashable, Sendable {
    public var id: String?
    public var name: String?
    public var description: String?
    public var uri: String?
    public var modelFormatName: String?
    public var modelSourceClass: String?
    public var modelSourceGroup: String?
    public var modelSourceName: String?
    public var state: RegistryState?
    public var customProperties: [String: PropertyValue]

    public init(
        id: String? = nil, name: String? = nil, description: String? = nil, uri: String? = nil,
        modelFormatName: String? = nil, modelSourceClass: String? = nil, modelSourceGroup: String? = nil,
        modelSourceName: String? = nil, state: RegistryState? = .live, customProperties: [String: PropertyValue] = [:]
    ) {
        self.id = id
        self.name = name
        self.description = description
        self.uri = uri
        self.modelFormatName = modelFormatName
        self.modelSourceClass = modelSourceClass
        self.modelSourceGroup = modelSourceGroup
        self.modelSourceName = modelSourceName
        self.state = state
        self.customProperties = customProperties
    }

    /// Reads one object of a registry reply; nothing is required.
    public init(json: JSONValue) throws {
        guard json.objectValue != nil else { throw InputError(kind: "ModelArtifact", reason: "not a JSON object") }
        self.id = json[anyCase: "id"]?.scalarString
        self.name = json[anyCase: "name"]?.scalarString
        self.description = json[anyCase: "description"]?.scalarString
        self.uri = json[anyCase: "uri"]?.scalarString
        self.modelFormatName = json[anyCase: "modelFormatName"]?.scalarString
        self.modelSourceClass = json[anyCase: "modelSourceClass"]?.scalarString
        self.modelSourceGroup = json[anyCase: "modelSourceGroup"]?.scalarString
        self.modelSourceName = json[anyCase: "modelSourceName"]?.scalarString
        self.state = json[anyCase: "state"]?.scalarString.flatMap(RegistryState.init(rawValue:))
        self.customProperties = PropertyValue.properties(from: json[anyCase: "customProperties"])
    }

    /// The catalog source of the artifact, when all three source fields are non-empty.
    public var catalogSource: CatalogSource? {
        guard let sourceClass = modelSourceClass, let group = modelSourceGroup, let name = modelSourceName,
            !sourceClass.isEmpty, !name.isEmpty
        else { return nil }
        return CatalogSource(sourceClass: sourceClass, group: group, name: name)
    }
}

/// Where a model card lives in the model catalog (`/sources/{class}/models/{group}/{name}`).
public struct CatalogSource: Hashable, Sendable {
    public var sourceClass: String
    public var group: String
    public var name: String

    public init(sourceClass: String, group: String, name: String) {
        self.sourceClass = sourceClass
        self.group = group
        self.name = name
    }

    /// The one model-card key (B9): class, group and name with spaces removed, as upstream's
    /// TechDocs URL used it.
    public var modelCardKey: String {
        (sourceClass + group + name).replacingOccurrences(of: " ", with: "")
    }
}

/// The registry's `desiredState` of an inference service.
public enum DesiredState: String, Hashable, Sendable {
    case deployed = "DEPLOYED"
    case undeployed = "UNDEPLOYED"
}

/// A Model Registry `InferenceService` (a deployment record, not the KServe object).
public struct RegistryInferenceService: Hashable, Sendable {
    public var id: String
    public var name: String
    public var registeredModelId: String?
    public var modelVersionId: String?
    public var servingEnvironmentId: String?
    public var desiredState: DesiredState?
    public var runtime: String?

    public init(
        id: String, name: String, registeredModelId: String?, modelVersionId: String?,
        servingEnvironmentId: String?, desiredState: DesiredState? = .deployed, runtime: String? = nil
    ) {
        self.id = id
        self.name = name
        self.registeredModelId = registeredModelId
        self.modelVersionId = modelVersionId
        self.servingEnvironmentId = servingEnvironmentId
        self.desiredState = desiredState
        self.runtime = runtime
    }

    /// Reads one object of a registry reply; `id` and `name` are required.
    public init(json: JSONValue) throws {
        let kind = "InferenceService"
        self.id = try requiredString(json, "id", kind: kind)
        self.name = try requiredString(json, "name", kind: kind)
        self.registeredModelId = json[anyCase: "registeredModelId"]?.scalarString
        self.modelVersionId = json[anyCase: "modelVersionId"]?.scalarString
        self.servingEnvironmentId = json[anyCase: "servingEnvironmentId"]?.scalarString
        self.desiredState = json[anyCase: "desiredState"]?.scalarString.flatMap(DesiredState.init(rawValue:))
        self.runtime = json[anyCase: "runtime"]?.scalarString
    }

    /// The KServe object name this record deploys: `runtime`, else the part of `name` before `/`.
    public var kserveName: String? {
        if let runtime, !runtime.isEmpty { return runtime }
        let prefix = name.split(separator: "/", maxSplits: 1).first.map(String.init)
        return prefix?.isEmpty == false ? prefix : nil
    }
}

/// A Model Registry `ServingEnvironment`; its name is the KServe namespace.
public struct ServingEnvironment: Hashable, Sendable {
    public var id: String
    public var name: String

    public init(id: String, name: String) {
        self.id = id
        self.name = name
    }

    /// Reads one object of a registry reply; `id` and `name` are required.
    public init(json: JSONValue) throws {
        self.id = try requiredString(json, "id", kind: "ServingEnvironment")
        self.name = try requiredString(json, "name", kind: "ServingEnvironment")
    }
}

/// Reads `items` of a registry list reply into objects, collecting per-item errors instead of
/// failing the whole list. An empty body or a missing `items` is an empty list.
public func decodeRegistryItems<Item>(
    _ data: Data, as make: (JSONValue) throws -> Item
) throws -> (items: [Item], skipped: [InputError]) {
    if data.allSatisfy({ $0 == 0x20 || $0 == 0x0a || $0 == 0x0d || $0 == 0x09 }) { return ([], []) }
    let root: JSONValue
    do {
        root = try JSONValue.parse(data)
    } catch {
        throw InputError(kind: "list", reason: "reply is not JSON")
    }
    guard root.objectValue != nil else { throw InputError(kind: "list", reason: "reply is not a JSON object") }
    var items: [Item] = []
    var skipped: [InputError] = []
    for element in root[anyCase: "items"]?.arrayValue ?? [] {
        do {
            items.append(try make(element))
        } catch let error as InputError {
            skipped.append(error)
        }
    }
    return (items, skipped)
}

func requiredString(_ json: JSONValue, _ key: String, kind: String) throws -> String {
    guard json.objectValue != nil else { throw InputError(kind: kind, reason: "not a JSON object") }
    guard let value = json[anyCase: key]?.scalarString, !value.isEmpty else {
        throw InputError(kind: kind, reason: "missing or empty \(key)")
    }
    return value
}
