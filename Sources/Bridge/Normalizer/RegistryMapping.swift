import CatalogModel
import RegistryAPI

/// Turns the registry client's wire objects into the normalizer's plain inputs. Objects
/// without an id or a name cannot be keyed and are skipped (the caller logs them).
enum RegistryMapping {
    static func properties(_ wire: RegistryAPI.CustomProperties?) -> [String: PropertyValue] {
        var result: [String: PropertyValue] = [:]
        for (key, value) in wire ?? [:] {
            switch value {
            case .string(let text): result[key] = .string(text)
            case .int(let number): result[key] = .int(String(number))
            case .double(let number): result[key] = .double(number)
            case .bool(let flag): result[key] = .bool(flag)
            case .structValue, .proto, .notSet: result[key] = .other
            }
        }
        return result
    }

    /// Registry ids are decimal numbers; one that is empty or absurdly long (it goes into
    /// request paths) is not used, and the object counts as having no readable id.
    static func usableID(_ id: String) -> String? {
        id.isEmpty || id.utf8.count > 128 ? nil : id
    }

    static func state(_ raw: String?) -> RegistryState? {
        raw.flatMap(RegistryState.init(rawValue:))
    }

    static func model(_ wire: RegistryAPI.RegisteredModel) -> CatalogModel.RegisteredModel? {
        guard let id = wire.id.flatMap(usableID), let name = wire.name, !name.isEmpty else { return nil }
        return CatalogModel.RegisteredModel(
            id: id, name: name, description: wire.description, owner: wire.owner, state: state(wire.state?.rawValue),
            customProperties: properties(wire.customProperties), lastUpdateTimeSinceEpoch: wire.lastUpdateTimeSinceEpoch
        )
    }

    static func version(_ wire: RegistryAPI.ModelVersion) -> CatalogModel.ModelVersion? {
        guard let id = wire.id.flatMap(usableID), let name = wire.name, !name.isEmpty else { return nil }
        return CatalogModel.ModelVersion(
            id: id, name: name, registeredModelId: wire.registeredModelId, description: wire.description,
            author: wire.author, state: state(wire.state?.rawValue),
            customProperties: properties(wire.customProperties),
            lastUpdateTimeSinceEpoch: wire.lastUpdateTimeSinceEpoch)
    }

    static func artifact(_ wire: RegistryAPI.ModelArtifact) -> CatalogModel.ModelArtifact {
        CatalogModel.ModelArtifact(
            id: wire.id, name: wire.name, description: wire.description, uri: wire.uri,
            modelFormatName: wire.modelFormatName, modelSourceClass: wire.modelSourceClass,
            modelSourceGroup: wire.modelSourceGroup, modelSourceName: wire.modelSourceName,
            state: state(wire.state?.rawValue), customProperties: properties(wire.customProperties))
    }

    static func inferenceService(_ wire: RegistryAPI.InferenceService) -> RegistryInferenceService? {
        guard let id = wire.id, !id.isEmpty, let name = wire.name, !name.isEmpty else { return nil }
        return RegistryInferenceService(
            id: id, name: name, registeredModelId: wire.registeredModelId, modelVersionId: wire.modelVersionId,
            servingEnvironmentId: wire.servingEnvironmentId,
            desiredState: wire.desiredState.flatMap { DesiredState(rawValue: $0.rawValue) }, runtime: wire.runtime)
    }

    static func servingEnvironment(_ wire: RegistryAPI.ServingEnvironment) -> CatalogModel.ServingEnvironment? {
        guard let id = wire.id, !id.isEmpty, let name = wire.name, !name.isEmpty else { return nil }
        return CatalogModel.ServingEnvironment(id: id, name: name)
    }
}
