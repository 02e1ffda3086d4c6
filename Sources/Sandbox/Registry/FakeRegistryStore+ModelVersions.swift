import RegistryAPI

/// Model versions: children of a registered model, `name` unique within it; `state` defaults to LIVE.
extension FakeRegistryStore {
    /// `POST /model_versions` (or `/registered_models/{id}/versions`): `name` and
    /// `registeredModelId` required; the name is unique within its model.
    public func createModelVersion(_ body: ModelVersion) throws(FakeRegistryError) -> ModelVersion {
        try write { state, stamp throws(FakeRegistryError) in
            let name = try state.modelVersions.required(body.name, "name")
            let modelId = try state.modelVersions.required(body.registeredModelId, "registeredModelId")
            _ = try state.registeredModels.existing(modelId)
            try state.modelVersions.checkNameIsFree(name, in: modelId)
            var version = body
            version.state = body.state ?? .live
            return try state.create(version, in: \.modelVersions, parent: modelId, stamp: stamp)
        }
    }

    /// `PATCH /model_versions/{id}`: `name` and `registeredModelId` cannot change.
    public func updateModelVersion(id: String, _ patch: ModelVersion) throws(FakeRegistryError) -> ModelVersion {
        try update(\.modelVersions, id: id, with: patch) { version in
            version.author = patch.author ?? version.author
            version.state = patch.state ?? version.state
        }
    }

    /// Every model version, in id order.
    public func modelVersions() -> [ModelVersion] { all(\.modelVersions) }

    /// The versions of one model, or 404 when the model does not exist.
    public func modelVersions(ofModel modelId: String) throws(FakeRegistryError) -> [ModelVersion] {
        try children(\.modelVersions, of: modelId, in: \.registeredModels)
    }

    /// One model version, or 404.
    public func modelVersion(id: String) throws(FakeRegistryError) -> ModelVersion {
        try one(\.modelVersions, id: id)
    }

    /// `GET /model_version?name=&externalId=&parentResourceId=`.
    public func findModelVersion(name: String?, externalId: String?, parentResourceId: String?)
        throws(FakeRegistryError) -> ModelVersion
    {
        try find(\.modelVersions, name: name, externalId: externalId, parentResourceId: parentResourceId) {
            $0.registeredModelId == parentResourceId
        }
    }
}
