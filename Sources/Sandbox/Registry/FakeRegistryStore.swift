import Foundation
import RegistryAPI
import Synchronization

/// The data of a fake Model Registry, with the write semantics of the real `v1alpha3` server:
/// server-assigned numeric string ids (registered models, versions, serving environments and
/// inference services share one id space, artifacts have their own), timestamps in
/// milliseconds as strings bumped on every write, unique names, finders that answer 404, and no
/// deletion (entities are archived).
///
/// The rules every collection shares are in ``FakeRegistryTable``; each collection's own fields,
/// defaults and checks are in a file of its own (`FakeRegistryStore+RegisteredModels.swift`, …).
///
/// Tests seed it directly, without HTTP:
///
/// ```swift
/// let store = FakeRegistryStore()
/// let model = try store.createRegisteredModel(RegisteredModel(name: "mnist", owner: "team-a"))
/// let version = try store.createModelVersion(ModelVersion(name: "v1", registeredModelId: model.id))
/// _ = try store.upsertVersionArtifact(versionId: version.id!, ModelArtifact(name: "mnist", uri: "s3://b/m"))
/// _ = try store.updateRegisteredModel(id: model.id!, RegisteredModel(state: .archived))
/// ```
public final class FakeRegistryStore: Sendable {
    private let state = Mutex(FakeRegistryState())
    private let clock: @Sendable () -> Int64

