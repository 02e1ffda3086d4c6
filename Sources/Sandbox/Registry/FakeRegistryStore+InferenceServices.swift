import RegistryAPI

/// Inference services: children of a serving environment, naming a registered model (and maybe one of its
/// versions); a `name`, when given, is unique within the environment; `desiredState` defaults to DEPLOYED.
extension FakeRegistryStore {
    /// `POST /inference_services`: `registeredModelId` and `servingEnvironmentId` required and
    /// existing; `modelVersionId`, when given, must exist. `desiredState` defaults to DEPLOYED.
    public func createInferenceService(_ body: InferenceService) throws(FakeRegistryError) -> InferenceService {
        try write { state, stamp throws(FakeRegistryError) in
            let modelId = try state.inferenceServices.required(body.registeredModelId, "registeredModelId")
            let environmentId = try state.inferenceServices.required(body.servingEnvironmentId, "servingEnvironmentId")
            _ = try state.registeredModels.existing(modelId)
            _ = try state.servingEnvironments.existing(environmentId)
            if let versionId = body.modelVersionId { _ = try state.modelVersions.existing(versionId) }
            if let name = body.name { try state.inferenceServices.checkNameIsFree(name, in: environmentId) }
            var service = body
            service.desiredState = body.desiredState ?? .deployed
            return try state.create(service, in: \.inferenceServices, parent: environmentId, stamp: stamp)
        }
    }

    /// `PATCH /inference_services/{id}`: `modelVersionId`, `runtime`, `desiredState`,
    /// description, externalId and custom properties may change; a new `modelVersionId` must exist.
    public func updateInferenceService(id: String, _ patch: InferenceService) throws(FakeRegistryError)
        -> InferenceService
    {
        try update(
            \.inferenceServices, id: id, with: patch,
            merge: { service in
                service.modelVersionId = patch.modelVersionId ?? service.modelVersionId
                service.runtime = patch.runtime ?? service.runtime
                service.desiredState = patch.desiredState ?? service.desiredState
            },
            validate: { state, _ throws(FakeRegistryError) in
                if let versionId = patch.modelVersionId { _ = try state.modelVersions.existing(versionId) }
            })
    }

    /// Every inference service, in id order.
    public func inferenceServices() -> [InferenceService] { all(\.inferenceServices) }

    /// The inference services of one environment, or 404 when it does not exist.
    public func inferenceServices(inEnvironment environmentId: String) throws(FakeRegistryError)
        -> [InferenceService]
    {
        try children(\.inferenceServices, of: environmentId, in: \.servingEnvironments)
    }

    /// One inference service, or 404.
    public func inferenceService(id: String) throws(FakeRegistryError) -> InferenceService {
        try one(\.inferenceServices, id: id)
    }

    /// `GET /inference_service?name=&externalId=&parentResourceId=<servingEnvironmentId>`.
    public func findInferenceService(name: String?, externalId: String?, parentResourceId: String?)
        throws(FakeRegistryError) -> InferenceService
    {
        try find(\.inferenceServices, name: name, externalId: externalId, parentResourceId: parentResourceId) {
            $0.servingEnvironmentId == parentResourceId
        }
    }
}
