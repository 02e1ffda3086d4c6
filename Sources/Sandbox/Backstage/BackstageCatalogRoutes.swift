import Foundation
import Hummingbird

/// The slice of Backstage's catalog REST API the bridge and the sandbox's users touch:
///
/// | route | answer |
/// |---|---|
/// | `POST /api/catalog/locations` | `{type, target}` → 201 `{location, entities: []}`; 409 when registered already |
/// | `GET /api/catalog/locations` | `[{data: location}]` |
/// | `GET /api/catalog/locations/{id}` | the location, or 404 `NotFoundError` |
/// | `DELETE /api/catalog/locations/{id}` | 204, or 404 |
/// | `GET /api/catalog/entities` | the emulated entities as a JSON array |
///
/// ```swift
/// BackstageCatalogRoutes(provider: provider, locations: locations).register(on: router)
/// ```
public struct BackstageCatalogRoutes: Sendable {
    public let provider: ModelCatalogEntityProvider
    public let locations: BackstageLocationStore

    public init(provider: ModelCatalogEntityProvider, locations: BackstageLocationStore) {
        self.provider = provider
        self.locations = locations
    }

    /// Adds the routes to `router`.
    public func register(on router: Router<BasicRequestContext>) {
        let locations = self.locations
        let provider = self.provider
        router.post("/api/catalog/locations") { request, _ in
            struct NewLocation: Decodable {
                var type: String?
                var target: String?
            }
            guard let body = try? await SandboxResponses.decode(NewLocation.self, from: request),
                let type = body.type, !type.isEmpty, let target = body.target, !target.isEmpty
            else {
                return SandboxResponses.backstageError(
                    "InputError", "the body must be JSON {type, target}", status: .badRequest)
            }
            do {
                let location = try locations.add(type: type, target: target)
                struct Created: Encodable {
                    var location: BackstageLocationStore.Location
                    var entities: [BackstageEntity]
                }
                return SandboxResponses.json(Created(location: location, entities: []), status: .created)
            } catch {
                return SandboxResponses.backstageError("ConflictError", "\(error)", status: .conflict)
            }
        }
        router.get("/api/catalog/locations") { _, _ in
            struct Wrapped: Encodable { var data: BackstageLocationStore.Location }
            return SandboxResponses.json(locations.all.map(Wrapped.init))
        }
        router.get("/api/catalog/locations/:id") { _, context in
            let id = context.parameters.get("id") ?? ""
            guard let location = locations.location(id: id) else {
                return SandboxResponses.backstageError(
                    "NotFoundError", "Found no location with ID \(id)", status: .notFound)
            }
            return SandboxResponses.json(location)
        }
        router.delete("/api/catalog/locations/:id") { _, context in
            let id = context.parameters.get("id") ?? ""
            guard locations.remove(id: id) else {
                return SandboxResponses.backstageError(
                    "NotFoundError", "Found no location with ID \(id)", status: .notFound)
            }
            return SandboxResponses.empty(.noContent)
        }
        router.get("/api/catalog/entities") { _, _ in
            SandboxResponses.json(await provider.entities)
        }
    }
}
