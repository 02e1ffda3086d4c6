/// The `metadata` of every Kubernetes object: identity, labels, annotations and the version used for
/// optimistic concurrency.
///
/// Timestamps stay RFC 3339 strings (the API mixes second and microsecond precision). A missing `name`
/// decodes as an empty string so bookmark objects and `generateName` creations still decode.
///
/// ```swift
/// var meta = ObjectMeta(name: "bac-import-model", namespace: "ai-rhdh")
/// meta.labels = ["app": "bridge"]
/// ```
public struct ObjectMeta: Codable, Sendable, Hashable {
    public var name: String
    public var generateName: String?
    public var namespace: String?
    public var labels: [String: String]?
    public var annotations: [String: String]?
    public var resourceVersion: String?
    public var uid: String?
    public var generation: Int64?
    public var ownerReferences: [OwnerReference]?
    public var finalizers: [String]?
    public var creationTimestamp: String?
    public var deletionTimestamp: String?

    public init(
        name: String,
        namespace: String? = nil,
        labels: [String: String]? = nil,
        annotations: [String: String]? = nil,
        resourceVersion: String? = nil,
        uid: String? = nil,
        ownerReferences: [OwnerReference]? = nil
    ) {
        self.name = name
        self.namespace = namespace
        self.labels = labels
        self.annotations = annotations
        self.resourceVersion = resourceVersion
        self.uid = uid
        self.ownerReferences = ownerReferences
    }

    private enum CodingKeys: String, CodingKey {
        case name, generateName, namespace, labels, annotations, resourceVersion, uid, generation
        case ownerReferences, finalizers, creationTimestamp, deletionTimestamp
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decodeIfPresent(String.self, forKey: .name) ?? ""
        generateName = try container.decodeIfPresent(String.self, forKey: .generateName)
        namespace = try container.decodeIfPresent(String.self, forKey: .namespace)
        labels = try container.decodeIfPresent([String: String].self, forKey: .labels)
        annotations = try container.decodeIfPresent([String: String].self, forKey: .annotations)
        resourceVersion = try container.decodeIfPresent(String.self, forKey: .resourceVersion)
        uid = try container.decodeIfPresent(String.self, forKey: .uid)
        generation = try container.decodeIfPresent(Int64.self, forKey: .generation)
        ownerReferences = try container.decodeIfPresent([OwnerReference].self, forKey: .ownerReferences)
        finalizers = try container.decodeIfPresent([String].self, forKey: .finalizers)
        creationTimestamp = try container.decodeIfPresent(String.self, forKey: .creationTimestamp)
        deletionTimestamp = try container.decodeIfPresent(String.self, forKey: .deletionTimestamp)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        if !name.isEmpty { try container.encode(name, forKey: .name) }
        try container.encodeIfPresent(generateName, forKey: .generateName)
        try container.encodeIfPresent(namespace, forKey: .namespace)
        try container.encodeIfPresent(labels, forKey: .labels)
        try container.encodeIfPresent(annotations, forKey: .annotations)
        try container.encodeIfPresent(resourceVersion, forKey: .resourceVersion)
        try container.encodeIfPresent(uid, forKey: .uid)
        try container.encodeIfPresent(generation, forKey: .generation)
        try container.encodeIfPresent(ownerReferences, forKey: .ownerReferences)
        try container.encodeIfPresent(finalizers, forKey: .finalizers)
        try container.encodeIfPresent(creationTimestamp, forKey: .creationTimestamp)
        try container.encodeIfPresent(deletionTimestamp, forKey: .deletionTimestamp)
    }
}

/// A link from an object to the object that owns it (e.g. a Service owned by an InferenceService).
public struct OwnerReference: Codable, Sendable, Hashable {
    public var apiVersion: String?
    public var kind: String
    public var name: String
    public var uid: String?
    public var controller: Bool?

    public init(apiVersion: String? = nil, kind: String, name: String, uid: String? = nil, controller: Bool? = nil) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.name = name
        self.uid = uid
        self.controller = controller
    }
}

/// The `metadata` of a list: the collection's resourceVersion and the `continue` token of the next page.
public struct ListMeta: Codable, Sendable, Hashable {
    public var resourceVersion: String?
    public var `continue`: String?
    public var remainingItemCount: Int64?

    public init(resourceVersion: String? = nil, continue: String? = nil) {
        self.resourceVersion = resourceVersion
        self.continue = `continue`
    }
}

/// A knative-style status condition (`Ready`, `PredictorReady`, …).
public struct Condition: Codable, Sendable, Hashable {
    public var type: String
    /// `"True"`, `"False"` or `"Unknown"`.
    public var status: String
    public var reason: String?
    public var message: String?
    public var severity: String?
    public var lastTransitionTime: String?

    public init(type: String, status: String, reason: String? = nil, message: String? = nil) {
        self.type = type
        self.status = status
        self.reason = reason
        self.message = message
    }

    /// Whether `status` is `"True"`.
    public var isTrue: Bool { status == "True" }
}
