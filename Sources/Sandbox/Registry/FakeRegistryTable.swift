import RegistryAPI

/// One collection of a fake registry, with the rules every collection of the real `v1alpha3`
/// server shares: ids from an id space, unique names (in the table or within the parent),
/// timestamps set on create and bumped on update, 404 for an unknown id, 409 for a taken name,
/// and the `?name=&externalId=&parentResourceId=` finder.
///
/// Entities are kept by id and their ids in ascending numeric order, so reading in id order
/// or one page of it never sorts the whole collection. Ids and external ids, which span tables,
/// are handed out by ``FakeRegistryState/create(_:in:parent:stamp:)``; each collection's own
/// fields, defaults and checks stay with its store methods (`FakeRegistryStore+RegisteredModels.swift`, …):
///
/// ```swift
/// var models = FakeRegistryTable<RegisteredModel>(
///     noun: "registered model", schema: "RegisteredModel", idSpace: .context, names: .uniqueInTable)
/// let name = try models.required(body.name, "name")   // 422 when missing
/// try models.checkNameIsFree(name, in: nil)           // 409 when taken
/// let model = models.insert(body, id: "1", parent: nil, stamp: "1700000000000")
/// let found = try models.find(name: "mnist", externalId: nil, parentResourceId: nil) { _ in true }
/// ```
struct FakeRegistryTable<Entity: RegistryEntity>: Sendable {
    /// Where names must be unique.
    enum NameRule: Sendable {
        /// Across the whole table (registered models, serving environments).
        case uniqueInTable
        /// Among the children of one parent (versions of a model, services of an environment).
        case uniqueInParent
        /// Not indexed here: the collection checks names itself (artifacts move between versions).
        case checkedByCollection
    }

    /// The entity in messages: `registered model` ("registered model by id 7 not found").
    let noun: String
    /// The OpenAPI schema name in 422 messages: `RegisteredModel`.
    let schema: String
    /// The counter new ids come from.
    let idSpace: FakeRegistryIds.Space
    let names: NameRule
    /// The parent in 409 messages: `registered model` ("… already exists in registered model 1").
    let parentNoun: String?

    private(set) var byId: [String: Entity] = [:]
    /// Every id, ascending by number (the order of `ORDER BY ID`).
    private(set) var ids: [Int64] = []
    /// Taken names by parent id; the key is "" for names unique in the table. Names never change after creation,
    /// and neither do parents.
    private var namesByParent: [String: Set<String>] = [:]
    /// Parent id → ids of its children, in creation (= id) order.
    private var idsByParent: [String: [String]] = [:]

    init(noun: String, schema: String, idSpace: FakeRegistryIds.Space, names: NameRule, parentNoun: String? = nil) {
        self.noun = noun
        self.schema = schema
        self.idSpace = idSpace
        self.names = names
        self.parentNoun = parentNoun
    }

    /// How many entities the table holds.
    var count: Int { byId.count }

    /// Every entity, in no particular order (for scans that do not care).
    var values: Dictionary<String, Entity>.Values { byId.values }

    /// Every entity, ascending by id.
    var ordered: [Entity] { ids.compactMap { byId[String($0)] } }

    /// One entity, or nil.
    subscript(id: String) -> Entity? { byId[id] }

    /// The entity at position `index` of the id order.
    func entity(at index: Int) -> Entity? {
        byId[String(ids[index])]
    }

    /// One entity, or 404.
    func existing(_ id: String) throws(FakeRegistryError) -> Entity {
        guard let entity = byId[id] else { throw .notFound("\(noun) by id \(id) not found") }
        return entity
    }

    /// The children of `parent` (created with `parent:`), in id order.
    func children(of parent: String) -> [Entity] {
        (idsByParent[parent] ?? []).compactMap { byId[$0] }
    }

    // MARK: Writes

    /// A required property of a create body, or 422.
    func required(_ value: String?, _ property: String) throws(FakeRegistryError) -> String {
        guard let value, !value.isEmpty else {
            throw .missingField("missing required property '\(property)' in \(schema)")
        }
        return value
    }

