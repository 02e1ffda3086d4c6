import Hummingbird
import Logging
import RegistryAPI
import Synchronization

/// A fake Kubeflow Model Registry (`/api/model_registry/v1alpha3`) on loopback: the read and
/// write endpoints of the OpenAPI spec with the real server's status codes (201 on create,
/// 200 on update, 404 `{code,message}` for missing ids and empty finders, 409 for duplicates,
/// 422 for missing required fields), paging, ordering and `filterQuery`. Good enough for the
/// official `model-registry` Python client to register models against it.
///
/// ```swift
/// let server = FakeRegistryServer()
/// let port = try await server.start()
/// defer { Task { await server.stop() } }
/// _ = try server.store.createRegisteredModel(RegisteredModel(name: "mnist"))
/// let client = RegistryClient(key: "fake", baseURL: server.baseURL, token: nil, transport: transport)
/// ```
public final class FakeRegistryServer: Sendable {
    /// The API path prefix.
    public static let basePath = RegistryDiscovery.registryBasePath

    /// The registry's data; tests may seed and change it directly.
    public let store: FakeRegistryStore
    /// Faults to inject.
    public let faults = FakeRegistryFaults()
    /// Requests received.
    public let requestLog = FakeRegistryRequestLog()
    /// When set, requests without `Authorization: Bearer <token>` get a plain-text 401 (as
    /// from oauth-proxy).
    public let requiredToken: String?
    private let filterMode: Mutex<FakeRegistryFilterQueryMode>
    private let runner = FakeRegistryHTTPRunner()
    private let logger: Logger

    public init(
        store: FakeRegistryStore = FakeRegistryStore(), requiredToken: String? = nil,
        filterQueryMode: FakeRegistryFilterQueryMode = .honoured, logger: Logger? = nil
    ) {
        self.store = store
        self.requiredToken = requiredToken
        self.filterMode = Mutex(filterQueryMode)
        // Quiet by default (warnings and worse) so test output stays readable.
        self.logger = logger ?? FakeRegistryHTTPRunner.quietLogger("sandbox.registry")
    }

    /// How `filterQuery` is treated (to play RHOAI 2.24+ or older servers).
    public var filterQueryMode: FakeRegistryFilterQueryMode {
        get { filterMode.withLock { $0 } }
        set { filterMode.withLock { $0 = newValue } }
    }

    /// Starts listening on `host` (loopback by default) and returns the port (ephemeral by default).
    @discardableResult
    public func start(host: String = "127.0.0.1", port: Int = 0) async throws -> Int {
        try await runner.start(router: makeRouter(), host: host, port: port, logger: logger)
    }

    /// Stops listening.
    public func stop() async {
        await runner.stop()
    }

    /// The bound port, while running.
    public var port: Int? { runner.port }

    /// `http://127.0.0.1:<port>` while running.
    public var origin: String { "http://127.0.0.1:\(port ?? 0)" }

    /// `http://127.0.0.1:<port>/api/model_registry/v1alpha3` while running.
    public var baseURL: String { origin + Self.basePath }

    // MARK: Routes

    private func makeRouter() -> Router<BasicRequestContext> {
        let router = Router()
        router.middlewares.add(FakeRegistryMiddleware(log: requestLog, faults: faults, requiredToken: requiredToken))
        let api = router.group(RouterPath(Self.basePath))
        addRegisteredModelRoutes(api)
        addModelVersionRoutes(api)
        addArtifactRoutes(api)
        addServingRoutes(api)
        return router
    }

