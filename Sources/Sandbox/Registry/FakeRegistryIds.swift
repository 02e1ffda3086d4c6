/// The identities a fake registry hands out and keeps unique across all of its tables: two
/// numeric id spaces, as in the real server's ML Metadata store (registered models, versions,
/// serving environments and inference services are contexts and share one; artifacts have
/// their own), and every external id in use by any entity.
///
/// ```swift
/// var ids = FakeRegistryIds()
/// ids.next(in: .context)    // "1"
/// ids.next(in: .artifact)   // "1"
/// ids.next(in: .context)    // "2"
/// ```
struct FakeRegistryIds: Sendable {
    /// Which counter a table takes its ids from.
    enum Space: Sendable {
        case context
        case artifact
    }

    private var lastContextId: Int64 = 0
    private var lastArtifactId: Int64 = 0
    /// Every non-empty external id in use, by any entity type.
    private var externalIds: Set<String> = []

    /// The next id of `space`, as the decimal string the API uses.
    mutating func next(in space: Space) -> String {
        switch space {
        case .context:
            lastContextId += 1
            return String(lastContextId)
        case .artifact:
            lastArtifactId += 1
            return String(lastArtifactId)
        }
    }

    /// 409 when `externalId` is already used by another entity (`current` is the entity's own).
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
}
