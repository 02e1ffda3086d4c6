import CatalogModel
import Foundation

/// Where storage-rest keeps documents: one ``StorageBody`` per key. Implementations must make
/// each call atomic for its key and report failure rather than partial success.
public protocol CatalogStore: Sendable {
    /// Every stored key.
    func keys() async throws -> [String]
    /// The entry for `key`, or `nil`.
    func fetch(key: String) async throws -> StorageBody?
    /// Writes the entry for `key`; returns whether it was new.
    @discardableResult func upsert(key: String, body: StorageBody) async throws -> Bool
    /// Removes the entry; returns whether it existed. Removing a missing key is not an error.
    @discardableResult func remove(key: String) async throws -> Bool
}

/// A store in memory, for tests, the sandbox and `modelbridge all --store memory`.
public actor MemoryCatalogStore: CatalogStore {
    private var entries: [String: StorageBody]

    public init(entries: [String: StorageBody] = [:]) {
        self.entries = entries
    }

    public func keys() async throws -> [String] { entries.keys.sorted() }

    public func fetch(key: String) async throws -> StorageBody? { entries[key] }

    @discardableResult
    public func upsert(key: String, body: StorageBody) async throws -> Bool {
        entries.updateValue(body, forKey: key) == nil
    }

    @discardableResult
    public func remove(key: String) async throws -> Bool {
        entries.removeValue(forKey: key) != nil
    }
}
