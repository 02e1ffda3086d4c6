import Foundation
import RegistryAPI
import Synchronization

/// The data of a fake Model Registry, with the write semantics of the real `v1alpha3` server:
/// server-assigned numeric string ids (registered models, versions, serving environments and
/// inference services share one id space, artifacts have their own), timestamps in
/// milliseconds as strings bumped on every write, unique names, finders that answer 404, and no
/// deletion (entities are archived).
///
/// Tests seed it directly, without HTTP:
///
/// ```swift
/// let store = FakeRegistryStore()
/// let model = try store.createRegisteredModel(RegisteredModel(name: "mnist", owner: "team-a"))
/// let version = try store.createModelVersion(ModelVersion(name: "v1", registeredModelId: model.id))
/// _ = try store.upsertVersionArtifact(versionId: version.id!, ModelArtifact(name: "mnist", uri: "s3://b/m"))
/// _ = try store.updateRegisteredModel(id: model.id!, RegisteredModel(state: .archived))
/// ```
public final class FakeRegistryStore: Sendable {
    private let state = Mutex(FakeRegistryState())
    private let clock: @Sendable () -> Int64

    /// - Parameter clock: milliseconds since the epoch; timestamps never go backwards and two
    ///   writes never share one (the store bumps by 1 ms when the clock has not moved).
    public init(clock: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970 * 1000) }) {
        self.clock = clock
    }

    // MARK: Registered models

    /// `POST /registered_models`: `name` required and unique.
    public func createRegisteredModel(_ body: RegisteredModel) throws(FakeRegistryError) -> RegisteredModel {
        try write { state, stamp throws(FakeRegistryError) in
            guard let name = body.name, !name.isEmpty else {
                throw .missingField("missing required property 'name' in RegisteredModel")
            }
            if state.registeredModelNames.contains(name) {
                throw .conflict("registered model with name \(name) already exists")
            }
            try state.checkExternalId(body.externalId)
            var model = body
            model.id = state.nextContextId()
            model.state = body.state ?? .live
            model.customProperties = body.customProperties ?? [:]
            model.createTimeSinceEpoch = stamp
            model.lastUpdateTimeSinceEpoch = stamp
            state.registeredModels.insert(model)
            state.registeredModelNames.insert(name)
            state.useExternalId(model.externalId)
            return model
        }
    }

    /// `PATCH /registered_models/{id}`: fields present in `patch` replace the stored ones;
    /// `name` cannot change.
    public func updateRegisteredModel(id: String, _ patch: RegisteredModel) throws(FakeRegistryError)
        -> RegisteredModel
    {
        try write { state, stamp throws(FakeRegistryError) in
            guard var model = state.registeredModels[id] else {
                throw .notFound("registered model by id \(id) not found")
            }
            try state.checkExternalId(patch.externalId, except: model.externalId)
            state.replaceExternalId(model.externalId, with: patch.externalId)
            model.description = patch.description ?? model.description
            model.externalId = patch.externalId ?? model.externalId
            model.owner = patch.owner ?? model.owner
            model.state = patch.state ?? model.state
            model.customProperties = patch.customProperties ?? model.customProperties
            model.readme = patch.readme ?? model.readme
            model.maturity = patch.maturity ?? model.maturity
            model.language = patch.language ?? model.language
            model.tasks = patch.tasks ?? model.tasks
            model.provider = patch.provider ?? model.provider
            model.logo = patch.logo ?? model.logo
            model.license = patch.license ?? model.license
            model.licenseLink = patch.licenseLink ?? model.licenseLink
            model.libraryName = patch.libraryName ?? model.libraryName
            model.lastUpdateTimeSinceEpoch = stamp
            state.registeredModels[id] = model
            return model
        }
    }

    /// Every registered model, in id order.
    public func registeredModels() -> [RegisteredModel] {
        state.withLock { $0.registeredModels.ordered }
    }

    /// One registered model, or 404.
    public func registeredModel(id: String) throws(FakeRegistryError) -> RegisteredModel {
        guard let model = state.withLock({ $0.registeredModels[id] }) else {
            throw .notFound("registered model by id \(id) not found")
        }
        return model
    }

    /// `GET /registered_model?name=&externalId=`: exactly one match, else 404.
    public func findRegisteredModel(name: String?, externalId: String?) throws(FakeRegistryError) -> RegisteredModel {
        try findOne(
            state.withLock { Array($0.registeredModels.values) }, what: "registered models", name: name,
            externalId: externalId, parentResourceId: nil
        ) { _ in true }
    }

    // MARK: Model versions

    /// `POST /model_versions` (or `/registered_models/{id}/versions`): `name` and
    /// `registeredModelId` required; the name is unique within its model.
    public func createModelVersion(_ body: ModelVersion) throws(FakeRegistryError) -> ModelVersion {
        try write { state, stamp throws(FakeRegistryError) in
            guard let name = body.name, !name.isEmpty else {
                throw .missingField("missing required property 'name' in ModelVersion")
            }
            guard let modelId = body.registeredModelId, !modelId.isEmpty else {
                throw .missingField("missing required property 'registeredModelId' in ModelVersion")
            }
            guard state.registeredModels[modelId] != nil else {
                throw .notFound("registered model by id \(modelId) not found")
            }
            if state.versionNamesByModel[modelId]?.contains(name) == true {
                throw .conflict("model version with name \(name) already exists in registered model \(modelId)")
            }
            try state.checkExternalId(body.externalId)
            var version = body
            version.id = state.nextContextId()
            version.state = body.state ?? .live
            version.customProperties = body.customProperties ?? [:]
            version.createTimeSinceEpoch = stamp
            version.lastUpdateTimeSinceEpoch = stamp
            state.modelVersions.insert(version)
            state.versionNamesByModel[modelId, default: []].insert(name)
            state.versionIdsByModel[modelId, default: []].append(version.id!)
            state.useExternalId(version.externalId)
            return version
        }
    }

    /// `PATCH /model_versions/{id}`: `name` and `registeredModelId` cannot change.
    public func updateModelVersion(id: String, _ patch: ModelVersion) throws(FakeRegistryError) -> ModelVersion {
        try write { state, stamp throws(FakeRegistryError) in
            guard var version = state.modelVersions[id] else {
                throw .notFound("model version by id \(id) not found")
            }
            try state.checkExternalId(patch.externalId, except: version.externalId)
            state.replaceExternalId(version.externalId, with: patch.externalId)
            version.description = patch.description ?? version.description
            version.externalId = patch.externalId ?? version.externalId
            version.author = patch.author ?? version.author
            version.state = patch.state ?? version.state
            version.customProperties = patch.customProperties ?? version.customProperties
            version.lastUpdateTimeSinceEpoch = stamp
            state.modelVersions[id] = version
            return version
        }
    }

    /// Every model version, in id order.
    public func modelVersions() -> [ModelVersion] {
        state.withLock { $0.modelVersions.ordered }
    }

    /// The versions of one model, or 404 when the model does not exist.
    public func modelVersions(ofModel modelId: String) throws(FakeRegistryError) -> [ModelVersion] {
        let versions = state.withLock { state -> [ModelVersion]? in
            guard state.registeredModels[modelId] != nil else { return nil }
            // Ids are appended as versions are created, so the list is already in id order.
            return (state.versionIdsByModel[modelId] ?? []).compactMap { state.modelVersions[$0] }
        }
        guard let versions else { throw .notFound("registered model by id \(modelId) not found") }
        return versions
    }

    /// One model version, or 404.
    public func modelVersion(id: String) throws(FakeRegistryError) -> ModelVersion {
        guard let version = state.withLock({ $0.modelVersions[id] }) else {
            throw .notFound("model version by id \(id) not found")
        }
        return version
    }

    /// `GET /model_version?name=&externalId=&parentResourceId=`.
    public func findModelVersion(name: String?, externalId: String?, parentResourceId: String?)
        throws(FakeRegistryError) -> ModelVersion
    {
        try findOne(
            state.withLock { Array($0.modelVersions.values) }, what: "model versions", name: name,
            externalId: externalId,
            parentResourceId: parentResourceId
        ) { $0.registeredModelId == parentResourceId }
    }

    // MARK: Artifacts

    /// `POST /model_artifacts` or `/artifacts`: an artifact linked to no version. `artifactType`
    /// defaults to `model-artifact`; only `model-artifact` and `doc-artifact` are known.
    public func createArtifact(_ body: ModelArtifact) throws(FakeRegistryError) -> ModelArtifact {
        try write { state, stamp throws(FakeRegistryError) in
            try state.insertArtifact(body, versionId: nil, stamp: stamp)
        }
    }

    /// `POST /model_versions/{id}/artifacts`: creates the artifact and links it when the body
    /// has no `id` (`created` is true: 201), else updates and links the existing one (200).
    public func upsertVersionArtifact(versionId: String, _ body: ModelArtifact) throws(FakeRegistryError)
        -> (artifact: ModelArtifact, created: Bool)
    {
        try write { state, stamp throws(FakeRegistryError) in
            guard state.modelVersions[versionId] != nil else {
                throw .notFound("model version by id \(versionId) not found")
            }
            guard let id = body.id else {
                return (try state.insertArtifact(body, versionId: versionId, stamp: stamp), true)
            }
            let updated = try state.mergeArtifact(id: id, body, stamp: stamp)
            state.link(artifactId: id, toVersion: versionId)
            return (updated, false)
        }
    }

    /// `PATCH /model_artifacts/{id}` or `/artifacts/{id}`.
    public func updateArtifact(id: String, _ patch: ModelArtifact) throws(FakeRegistryError) -> ModelArtifact {
        try write { state, stamp throws(FakeRegistryError) in
            try state.mergeArtifact(id: id, patch, stamp: stamp)
        }
    }

    /// Every artifact (model and doc), in id order.
    public func artifacts() -> [ModelArtifact] {
        state.withLock { $0.artifacts.ordered }
    }

    /// Every model artifact, in id order.
    public func modelArtifacts() -> [ModelArtifact] {
        artifacts().filter { $0.artifactType == ModelArtifact.modelArtifactType }
    }

    /// The artifacts linked to one version, or 404 when the version does not exist.
    public func artifacts(ofVersion versionId: String) throws(FakeRegistryError) -> [ModelArtifact] {
        let artifacts = state.withLock { state -> [ModelArtifact]? in
            guard state.modelVersions[versionId] != nil else { return nil }
            return state.artifactsOfVersion(versionId)
        }
        guard let artifacts else { throw .notFound("model version by id \(versionId) not found") }
        return artifacts
    }

    /// One artifact, or 404.
    public func artifact(id: String) throws(FakeRegistryError) -> ModelArtifact {
        guard let artifact = state.withLock({ $0.artifacts[id] }) else {
            throw .notFound("artifact by id \(id) not found")
        }
        return artifact
    }

    /// `GET /model_artifact` (model artifacts only) or `/artifact` (any type), with the parent
    /// being a model version.
    public func findArtifact(name: String?, externalId: String?, parentResourceId: String?, modelOnly: Bool)
        throws(FakeRegistryError) -> ModelArtifact
    {
        let (links, all) = state.withLock { ($0.artifactVersion, Array($0.artifacts.values)) }
        let candidates = modelOnly ? all.filter { $0.artifactType == ModelArtifact.modelArtifactType } : all
        return try findOne(
            candidates, what: "artifacts", name: name, externalId: externalId, parentResourceId: parentResourceId
        ) { links[$0.id ?? ""] == parentResourceId }
    }

    // MARK: Serving environments

    /// `POST /serving_environments`: `name` required and unique.
    public func createServingEnvironment(_ body: ServingEnvironment) throws(FakeRegistryError) -> ServingEnvironment {
        try write { state, stamp throws(FakeRegistryError) in
            guard let name = body.name, !name.isEmpty else {
                throw .missingField("missing required property 'name' in ServingEnvironment")
            }
            if state.servingEnvironmentNames.contains(name) {
                throw .conflict("serving environment with name \(name) already exists")
            }
            try state.checkExternalId(body.externalId)
            var environment = body
            environment.id = state.nextContextId()
            environment.customProperties = body.customProperties ?? [:]
            environment.createTimeSinceEpoch = stamp
            environment.lastUpdateTimeSinceEpoch = stamp
            state.servingEnvironments.insert(environment)
            state.servingEnvironmentNames.insert(name)
            state.useExternalId(environment.externalId)
            return environment
        }
    }

    /// `PATCH /serving_environments/{id}`.
    public func updateServingEnvironment(id: String, _ patch: ServingEnvironment) throws(FakeRegistryError)
        -> ServingEnvironment
    {
        try write { state, stamp throws(FakeRegistryError) in
            guard var environment = state.servingEnvironments[id] else {
                throw .notFound("serving environment by id \(id) not found")
            }
            try state.checkExternalId(patch.externalId, except: environment.externalId)
            state.replaceExternalId(environment.externalId, with: patch.externalId)
            environment.description = patch.description ?? environment.description
            environment.externalId = patch.externalId ?? environment.externalId
            environment.customProperties = patch.customProperties ?? environment.customProperties
            environment.lastUpdateTimeSinceEpoch = stamp
            state.servingEnvironments[id] = environment
            return environment
        }
    }

    /// Every serving environment, in id order.
    public func servingEnvironments() -> [ServingEnvironment] {
        state.withLock { $0.servingEnvironments.ordered }
    }

    /// One serving environment, or 404.
    public func servingEnvironment(id: String) throws(FakeRegistryError) -> ServingEnvironment {
        guard let environment = state.withLock({ $0.servingEnvironments[id] }) else {
            throw .notFound("serving environment by id \(id) not found")
        }
        return environment
    }

    /// `GET /serving_environment?name=&externalId=`.
    public func findServingEnvironment(name: String?, externalId: String?) throws(FakeRegistryError)
        -> ServingEnvironment
    {
        try findOne(
            state.withLock { Array($0.servingEnvironments.values) }, what: "serving environments", name: name,
            externalId: externalId,
            parentResourceId: nil
        ) { _ in true }
    }

    // MARK: Inference services

    /// `POST /inference_services`: `registeredModelId` and `servingEnvironmentId` required and
    /// existing; `modelVersionId`, when given, must exist. `desiredState` defaults to DEPLOYED.
    public func createInferenceService(_ body: InferenceService) throws(FakeRegistryError) -> InferenceService {
        try write { state, stamp throws(FakeRegistryError) in
            guard let modelId = body.registeredModelId, !modelId.isEmpty else {
                throw .missingField("missing required property 'registeredModelId' in InferenceService")
            }
            guard let environmentId = body.servingEnvironmentId, !environmentId.isEmpty else {
                throw .missingField("missing required property 'servingEnvironmentId' in InferenceService")
            }
            guard state.registeredModels[modelId] != nil else {
                throw .notFound("registered model by id \(modelId) not found")
            }
            guard state.servingEnvironments[environmentId] != nil else {
                throw .notFound("serving environment by id \(environmentId) not found")
            }
            if let versionId = body.modelVersionId, state.modelVersions[versionId] == nil {
                throw .notFound("model version by id \(versionId) not found")
            }
            if let name = body.name, state.serviceNamesByEnvironment[environmentId]?.contains(name) == true {
                throw .conflict("inference service with name \(name) already exists in environment \(environmentId)")
            }
            try state.checkExternalId(body.externalId)
            var service = body
            service.id = state.nextContextId()
            service.desiredState = body.desiredState ?? .deployed
            service.customProperties = body.customProperties ?? [:]
            service.createTimeSinceEpoch = stamp
            service.lastUpdateTimeSinceEpoch = stamp
            state.inferenceServices.insert(service)
            if let name = body.name { state.serviceNamesByEnvironment[environmentId, default: []].insert(name) }
            state.serviceIdsByEnvironment[environmentId, default: []].append(service.id!)
            state.useExternalId(service.externalId)
            return service
        }
    }

    /// `PATCH /inference_services/{id}`: `modelVersionId`, `runtime`, `desiredState`,
    /// description, externalId and custom properties may change.
    public func updateInferenceService(id: String, _ patch: InferenceService) throws(FakeRegistryError)
        -> InferenceService
    {
        try write { state, stamp throws(FakeRegistryError) in
            guard var service = state.inferenceServices[id] else {
                throw .notFound("inference service by id \(id) not found")
            }
            if let versionId = patch.modelVersionId, state.modelVersions[versionId] == nil {
                throw .notFound("model version by id \(versionId) not found")
            }
            try state.checkExternalId(patch.externalId, except: service.externalId)
            state.replaceExternalId(service.externalId, with: patch.externalId)
            service.description = patch.description ?? service.description
            service.externalId = patch.externalId ?? service.externalId
            service.modelVersionId = patch.modelVersionId ?? service.modelVersionId
            service.runtime = patch.runtime ?? service.runtime
            service.desiredState = patch.desiredState ?? service.desiredState
            service.customProperties = patch.customProperties ?? service.customProperties
            service.lastUpdateTimeSinceEpoch = stamp
            state.inferenceServices[id] = service
            return service
        }
    }

    /// Every inference service, in id order.
    public func inferenceServices() -> [InferenceService] {
        state.withLock { $0.inferenceServices.ordered }
    }

    /// The inference services of one environment, or 404 when it does not exist.
    public func inferenceServices(inEnvironment environmentId: String) throws(FakeRegistryError)
        -> [InferenceService]
    {
        let services = state.withLock { state -> [InferenceService]? in
            guard state.servingEnvironments[environmentId] != nil else { return nil }
            return (state.serviceIdsByEnvironment[environmentId] ?? []).compactMap { state.inferenceServices[$0] }
        }
        guard let services else { throw .notFound("serving environment by id \(environmentId) not found") }
        return services
    }

    /// One inference service, or 404.
    public func inferenceService(id: String) throws(FakeRegistryError) -> InferenceService {
        guard let service = state.withLock({ $0.inferenceServices[id] }) else {
            throw .notFound("inference service by id \(id) not found")
        }
        return service
    }

    /// `GET /inference_service?name=&externalId=&parentResourceId=<servingEnvironmentId>`.
    public func findInferenceService(name: String?, externalId: String?, parentResourceId: String?)
        throws(FakeRegistryError) -> InferenceService
    {
        try findOne(
            state.withLock { Array($0.inferenceServices.values) }, what: "inference services", name: name,
            externalId: externalId,
            parentResourceId: parentResourceId
        ) { $0.servingEnvironmentId == parentResourceId }
    }

    // MARK: Paged lists

    /// One page of a global list, chosen under the lock from the table's id order (no copy or
    /// sort of the whole collection for the `orderBy=ID` pages every full read uses).
    func page<E: RegistryEntity>(
        _ table: KeyPath<FakeRegistryState, FakeRegistryTable<E>>, _ listing: FakeRegistryListRequest,
        including: (E) -> Bool = { _ in true }
    ) -> ListPage<E> {
        state.withLock { listing.page(of: $0[keyPath: table], including: including) }
    }

    // MARK: Internals

    /// Runs one write under the lock. Every write validates before it mutates, so a write that
    /// throws changes nothing (not even the id counters or the clock).
    private func write<T>(_ body: (inout FakeRegistryState, String) throws(FakeRegistryError) -> T)
        throws(FakeRegistryError) -> T
    {
        let now = clock()
        let result: Result<T, FakeRegistryError> = state.withLock { state in
            let stamp = max(now, state.lastStamp + 1)
            do throws(FakeRegistryError) {
                let value = try body(&state, String(stamp))
                state.lastStamp = stamp
                return .success(value)
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    /// Finder semantics: `name` or `externalId` is required; a `name` match with a parent only
    /// counts within that parent; none or several matches answer 404.
    private func findOne<E: RegistryEntity>(
        _ candidates: [E], what: String, name: String?, externalId: String?, parentResourceId: String?,
        inParent: (E) -> Bool
    ) throws(FakeRegistryError) -> E {
        let name = name?.isEmpty == true ? nil : name
        let externalId = externalId?.isEmpty == true ? nil : externalId
        guard name != nil || externalId != nil else {
            throw .badRequest("invalid parameters: need name or externalId")
        }
        let matches = candidates.filter { entity in
            if let externalId, entity.externalId != externalId { return false }
            if let name, entity.name != name { return false }
            if parentResourceId != nil, !(parentResourceId?.isEmpty ?? true), !inParent(entity) { return false }
            return true
        }
        guard matches.count == 1 else {
            throw .notFound(
                "no \(what) found for name=\(name ?? ""), parentResourceId=\(parentResourceId ?? ""), "
                    + "externalId=\(externalId ?? ""): not found"
            )
        }
        return matches[0]
    }
}

/// Everything the store holds, with the indexes that keep every request proportional to its
/// answer rather than to the store (uniqueness checks, children of a parent, id order).
/// Mutating helpers validate first and mutate last.
struct FakeRegistryState: Sendable {
    var lastStamp: Int64 = 0
    var contextIds: Int64 = 0
    var artifactIds: Int64 = 0
    var registeredModels = FakeRegistryTable<RegisteredModel>()
    var modelVersions = FakeRegistryTable<ModelVersion>()
    var artifacts = FakeRegistryTable<ModelArtifact>()
    /// artifact id → model version id.
    var artifactVersion: [String: String] = [:]
    var servingEnvironments = FakeRegistryTable<ServingEnvironment>()
    var inferenceServices = FakeRegistryTable<InferenceService>()

    // Indexes, kept in step by the mutating helpers below and the store's writes. Names never
    // change after creation, and neither do the parents of versions and inference services.
    var registeredModelNames: Set<String> = []
    /// registered model id → names of its versions.
    var versionNamesByModel: [String: Set<String>] = [:]
    /// registered model id → ids of its versions, in creation (= id) order.
    var versionIdsByModel: [String: [String]] = [:]
    /// model version id → ids of the artifacts linked to it.
    var artifactIdsByVersion: [String: Set<String>] = [:]
    var servingEnvironmentNames: Set<String> = []
    /// serving environment id → names of its inference services.
    var serviceNamesByEnvironment: [String: Set<String>] = [:]
    /// serving environment id → ids of its inference services, in creation (= id) order.
    var serviceIdsByEnvironment: [String: [String]] = [:]
    /// Every non-empty external id in use, by any entity type.
    var externalIds: Set<String> = []

    mutating func nextContextId() -> String {
        contextIds += 1
        return String(contextIds)
    }

    mutating func nextArtifactId() -> String {
        artifactIds += 1
        return String(artifactIds)
    }

    /// External ids are unique across every entity type.
    func checkExternalId(_ externalId: String?, except current: String? = nil) throws(FakeRegistryError) {
        guard let externalId, !externalId.isEmpty, externalId != current else { return }
        if externalIds.contains(externalId) {
            throw .conflict("externalId \(externalId) is already used")
        }
    }

    /// Records the external id of a new entity.
    mutating func useExternalId(_ externalId: String?) {
        if let externalId, !externalId.isEmpty { externalIds.insert(externalId) }
    }

    /// Records an update's external id (`nil` keeps the current one).
    mutating func replaceExternalId(_ current: String?, with new: String?) {
        guard let new, new != current else { return }
        if let current { externalIds.remove(current) }
        useExternalId(new)
    }

    /// The artifacts linked to one version, in id order.
    func artifactsOfVersion(_ versionId: String) -> [ModelArtifact] {
        (artifactIdsByVersion[versionId] ?? []).sorted { (Int64($0) ?? 0) < (Int64($1) ?? 0) }.compactMap {
            artifacts[$0]
        }
    }

    /// Links an artifact to a version, unlinking it from the one it had.
    mutating func link(artifactId: String, toVersion versionId: String) {
        if let previous = artifactVersion[artifactId] {
            artifactIdsByVersion[previous]?.remove(artifactId)
        }
        artifactVersion[artifactId] = versionId
        artifactIdsByVersion[versionId, default: []].insert(artifactId)
    }

    mutating func insertArtifact(_ body: ModelArtifact, versionId: String?, stamp: String) throws(FakeRegistryError)
        -> ModelArtifact
    {
        let type = body.artifactType ?? ModelArtifact.modelArtifactType
        guard type == ModelArtifact.modelArtifactType || type == ModelArtifact.docArtifactType else {
            throw .badRequest("unsupported artifactType \(type)")
        }
        if let versionId, let name = body.name,
            artifactIdsByVersion[versionId]?.contains(where: { artifacts[$0]?.name == name }) == true
        {
            throw .conflict("artifact with name \(name) already exists in model version \(versionId)")
        }
        try checkExternalId(body.externalId)
        var artifact = body
        artifact.id = nextArtifactId()
        artifact.artifactType = type
        artifact.state = body.state ?? .unknown
        artifact.customProperties = body.customProperties ?? [:]
        artifact.createTimeSinceEpoch = stamp
        artifact.lastUpdateTimeSinceEpoch = stamp
        artifacts.insert(artifact)
        useExternalId(artifact.externalId)
        if let versionId {
            link(artifactId: artifact.id!, toVersion: versionId)
        }
        return artifact
    }

    mutating func mergeArtifact(id: String, _ patch: ModelArtifact, stamp: String) throws(FakeRegistryError)
        -> ModelArtifact
    {
        guard var artifact = artifacts[id] else {
            throw .notFound("artifact by id \(id) not found")
        }
        if let type = patch.artifactType, type != artifact.artifactType {
            throw .badRequest("artifactType \(type) does not match the stored \(artifact.artifactType ?? "")")
        }
        try checkExternalId(patch.externalId, except: artifact.externalId)
        replaceExternalId(artifact.externalId, with: patch.externalId)
        artifact.description = patch.description ?? artifact.description
        artifact.externalId = patch.externalId ?? artifact.externalId
        artifact.uri = patch.uri ?? artifact.uri
        artifact.state = patch.state ?? artifact.state
        artifact.modelFormatName = patch.modelFormatName ?? artifact.modelFormatName
        artifact.modelFormatVersion = patch.modelFormatVersion ?? artifact.modelFormatVersion
        artifact.storageKey = patch.storageKey ?? artifact.storageKey
        artifact.storagePath = patch.storagePath ?? artifact.storagePath
        artifact.serviceAccountName = patch.serviceAccountName ?? artifact.serviceAccountName
        artifact.modelSourceKind = patch.modelSourceKind ?? artifact.modelSourceKind
        artifact.modelSourceClass = patch.modelSourceClass ?? artifact.modelSourceClass
        artifact.modelSourceGroup = patch.modelSourceGroup ?? artifact.modelSourceGroup
        artifact.modelSourceId = patch.modelSourceId ?? artifact.modelSourceId
        artifact.modelSourceName = patch.modelSourceName ?? artifact.modelSourceName
        artifact.experimentId = patch.experimentId ?? artifact.experimentId
        artifact.experimentRunId = patch.experimentRunId ?? artifact.experimentRunId
        artifact.customProperties = patch.customProperties ?? artifact.customProperties
        artifact.lastUpdateTimeSinceEpoch = stamp
        artifacts[id] = artifact
        return artifact
    }
}
