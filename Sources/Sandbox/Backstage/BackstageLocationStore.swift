import Foundation
import Synchronization

/// The Backstage catalog's registered locations, for the bridge's optional push mode
/// (`PUSH_TO_RHDH=true`: storage-rest POSTs `/api/catalog/locations` with
/// `{type: "rhdh-rhoai-bridge", target: <bridge>/<m>/<v>/model-catalog.json}`).
///
/// ```swift
/// let store = BackstageLocationStore()
/// let location = try store.add(type: "url", target: "http://127.0.0.1:9090/m/v/model-catalog.json")
/// store.location(id: location.id)   // the same location
/// ```
public final class BackstageLocationStore: Sendable {
    /// A registered location, as `GET /api/catalog/locations/{id}` shows it.
    public struct Location: Sendable, Hashable, Codable {
        public var id: String
        public var type: String
        public var target: String

        public init(id: String, type: String, target: String) {
            self.id = id
            self.type = type
            self.target = target
        }
    }

    /// A location with this type and target is registered already (Backstage answers 409).
    public struct AlreadyExists: Error, Sendable, Hashable, CustomStringConvertible {
        public var type: String
        public var target: String
        public var description: String { "Location \(type):\(target) already exists" }
    }

    private let state = Mutex<[Location]>([])

    public init() {}

    /// Every location, in registration order.
    public var all: [Location] { state.withLock { $0 } }

    /// Registers a location with a new id.
    @discardableResult
    public func add(type: String, target: String) throws(AlreadyExists) -> Location {
        try state.withLock { locations throws(AlreadyExists) in
            if locations.contains(where: { $0.type == type && $0.target == target }) {
                throw AlreadyExists(type: type, target: target)
            }
            let location = Location(id: UUID().uuidString.lowercased(), type: type, target: target)
            locations.append(location)
            return location
        }
    }

    /// One location, or nil when unknown.
    public func location(id: String) -> Location? {
        state.withLock { $0.first { $0.id == id } }
    }

    /// Removes a location; returns whether it existed.
    @discardableResult
    public func remove(id: String) -> Bool {
        state.withLock { locations in
            guard let position = locations.firstIndex(where: { $0.id == id }) else { return false }
            locations.remove(at: position)
            return true
        }
    }
}