    /// 409 when `name` is taken in the table, or within `parent`.
    func checkNameIsFree(_ name: String, in parent: String?) throws(FakeRegistryError) {
        if namesByParent[nameScope(parent)]?.contains(name) == true {
            throw conflict(name: name, in: parent)
        }
    }

    /// The 409 for a taken name: "model version with name v1 already exists in registered model 1".
    func conflict(name: String, in parent: String?) -> FakeRegistryError {
        let place = parent.map { " in \(parentNoun ?? "parent") \($0)" } ?? ""
        return .conflict("\(noun) with name \(name) already exists\(place)")
    }

    /// Stores a new entity under `id` (from ``idSpace``): empty custom properties when none were given, both
    /// timestamps `stamp`, and the name and parent indexes. The collection's checks come first.
    mutating func insert(_ body: Entity, id: String, parent: String?, stamp: String) -> Entity {
        var entity = body
        entity.id = id
        entity.customProperties = body.customProperties ?? [:]
        entity.createTimeSinceEpoch = stamp
        entity.lastUpdateTimeSinceEpoch = stamp
        insert(entity)
        if names != .checkedByCollection, let name = entity.name {
            namesByParent[nameScope(parent), default: []].insert(name)
        }
        if let parent { idsByParent[parent, default: []].append(id) }
        return entity
    }

    /// The PATCH every collection shares, on an entity read with ``existing(_:)``: the fields present in `patch`
    /// replace the stored ones (description, externalId and custom properties here, the collection's own in
    /// `merge`), and `lastUpdateTimeSinceEpoch` becomes `stamp`.
    mutating func replace(_ stored: Entity, with patch: Entity, stamp: String, merge: (inout Entity) -> Void)
        -> Entity
    {
        var entity = stored
        entity.description = patch.description ?? entity.description
        entity.externalId = patch.externalId ?? entity.externalId
        entity.customProperties = patch.customProperties ?? entity.customProperties
        merge(&entity)
        entity.lastUpdateTimeSinceEpoch = stamp
        if let id = entity.id, byId[id] != nil { byId[id] = entity }
        return entity
    }

    // MARK: Finder

    /// `GET /registered_model?name=&externalId=&parentResourceId=` and its kin: `name` or `externalId` is
    /// required (400); a match must pass `including`, and with a parent only counts when `inParent`; none or
    /// several matches answer 404.
    func find(
        name: String?, externalId: String?, parentResourceId: String?, including: (Entity) -> Bool = { _ in true },
        inParent: (Entity) -> Bool
    ) throws(FakeRegistryError) -> Entity {
        let name = name?.isEmpty == true ? nil : name
        let externalId = externalId?.isEmpty == true ? nil : externalId
        guard name != nil || externalId != nil else {
            throw .badRequest("invalid parameters: need name or externalId")
        }
        let matches = byId.values.filter { entity in
            guard including(entity) else { return false }
            if let externalId, entity.externalId != externalId { return false }
            if let name, entity.name != name { return false }
            if parentResourceId != nil, !(parentResourceId?.isEmpty ?? true), !inParent(entity) { return false }
            return true
        }
        guard matches.count == 1 else {
            throw .notFound(
                "no \(noun)s found for name=\(name ?? ""), parentResourceId=\(parentResourceId ?? ""), "
                    + "externalId=\(externalId ?? ""): not found"
            )
        }
        return matches[0]
    }

    // MARK: Internals

    private func nameScope(_ parent: String?) -> String {
        names == .uniqueInParent ? parent ?? "" : ""
    }

    /// Adds an entity with a new numeric id, keeping the id order.
    private mutating func insert(_ entity: Entity) {
        guard let key = entity.id, let number = Int64(key), byId[key] == nil else { return }
        byId[key] = entity
        if let last = ids.last, last > number {
            // Not the store's own increasing ids: keep the order anyway.
            ids.insert(number, at: ids.partitioningIndex { $0 > number })
        } else {
            ids.append(number)
        }
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