    /// - Parameter clock: milliseconds since the epoch; timestamps never go backwards and two
    ///   writes never share one (the store bumps by 1 ms when the clock has not moved).
    public init(clock: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970 * 1000) }) {
        self.clock = clock
    }

    // MARK: Reads every collection shares

    /// Every entity of a table, in id order.
    func all<E>(_ table: KeyPath<FakeRegistryState, FakeRegistryTable<E>>) -> [E] {
        state.withLock { $0[keyPath: table].ordered }
    }

    /// One entity, or 404.
    func one<E>(_ table: KeyPath<FakeRegistryState, FakeRegistryTable<E>>, id: String) throws(FakeRegistryError) -> E {
        try read { state throws(FakeRegistryError) in try state[keyPath: table].existing(id) }
    }

    /// The children of `parentId` in id order, or 404 when the parent does not exist.
    func children<E, Parent>(
        _ table: KeyPath<FakeRegistryState, FakeRegistryTable<E>>, of parentId: String,
        in parents: KeyPath<FakeRegistryState, FakeRegistryTable<Parent>>
    ) throws(FakeRegistryError) -> [E] {
        try read { state throws(FakeRegistryError) in
            _ = try state[keyPath: parents].existing(parentId)
            return state[keyPath: table].children(of: parentId)
        }
    }

    /// A finder (`GET /registered_model?name=&externalId=&parentResourceId=` and its kin); see
    /// ``FakeRegistryTable/find(name:externalId:parentResourceId:including:inParent:)``.
    func find<E>(
        _ table: KeyPath<FakeRegistryState, FakeRegistryTable<E>>, name: String?, externalId: String?,
        parentResourceId: String?, inParent: (E) -> Bool = { _ in true }
    ) throws(FakeRegistryError) -> E {
        try read { state throws(FakeRegistryError) in
            try state[keyPath: table].find(
                name: name, externalId: externalId, parentResourceId: parentResourceId, inParent: inParent)
        }
    }

    /// A PATCH: 404 for an unknown id, then the collection's `validate` (given the stored entity), then
    /// ``FakeRegistryState/update(_:in:with:stamp:merge:)`` with the collection's `merge` of its own fields.
    func update<E>(
        _ table: WritableKeyPath<FakeRegistryState, FakeRegistryTable<E>>, id: String, with patch: E,
        merge: (inout E) -> Void = { _ in },
        validate: (FakeRegistryState, E) throws(FakeRegistryError) -> Void = { _, _ in }
    ) throws(FakeRegistryError) -> E {
        try write { state, stamp throws(FakeRegistryError) in
            let stored = try state[keyPath: table].existing(id)
            try validate(state, stored)
            return try state.update(stored, in: table, with: patch, stamp: stamp, merge: merge)
        }
    }

    // MARK: Paged lists

    /// One page of a global list, chosen under the lock from the table's id order (no copy or
    /// sort of the whole collection for the `orderBy=ID` pages every full read uses).
    func page<E: RegistryEntity>(
        _ table: KeyPath<FakeRegistryState, FakeRegistryTable<E>>, _ listing: FakeRegistryListRequest,
        including: (E) -> Bool = { _ in true }
    ) -> ListPage<E> {
        state.withLock { listing.page(of: $0[keyPath: table], including: including) }
    }

    // MARK: Internals

    /// Runs one read under the lock.
    func read<T>(_ body: (FakeRegistryState) throws(FakeRegistryError) -> T) throws(FakeRegistryError) -> T {
        try state.withLock { state throws(FakeRegistryError) in try body(state) }
    }

    /// Runs one write under the lock. Every write validates before it mutates, so a write that
    /// throws changes nothing (not even the id counters or the clock).
    func write<T>(_ body: (inout FakeRegistryState, String) throws(FakeRegistryError) -> T)
        throws(FakeRegistryError) -> T
    {
        let now = clock()
        let result: Result<T, FakeRegistryError> = state.withLock { state in
            let stamp = max(now, state.lastStamp + 1)
            do throws(FakeRegistryError) {
                let value = try body(&state, String(stamp))
                state.lastStamp = stamp
                return .success(value)
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }
}

/// Everything the store holds: one table per collection, with the indexes that keep every
/// request proportional to its answer rather than to the store (uniqueness checks, children of
/// a parent, id order). Writes validate first and mutate last.
struct FakeRegistryState: Sendable {
    var lastStamp: Int64 = 0
    var ids = FakeRegistryIds()
    var registeredModels = FakeRegistryTable<RegisteredModel>(
        noun: "registered model", schema: "RegisteredModel", idSpace: .context, names: .uniqueInTable)
    var modelVersions = FakeRegistryTable<ModelVersion>(
        noun: "model version", schema: "ModelVersion", idSpace: .context, names: .uniqueInParent,
        parentNoun: "registered model")
    var artifacts = FakeRegistryTable<ModelArtifact>(
        noun: "artifact", schema: "ModelArtifact", idSpace: .artifact, names: .checkedByCollection,
        parentNoun: "model version")
    /// Which version each artifact is linked to.
    var artifactLinks = FakeRegistryArtifactLinks()
    var servingEnvironments = FakeRegistryTable<ServingEnvironment>(
        noun: "serving environment", schema: "ServingEnvironment", idSpace: .context, names: .uniqueInTable)
    var inferenceServices = FakeRegistryTable<InferenceService>(
        noun: "inference service", schema: "InferenceService", idSpace: .context, names: .uniqueInParent,
        parentNoun: "environment")

    /// The end of every create, once the collection's own checks passed: 409 when the external id is taken by
    /// any entity, then a new id from the table's id space, then ``FakeRegistryTable/insert(_:id:parent:stamp:)``.
    mutating func create<E>(
        _ body: E, in table: WritableKeyPath<Self, FakeRegistryTable<E>>, parent: String?, stamp: String
    ) throws(FakeRegistryError) -> E {
        try ids.checkExternalId(body.externalId)
        let id = ids.next(in: self[keyPath: table].idSpace)
        let entity = self[keyPath: table].insert(body, id: id, parent: parent, stamp: stamp)
        ids.useExternalId(entity.externalId)
        return entity
    }

    /// The end of every PATCH: 409 when the new external id is taken by another entity, then
    /// ``FakeRegistryTable/replace(_:with:stamp:merge:)``.
    mutating func update<E>(
        _ stored: E, in table: WritableKeyPath<Self, FakeRegistryTable<E>>, with patch: E, stamp: String,
        merge: (inout E) -> Void
    ) throws(FakeRegistryError) -> E {
        try ids.checkExternalId(patch.externalId, except: stored.externalId)
        ids.replaceExternalId(stored.externalId, with: patch.externalId)
        return self[keyPath: table].replace(stored, with: patch, stamp: stamp, merge: merge)
    }
}
