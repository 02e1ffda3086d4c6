import RegistryAPI

/// Registered models: `name` required and unique in the registry; `state` defaults to LIVE.
extension FakeRegistryStore {
    /// `POST /registered_models`: `name` required and unique.
    public func createRegisteredModel(_ body: RegisteredModel) throws(FakeRegistryError) -> RegisteredModel {
        try write { state, stamp throws(FakeRegistryError) in
            let name = try state.registeredModels.required(body.name, "name")
            try state.registeredModels.checkNameIsFree(name, in: nil)
            var model = body
            model.state = body.state ?? .live
            return try state.create(model, in: \.registeredModels, parent: nil, stamp: stamp)
        }
    }

    /// `PATCH /registered_models/{id}`: fields present in `patch` replace the stored ones;
    /// `name` cannot change.
    public func updateRegisteredModel(id: String, _ patch: RegisteredModel) throws(FakeRegistryError)
        -> RegisteredModel
    {
        try update(\.registeredModels, id: id, with: patch) { model in
            model.owner = patch.owner ?? model.owner
            model.state = patch.state ?? model.state
            model.readme = patch.readme ?? model.readme
            model.maturity = patch.maturity ?? model.maturity
            model.language = patch.language ?? model.language
            model.tasks = patch.tasks ?? model.tasks
            model.provider = patch.provider ?? model.provider
            model.logo = patch.logo ?? model.logo
            model.license = patch.license ?? model.license
            model.licenseLink = patch.licenseLink ?? model.licenseLink
            model.libraryName = patch.libraryName ?? model.libraryName
        }
    }

    /// Every registered model, in id order.
    public func registeredModels() -> [RegisteredModel] { all(\.registeredModels) }

    /// One registered model, or 404.
    public func registeredModel(id: String) throws(FakeRegistryError) -> RegisteredModel {
        try one(\.registeredModels, id: id)
    }

    /// `GET /registered_model?name=&externalId=`: exactly one match, else 404.
    public func findRegisteredModel(name: String?, externalId: String?) throws(FakeRegistryError) -> RegisteredModel {
        try find(\.registeredModels, name: name, externalId: externalId, parentResourceId: nil)
    }
}
