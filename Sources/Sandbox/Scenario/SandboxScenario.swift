/// What the sandbox holds at start: Model Registries with their models, versions, artifacts and
/// deployments, the model catalog with its model cards, and KServe-only inference services.
/// It is also the JSON scenario-file format (`docs/sandbox.md`): every collection may be left
/// out and defaults to empty.
///
/// ```swift
/// let scenario = try SandboxScenario.named("demo")                 // or "empty"
/// let big = SandboxScenario.empty.scaled(models: 10_000)          // N models × 2 versions
/// let custom = try JSONDecoder().decode(SandboxScenario.self, from: fileData)
/// ```
public struct SandboxScenario: Sendable, Hashable, Codable {
    /// A label shown in `sandbox.json` and `/sandbox/status`.
    public var name: String
    /// Extra namespaces to create (those named elsewhere are created anyway).
    public var namespaces: [String]
    public var registries: [Registry]
    public var catalog: Catalog
    /// InferenceServices created directly in Kubernetes, not through a registry.
    public var inferenceServices: [KServeService]

    public init(
        name: String, namespaces: [String] = [], registries: [Registry] = [], catalog: Catalog = Catalog(),
        inferenceServices: [KServeService] = []
    ) {
        self.name = name
        self.namespaces = namespaces
        self.registries = registries
        self.catalog = catalog
        self.inferenceServices = inferenceServices
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            name: try container.decodeIfPresent(String.self, forKey: .name) ?? "custom",
            namespaces: try container.decodeIfPresent([String].self, forKey: .namespaces) ?? [],
            registries: try container.decodeIfPresent([Registry].self, forKey: .registries) ?? [],
            catalog: try container.decodeIfPresent(Catalog.self, forKey: .catalog) ?? Catalog(),
            inferenceServices: try container.decodeIfPresent([KServeService].self, forKey: .inferenceServices) ?? [])
    }

    /// One Model Registry, served on its own port behind a Route named `<name>-https`.
    public struct Registry: Sendable, Hashable, Codable {
        public var name: String
        /// Where its Route lives (`rhoai-model-registries` by default).
        public var namespace: String
        public var models: [Model]

        public init(name: String, namespace: String = "rhoai-model-registries", models: [Model] = []) {
            self.name = name
            self.namespace = namespace
            self.models = models
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.init(
                name: try container.decode(String.self, forKey: .name),
                namespace: try container.decodeIfPresent(String.self, forKey: .namespace) ?? "rhoai-model-registries",
                models: try container.decodeIfPresent([Model].self, forKey: .models) ?? [])
        }
    }

    /// A registered model.
    public struct Model: Sendable, Hashable, Codable {
        public var name: String
        public var owner: String?
        public var description: String?
        /// `LIVE` (default) or `ARCHIVED`.
        public var state: String?
        /// String custom properties (labels are properties with an empty value).
        public var customProperties: [String: String]?
        public var versions: [Version]

        public init(
            name: String, owner: String? = nil, description: String? = nil, state: String? = nil,
            customProperties: [String: String]? = nil, versions: [Version] = []
        ) {
            self.name = name
            self.owner = owner
            self.description = description
            self.state = state
            self.customProperties = customProperties
            self.versions = versions
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.init(
                name: try container.decode(String.self, forKey: .name),
                owner: try container.decodeIfPresent(String.self, forKey: .owner),
                description: try container.decodeIfPresent(String.self, forKey: .description),
                state: try container.decodeIfPresent(String.self, forKey: .state),
                customProperties: try container.decodeIfPresent([String: String].self, forKey: .customProperties),
                versions: try container.decodeIfPresent([Version].self, forKey: .versions) ?? [])
        }
    }

    /// A model version.
    public struct Version: Sendable, Hashable, Codable {
        public var name: String
        public var author: String?
        public var description: String?
        /// `LIVE` (default) or `ARCHIVED`.
        public var state: String?
        public var customProperties: [String: String]?
        public var artifacts: [Artifact]
        /// Deployments of this version through the registry (records of the registry).
        public var deployments: [Deployment]

        public init(
            name: String, author: String? = nil, description: String? = nil, state: String? = nil,
            customProperties: [String: String]? = nil, artifacts: [Artifact] = [], deployments: [Deployment] = []
        ) {
            self.name = name
            self.author = author
            self.description = description
            self.state = state
            self.customProperties = customProperties
            self.artifacts = artifacts
            self.deployments = deployments
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.init(
                name: try container.decode(String.self, forKey: .name),
                author: try container.decodeIfPresent(String.self, forKey: .author),
                description: try container.decodeIfPresent(String.self, forKey: .description),
                state: try container.decodeIfPresent(String.self, forKey: .state),
                customProperties: try container.decodeIfPresent([String: String].self, forKey: .customProperties),
                artifacts: try container.decodeIfPresent([Artifact].self, forKey: .artifacts) ?? [],
                deployments: try container.decodeIfPresent([Deployment].self, forKey: .deployments) ?? [])
        }
    }

    /// A model artifact of a version. `modelSourceClass` (the catalog source id),
    /// `modelSourceGroup` and `modelSourceName` point at a catalog model, whose readme is the card.
    public struct Artifact: Sendable, Hashable, Codable {
        public var name: String?
        public var uri: String?
        public var modelFormatName: String?
        public var modelFormatVersion: String?
        public var modelSourceKind: String?
        public var modelSourceClass: String?
        public var modelSourceGroup: String?
        public var modelSourceName: String?

        public init(
            name: String? = nil, uri: String? = nil, modelFormatName: String? = nil, modelFormatVersion: String? = nil,
            modelSourceKind: String? = nil, modelSourceClass: String? = nil, modelSourceGroup: String? = nil,
            modelSourceName: String? = nil
        ) {
            self.name = name
            self.uri = uri
            self.modelFormatName = modelFormatName
            self.modelFormatVersion = modelFormatVersion
            self.modelSourceKind = modelSourceKind
            self.modelSourceClass = modelSourceClass
            self.modelSourceGroup = modelSourceGroup
            self.modelSourceName = modelSourceName
        }
    }

    /// A deployment through the registry: a registry InferenceService record in the serving
    /// environment named `namespace`; the sandbox creates the KServe object `runtime` for it.
    public struct Deployment: Sendable, Hashable, Codable {
        public var namespace: String
        /// The KServe object (and ServingRuntime) name.
        public var runtime: String
        /// `DEPLOYED` (default) or `UNDEPLOYED`.
        public var desiredState: String?

        public init(namespace: String, runtime: String, desiredState: String? = nil) {
            self.namespace = namespace
            self.runtime = runtime
            self.desiredState = desiredState
        }
    }

    /// The model catalog.
    public struct Catalog: Sendable, Hashable, Codable {
        public var sources: [CatalogSourceSpec]

        public init(sources: [CatalogSourceSpec] = []) {
            self.sources = sources
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.init(sources: try container.decodeIfPresent([CatalogSourceSpec].self, forKey: .sources) ?? [])
        }
    }

    /// A catalog source and its models.
    public struct CatalogSourceSpec: Sendable, Hashable, Codable {
        public var id: String
        public var name: String?
        public var models: [CatalogEntry]

        public init(id: String, name: String? = nil, models: [CatalogEntry] = []) {
            self.id = id
            self.name = name
            self.models = models
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.init(
                id: try container.decode(String.self, forKey: .id),
                name: try container.decodeIfPresent(String.self, forKey: .name),
                models: try container.decodeIfPresent([CatalogEntry].self, forKey: .models) ?? [])
        }
    }

    /// A catalog model; `name` is `<group>/<name>` as registry artifacts reference it.
    public struct CatalogEntry: Sendable, Hashable, Codable {
        public var name: String
        public var description: String?
        /// The model card (markdown).
        public var readme: String?
        public var provider: String?
        public var license: String?

        public init(
            name: String, description: String? = nil, readme: String? = nil, provider: String? = nil,
            license: String? = nil
        ) {
            self.name = name
            self.description = description
            self.readme = readme
            self.provider = provider
            self.license = license
        }
    }

    /// An InferenceService (or LLMInferenceService) created directly in a namespace.
    public struct KServeService: Sendable, Hashable, Codable {
        public var namespace: String
        public var name: String
        /// `InferenceService` (default) or `LLMInferenceService`.
        public var kind: String?
        public var modelFormat: String?
        public var runtime: String?
        public var storageUri: String?
        /// `Serverless` (default) or `RawDeployment`.
        public var deploymentMode: String?
        /// RawDeployment only: label `networking.kserve.io/visibility: exposed` (an external URL).
        public var exposed: Bool?
        /// Token auth on (`security.opendatahub.io/enable-auth`), which creates an owned ServiceAccount.
        public var auth: Bool?
        /// Never becomes Ready.
        public var neverReady: Bool?
        public var labels: [String: String]?
        public var annotations: [String: String]?

        public init(
            namespace: String, name: String, kind: String? = nil, modelFormat: String? = nil, runtime: String? = nil,
            storageUri: String? = nil, deploymentMode: String? = nil, exposed: Bool? = nil, auth: Bool? = nil,
            neverReady: Bool? = nil, labels: [String: String]? = nil, annotations: [String: String]? = nil
        ) {
            self.namespace = namespace
            self.name = name
            self.kind = kind
            self.modelFormat = modelFormat
            self.runtime = runtime
            self.storageUri = storageUri
            self.deploymentMode = deploymentMode
            self.exposed = exposed
            self.auth = auth
            self.neverReady = neverReady
            self.labels = labels
            self.annotations = annotations
        }
    }
}
