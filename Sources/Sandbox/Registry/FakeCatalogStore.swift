import Foundation
import RegistryAPI
import Synchronization

/// The data of a fake model catalog: sources, and per source the models (with readme, the
/// "model card") and their artifacts.
///
/// ```swift
/// let catalog = FakeCatalogStore()
/// catalog.addSource(CatalogSource(id: "redhat_ai_models", name: "Red Hat AI models"))
/// try catalog.putModel(CatalogModelEntry(name: "rhelai1/granite-8b", readme: "# Granite"), source: "redhat_ai_models")
/// ```
public final class FakeCatalogStore: Sendable {
    private struct State: Sendable {
        var sources: [CatalogSource] = []
        var models: [String: [String: CatalogModelEntry]] = [:]
        var artifacts: [String: [String: [CatalogModelArtifact]]] = [:]
        var lastStamp: Int64 = 0
    }

    private let state = Mutex(State())

    public init() {}

    /// Adds (or replaces, by id) a source.
    public func addSource(_ source: CatalogSource) {
        state.withLock { state in
            state.sources.removeAll { $0.id == source.id }
            state.sources.append(source)
        }
    }

    /// Every source, in insertion order.
    public func sources() -> [CatalogSource] {
        state.withLock { $0.sources }
    }

    /// Adds or replaces a model (by name) in a source, stamping its times. The source must exist.
    @discardableResult
    public func putModel(_ model: CatalogModelEntry, source: String, artifacts: [CatalogModelArtifact] = [])
        throws(FakeRegistryError) -> CatalogModelEntry
    {
        guard let name = model.name, !name.isEmpty else {
            throw .missingField("a catalog model needs a name")
        }
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        return try state.withLock { state throws(FakeRegistryError) in
            guard state.sources.contains(where: { $0.id == source }) else {
                throw .notFound("Unknown source: \(source)")
            }
            let stamp = String(max(now, state.lastStamp + 1))
            state.lastStamp = Int64(stamp)!
            var stored = model
            stored.sourceId = source
            stored.createTimeSinceEpoch = state.models[source]?[name]?.createTimeSinceEpoch ?? stamp
            stored.lastUpdateTimeSinceEpoch = stamp
            state.models[source, default: [:]][name] = stored
            state.artifacts[source, default: [:]][name] = artifacts
            return stored
        }
    }

    /// The models of a source in name order, or 404 `Unknown source`.
    public func models(source: String) throws(FakeRegistryError) -> [CatalogModelEntry] {
        try state.withLock { state throws(FakeRegistryError) in
            guard state.sources.contains(where: { $0.id == source }) else {
                throw .notFound("Unknown source: \(source)")
            }
            return (state.models[source] ?? [:]).values.sorted { ($0.name ?? "") < ($1.name ?? "") }
        }
    }

    /// One model, or 404.
    public func model(source: String, name: String) throws(FakeRegistryError) -> CatalogModelEntry {
        guard let model = state.withLock({ $0.models[source]?[name] }) else {
            throw .notFound("no model found '\(name)' in source '\(source)'")
        }
        return model
    }

    /// The artifacts of one model, or 404 when the model is unknown.
    public func artifacts(source: String, name: String) throws(FakeRegistryError) -> [CatalogModelArtifact] {
        _ = try model(source: source, name: name)
        return state.withLock { $0.artifacts[source]?[name] ?? [] }
    }
}