    private func addRegisteredModelRoutes(_ api: RouterGroup<BasicRequestContext>) {
        let store = self.store
        api.get("registered_models") { request, _ in
            try self.list(request) { store.page(\.registeredModels, $0) }
        }
        api.post("registered_models") { request, _ in
            let body = try await FakeRegistryResponses.decodeBody(RegisteredModel.self, from: request)
            return try FakeRegistryResponses.json(try store.createRegisteredModel(body), status: 201)
        }
        api.get("registered_models/:id") { _, context in
            try FakeRegistryResponses.json(try store.registeredModel(id: try context.parameters.require("id")))
        }
        api.patch("registered_models/:id") { request, context in
            let body = try await FakeRegistryResponses.decodeBody(RegisteredModel.self, from: request)
            let id = try context.parameters.require("id")
            return try FakeRegistryResponses.json(try store.updateRegisteredModel(id: id, body))
        }
        api.get("registered_models/:id/versions") { request, context in
            let versions = try store.modelVersions(ofModel: try context.parameters.require("id"))
            return try self.list(Self.byNameAndExternalId(versions, request), request)
        }
        api.post("registered_models/:id/versions") { request, context in
            var body = try await FakeRegistryResponses.decodeBody(ModelVersion.self, from: request)
            body.registeredModelId = try context.parameters.require("id")
            return try FakeRegistryResponses.json(try store.createModelVersion(body), status: 201)
        }
        api.get("registered_model") { request, _ in
            let query = FakeRegistryQuery(rawQuery: request.uri.query)
            return try FakeRegistryResponses.json(
                try store.findRegisteredModel(name: query["name"], externalId: query["externalId"])
            )
        }
    }

    private func addModelVersionRoutes(_ api: RouterGroup<BasicRequestContext>) {
        let store = self.store
        api.get("model_versions") { request, _ in
            try self.list(request) { store.page(\.modelVersions, $0) }
        }
        api.post("model_versions") { request, _ in
            let body = try await FakeRegistryResponses.decodeBody(ModelVersion.self, from: request)
            return try FakeRegistryResponses.json(try store.createModelVersion(body), status: 201)
        }
        api.get("model_versions/:id") { _, context in
            try FakeRegistryResponses.json(try store.modelVersion(id: try context.parameters.require("id")))
        }
        api.patch("model_versions/:id") { request, context in
            let body = try await FakeRegistryResponses.decodeBody(ModelVersion.self, from: request)
            let id = try context.parameters.require("id")
            return try FakeRegistryResponses.json(try store.updateModelVersion(id: id, body))
        }
        api.get("model_versions/:id/artifacts") { request, context in
            let artifacts = try store.artifacts(ofVersion: try context.parameters.require("id"))
            return try self.list(Self.byArtifactType(Self.byNameAndExternalId(artifacts, request), request), request)
        }
        api.post("model_versions/:id/artifacts") { request, context in
            let body = try await FakeRegistryResponses.decodeBody(ModelArtifact.self, from: request)
            guard body.artifactType != nil else {
                throw FakeRegistryError.missingField("missing required property 'artifactType' in Artifact")
            }
            let (artifact, created) = try store.upsertVersionArtifact(
                versionId: try context.parameters.require("id"), body
            )
            return try FakeRegistryResponses.json(artifact, status: created ? 201 : 200)
        }
        api.get("model_version") { request, _ in
            let query = FakeRegistryQuery(rawQuery: request.uri.query)
            return try FakeRegistryResponses.json(
                try store.findModelVersion(
                    name: query["name"], externalId: query["externalId"], parentResourceId: query["parentResourceId"]
                )
            )
        }
    }

