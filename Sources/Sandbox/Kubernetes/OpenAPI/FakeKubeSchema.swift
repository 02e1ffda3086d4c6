import KubeAPI

/// A structural OpenAPI schema of one kind the fake API server serves: what `/openapi/v2` and `/openapi/v3`
/// publish, and what ``FakeKubeFieldValidation`` checks request bodies against (unknown fields are reported and
/// dropped, as a real server drops them).
///
/// Schemas are written as data in ``FakeKubeSchemas``:
///
/// ```swift
/// let leaseSpec = FakeKubeSchema.object(["holderIdentity": .string, "leaseDurationSeconds": .int32])
/// ```
indirect enum FakeKubeSchema: Sendable {
    /// An object with these properties. With `preserveUnknown`, other members are kept and not reported
    /// (`x-kubernetes-preserve-unknown-fields`).
    case object([String: FakeKubeSchema], preserveUnknown: Bool)
    /// An object whose members all have one schema (`additionalProperties`).
    case map(FakeKubeSchema)
    /// An array; `patch` carries the strategic-merge metadata kubectl reads for built-in kinds.
    case list(FakeKubeSchema, patch: ListPatch?)
    case scalar(type: String, format: String?)
    /// `x-kubernetes-int-or-string`.
    case intOrString
    /// Any JSON value at all (free-form, as `fieldsV1` or an embedded OpenAPI schema).
    case anything

    /// How a list merges under a strategic merge patch, and its list type for server-side apply.
    struct ListPatch: Sendable {
        var strategy: String
        var mergeKey: String?
        var listType: String?
        var mapKeys: [String]

        /// Items merged by `key` (`x-kubernetes-patch-merge-key`).
        static func merge(key: String, mapKeys: [String]? = nil) -> ListPatch {
            ListPatch(strategy: "merge", mergeKey: key, listType: "map", mapKeys: mapKeys ?? [key])
        }
        /// A set of scalars merged by value (`finalizers`).
        static let mergeSet = ListPatch(strategy: "merge", mergeKey: nil, listType: "set", mapKeys: [])
    }

    static func object(_ properties: [String: FakeKubeSchema]) -> FakeKubeSchema {
        .object(properties, preserveUnknown: false)
    }
    /// An object whose listed properties are checked and whose other members are kept as sent.
    static func open(_ properties: [String: FakeKubeSchema] = [:]) -> FakeKubeSchema {
        .object(properties, preserveUnknown: true)
    }
    static func list(_ items: FakeKubeSchema) -> FakeKubeSchema { .list(items, patch: nil) }

    static let string = FakeKubeSchema.scalar(type: "string", format: nil)
    static let bytes = FakeKubeSchema.scalar(type: "string", format: "byte")
    static let time = FakeKubeSchema.scalar(type: "string", format: "date-time")
    static let bool = FakeKubeSchema.scalar(type: "boolean", format: nil)
    static let int32 = FakeKubeSchema.scalar(type: "integer", format: "int32")
    static let int64 = FakeKubeSchema.scalar(type: "integer", format: "int64")
    static let number = FakeKubeSchema.scalar(type: "number", format: "double")
    static let strings = FakeKubeSchema.list(.string)
    static let stringMap = FakeKubeSchema.map(.string)

    /// The schema as an OpenAPI document holds it (`version` 2 or 3: int-or-string is spelled differently).
    func rendered(openAPIVersion version: Int) -> JSONValue {
        switch self {
        case .object(let properties, let preserveUnknown):
            var result: [String: JSONValue] = ["type": "object"]
            if !properties.isEmpty {
                result["properties"] = .object(properties.mapValues { $0.rendered(openAPIVersion: version) })
            }
            if preserveUnknown { result["x-kubernetes-preserve-unknown-fields"] = true }
            return .object(result)
        case .map(let values):
            return ["type": "object", "additionalProperties": values.rendered(openAPIVersion: version)]
        case .list(let items, let patch):
            var result: [String: JSONValue] = ["type": "array", "items": items.rendered(openAPIVersion: version)]
            if let patch {
                result["x-kubernetes-patch-strategy"] = .string(patch.strategy)
                if let key = patch.mergeKey { result["x-kubernetes-patch-merge-key"] = .string(key) }
                if let listType = patch.listType { result["x-kubernetes-list-type"] = .string(listType) }
                if !patch.mapKeys.isEmpty {
                    result["x-kubernetes-list-map-keys"] = .array(patch.mapKeys.map { .string($0) })
                }
            }
            return .object(result)
        case .scalar(let type, let format):
            var result: [String: JSONValue] = ["type": .string(type)]
            if let format { result["format"] = .string(format) }
            return .object(result)
        case .intOrString:
            if version == 2 { return ["type": "string", "format": "int-or-string"] }
            return ["x-kubernetes-int-or-string": true, "anyOf": [["type": "integer"], ["type": "string"]]]
        case .anything:
            return ["x-kubernetes-preserve-unknown-fields": true]
        }
    }
}
