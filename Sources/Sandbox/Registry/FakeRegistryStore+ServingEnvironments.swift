import RegistryAPI

/// Serving environments: `name` required and unique in the registry; the parents of inference services.
extension FakeRegistryStore {
    /// `POST /serving_environments`: `name` required and unique.
    public func createServingEnvironment(_ body: ServingEnvironment) throws(FakeRegistryError) -> ServingEnvironment {
        try write { state, stamp throws(FakeRegistryError) in
            let name = try state.servingEnvironments.required(body.name, "name")
            try state.servingEnvironments.checkNameIsFree(name, in: nil)
            return try state.create(body, in: \.servingEnvironments, parent: nil, stamp: stamp)
        }
    }

    /// `PATCH /serving_environments/{id}`.
    public func updateServingEnvironment(id: String, _ patch: ServingEnvironment) throws(FakeRegistryError)
        -> ServingEnvironment
    {
        try update(\.servingEnvironments, id: id, with: patch)
    }

    /// Every serving environment, in id order.
    public func servingEnvironments() -> [ServingEnvironment] { all(\.servingEnvironments) }

    /// One serving environment, or 404.
    public func servingEnvironment(id: String) throws(FakeRegistryError) -> ServingEnvironment {
        try one(\.servingEnvironments, id: id)
    }

    /// `GET /serving_environment?name=&externalId=`.
    public func findServingEnvironment(name: String?, externalId: String?) throws(FakeRegistryError)
        -> ServingEnvironment
    {
        try find(\.servingEnvironments, name: name, externalId: externalId, parentResourceId: nil)
    }
}
