/// One catalog entity as the emulated Backstage holds it after a sync cycle: the shape the
/// model-catalog entity provider (0.7–0.9.1) builds from a model-catalog document
/// (`spec/backstage-contract.md` §2.1–2.4).
///
/// ```swift
/// let resource = provider.entities.first { $0.kind == "Resource" }
/// resource?.metadata.annotations["backstage.io/techdocs-ref"]  // "url:http://localhost:9090/modelcard?key=…"
/// resource?.spec.owner                                          // "user:alice"
/// ```
public struct BackstageEntity: Sendable, Hashable, Codable {
    /// `backstage.io/v1beta1` for Resources, `backstage.io/v1alpha1` for Components and APIs.
    public var apiVersion: String
    /// `Resource`, `Component` or `API`.
    public var kind: String
    public var metadata: Metadata
    public var spec: Spec

    public init(apiVersion: String, kind: String, metadata: Metadata, spec: Spec) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.metadata = metadata
        self.spec = spec
    }

    /// `kind:default/name`, lower-cased as Backstage compares refs.
    public var ref: String { "\(kind):default/\(metadata.name)".lowercased() }

    /// `metadata` of an entity.
    public struct Metadata: Sendable, Hashable, Codable {
        public var name: String
        /// Absent for APIs (the plugin sets none).
        public var description: String?
        public var tags: [String]
        public var links: [Link]
        public var annotations: [String: String]

        public init(
            name: String, description: String? = nil, tags: [String] = [], links: [Link] = [],
            annotations: [String: String] = [:]
        ) {
            self.name = name
            self.description = description
            self.tags = tags
            self.links = links
            self.annotations = annotations
        }
    }

    /// One `metadata.links` entry.
    public struct Link: Sendable, Hashable, Codable {
        public var title: String
        public var url: String

        public init(title: String, url: String) {
            self.title = title
            self.url = url
        }
    }

    /// The `spec` fields the provider sets; which ones are present depends on the kind.
    public struct Spec: Sendable, Hashable, Codable {
        public var type: String
        public var owner: String
        public var lifecycle: String?
        public var dependencyOf: [String]?
        public var dependsOn: [String]?
        public var providesApis: [String]?
        /// The API definition (`API.spec` of the document).
        public var definition: String?

        public init(
            type: String, owner: String, lifecycle: String? = nil, dependencyOf: [String]? = nil,
            dependsOn: [String]? = nil, providesApis: [String]? = nil, definition: String? = nil
        ) {
            self.type = type
            self.owner = owner
            self.lifecycle = lifecycle
            self.dependencyOf = dependencyOf
            self.dependsOn = dependsOn
            self.providesApis = providesApis
            self.definition = definition
        }
    }
}