    private func addArtifactRoutes(_ api: RouterGroup<BasicRequestContext>) {
        let store = self.store
        api.get("model_artifacts") { request, _ in
            try self.list(request) {
                store.page(\.artifacts, $0) { $0.artifactType == ModelArtifact.modelArtifactType }
            }
        }
        api.post("model_artifacts") { request, _ in
            var body = try await FakeRegistryResponses.decodeBody(ModelArtifact.self, from: request)
            body.artifactType = body.artifactType ?? ModelArtifact.modelArtifactType
            guard body.artifactType == ModelArtifact.modelArtifactType else {
                throw FakeRegistryError.badRequest("model_artifacts only holds model-artifact")
            }
            return try FakeRegistryResponses.json(try store.createArtifact(body), status: 201)
        }
        api.get("model_artifacts/:id") { _, context in
            let artifact = try store.artifact(id: try context.parameters.require("id"))
            guard artifact.artifactType == ModelArtifact.modelArtifactType else {
                throw FakeRegistryError.notFound("model artifact by id \(artifact.id ?? "") not found")
            }
            return try FakeRegistryResponses.json(artifact)
        }
        api.patch("model_artifacts/:id") { request, context in
            let body = try await FakeRegistryResponses.decodeBody(ModelArtifact.self, from: request)
            let id = try context.parameters.require("id")
            return try FakeRegistryResponses.json(try store.updateArtifact(id: id, body))
        }
        api.get("model_artifact") { request, _ in
            let query = FakeRegistryQuery(rawQuery: request.uri.query)
            return try FakeRegistryResponses.json(
                try store.findArtifact(
                    name: query["name"], externalId: query["externalId"], parentResourceId: query["parentResourceId"],
                    modelOnly: true
                )
            )
        }
        api.get("artifacts") { request, _ in
            let type = FakeRegistryQuery(rawQuery: request.uri.query)["artifactType"]
            return try self.list(request) { store.page(\.artifacts, $0) { type == nil || $0.artifactType == type } }
        }
        api.post("artifacts") { request, _ in
            let body = try await FakeRegistryResponses.decodeBody(ModelArtifact.self, from: request)
            guard body.artifactType != nil else {
                throw FakeRegistryError.missingField("missing required property 'artifactType' in Artifact")
            }
            return try FakeRegistryResponses.json(try store.createArtifact(body), status: 201)
        }
        api.get("artifacts/:id") { _, context in
            try FakeRegistryResponses.json(try store.artifact(id: try context.parameters.require("id")))
        }
        api.patch("artifacts/:id") { request, context in
            let body = try await FakeRegistryResponses.decodeBody(ModelArtifact.self, from: request)
            let id = try context.parameters.require("id")
            return try FakeRegistryResponses.json(try store.updateArtifact(id: id, body))
        }
        api.get("artifact") { request, _ in
            let query = FakeRegistryQuery(rawQuery: request.uri.query)
            return try FakeRegistryResponses.json(
                try store.findArtifact(
                    name: query["name"], externalId: query["externalId"], parentResourceId: query["parentResourceId"],
                    modelOnly: false
                )
            )
        }
    }

