import RegistryAPI

/// One collection of a fake registry: entities by id, plus their ids in ascending numeric
/// order, so reading in id order or one page of it never sorts the whole collection.
///
/// The store assigns increasing ids, so an insert normally appends:
///
/// ```swift
/// var models = FakeRegistryTable<RegisteredModel>()
/// models.insert(RegisteredModel(id: "1", name: "mnist"))
/// models["1"]?.owner = "team-a"
/// let inOrder = models.ordered   // [mnist]
/// ```
struct FakeRegistryTable<Entity: RegistryEntity>: Sendable {
    private(set) var byId: [String: Entity] = [:]
    /// Every id, ascending by number (the order of `ORDER BY ID`).
    private(set) var ids: [Int64] = []

    /// How many entities the table holds.
    var count: Int { byId.count }

    /// Every entity, in no particular order (for scans that do not care).
    var values: Dictionary<String, Entity>.Values { byId.values }

    /// Every entity, ascending by id.
    var ordered: [Entity] { ids.compactMap { byId[String($0)] } }

    /// Reads or replaces an existing entity; entities are added only with ``insert(_:)``, so
    /// the id order stays complete.
    subscript(id: String) -> Entity? {
        get { byId[id] }
        set {
            guard let newValue, byId[id] != nil else { return }
            byId[id] = newValue
        }
    }

    /// Adds an entity with a new numeric id.
    mutating func insert(_ entity: Entity) {
        guard let key = entity.id, let number = Int64(key), byId[key] == nil else { return }
        byId[key] = entity
        if let last = ids.last, last > number {
            // Not the store's own increasing ids: keep the order anyway.
            ids.insert(number, at: ids.partitioningIndex { $0 > number })
        } else {
            ids.append(number)
        }
    }

    /// The entity at position `index` of the id order.
    func entity(at index: Int) -> Entity? {
        byId[String(ids[index])]
    }
}

extension Array where Element == Int64 {
    /// The first index whose element satisfies `isAfter`, for an `isAfter` that is false for a
    /// prefix of the (sorted) array and true for the rest: a binary search.
    func partitioningIndex(where isAfter: (Int64) -> Bool) -> Int {
        var low = startIndex
        var high = endIndex
        while low < high {
            let middle = low + (high - low) / 2
            if isAfter(self[middle]) {
                high = middle
            } else {
                low = middle + 1
            }
        }
        return low
    }
}