    private func addServingRoutes(_ api: RouterGroup<BasicRequestContext>) {
        let store = self.store
        api.get("serving_environments") { request, _ in
            try self.list(request) { store.page(\.servingEnvironments, $0) }
        }
        api.post("serving_environments") { request, _ in
            let body = try await FakeRegistryResponses.decodeBody(ServingEnvironment.self, from: request)
            return try FakeRegistryResponses.json(try store.createServingEnvironment(body), status: 201)
        }
        api.get("serving_environments/:id") { _, context in
            try FakeRegistryResponses.json(try store.servingEnvironment(id: try context.parameters.require("id")))
        }
        api.patch("serving_environments/:id") { request, context in
            let body = try await FakeRegistryResponses.decodeBody(ServingEnvironment.self, from: request)
            let id = try context.parameters.require("id")
            return try FakeRegistryResponses.json(try store.updateServingEnvironment(id: id, body))
        }
        api.get("serving_environments/:id/inference_services") { request, context in
            let services = try store.inferenceServices(inEnvironment: try context.parameters.require("id"))
            return try self.list(Self.byNameAndExternalId(services, request), request)
        }
        api.post("serving_environments/:id/inference_services") { request, context in
            var body = try await FakeRegistryResponses.decodeBody(InferenceService.self, from: request)
            body.servingEnvironmentId = try context.parameters.require("id")
            return try FakeRegistryResponses.json(try store.createInferenceService(body), status: 201)
        }
        api.get("serving_environment") { request, _ in
            let query = FakeRegistryQuery(rawQuery: request.uri.query)
            return try FakeRegistryResponses.json(
                try store.findServingEnvironment(name: query["name"], externalId: query["externalId"])
            )
        }
        api.get("inference_services") { request, _ in
            try self.list(request) { store.page(\.inferenceServices, $0) }
        }
        api.post("inference_services") { request, _ in
            let body = try await FakeRegistryResponses.decodeBody(InferenceService.self, from: request)
            return try FakeRegistryResponses.json(try store.createInferenceService(body), status: 201)
        }
        api.get("inference_services/:id") { _, context in
            try FakeRegistryResponses.json(try store.inferenceService(id: try context.parameters.require("id")))
        }
        api.patch("inference_services/:id") { request, context in
            let body = try await FakeRegistryResponses.decodeBody(InferenceService.self, from: request)
            let id = try context.parameters.require("id")
            return try FakeRegistryResponses.json(try store.updateInferenceService(id: id, body))
        }
        api.get("inference_services/:id/model") { _, context in
            let service = try store.inferenceService(id: try context.parameters.require("id"))
            return try FakeRegistryResponses.json(try store.registeredModel(id: service.registeredModelId ?? ""))
        }
        api.get("inference_services/:id/version") { _, context in
            let service = try store.inferenceService(id: try context.parameters.require("id"))
            if let versionId = service.modelVersionId {
                return try FakeRegistryResponses.json(try store.modelVersion(id: versionId))
            }
            // No version means "the latest by creation".
            let versions = try store.modelVersions(ofModel: service.registeredModelId ?? "")
            guard
                let latest = versions.max(by: {
                    ($0.createMillis ?? 0, $0.id ?? "") < ($1.createMillis ?? 0, $1.id ?? "")
                })
            else {
                throw FakeRegistryError.notFound("no model version for inference service \(service.id ?? "")")
            }
            return try FakeRegistryResponses.json(latest)
        }
        api.get("inference_service") { request, _ in
            let query = FakeRegistryQuery(rawQuery: request.uri.query)
            return try FakeRegistryResponses.json(
                try store.findInferenceService(
                    name: query["name"], externalId: query["externalId"], parentResourceId: query["parentResourceId"]
                )
            )
        }
    }

    // MARK: Listing

    /// A nested list: its items are few, so they are paged from an array.
    private func list<E: RegistryEntity>(_ items: [E], _ request: Request) throws -> Response {
        try list(request) { $0.page(of: items) }
    }

    /// A list answered by `page`, after the paging parameters are checked and page faults applied.
    private func list<E: RegistryEntity>(_ request: Request, _ page: (FakeRegistryListRequest) -> ListPage<E>) throws
        -> Response
    {
        let query = FakeRegistryQuery(rawQuery: request.uri.query)
        let listing = try FakeRegistryListRequest(query: query, filterMode: filterQueryMode)
        if let status = faults.pageFault(page: listing.pageNumber, path: request.uri.path) {
            throw FakeRegistryError(status: status, message: "injected failure on page \(listing.pageNumber)")
        }
        return try FakeRegistryResponses.json(page(listing))
    }

    /// The `name` and `externalId` filters of nested lists.
    private static func byNameAndExternalId<E: RegistryEntity>(_ items: [E], _ request: Request) -> [E] {
        let query = FakeRegistryQuery(rawQuery: request.uri.query)
        return items.filter { item in
            (query["name"].map { item.name == $0 } ?? true)
                && (query["externalId"].map { item.externalId == $0 } ?? true)
        }
    }

    /// The `artifactType` filter (2.24+).
    private static func byArtifactType(_ items: [ModelArtifact], _ request: Request) -> [ModelArtifact] {
        guard let type = FakeRegistryQuery(rawQuery: request.uri.query)["artifactType"] else { return items }
        return items.filter { $0.artifactType == type }
    }
}
