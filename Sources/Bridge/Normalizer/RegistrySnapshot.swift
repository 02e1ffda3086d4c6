import CatalogModel
import Foundation
import RegistryAPI

/// What the bridge knows about one model card.
public enum CardState: Sendable, Hashable {
    /// The catalog returned this markdown.
    case fetched(markdown: String, at: Date)
    /// The catalog answered, but has no such model or its readme is empty.
    case empty(at: Date)
    /// No catalog was discovered for this registry.
    case noCatalog
    /// The catalog could not be read; `lastGood` is the card fetched before, still served.
    case failed(reason: String, at: Date, lastGood: String?)

    /// The markdown to publish, if any.
    public var markdown: String? {
        switch self {
        case .fetched(let markdown, _): return markdown.isEmpty ? nil : markdown
        case .failed(_, _, let lastGood): return lastGood
        case .empty, .noCatalog: return nil
        }
    }
}

/// Registry objects that exist but could not be used in one read (they did not decode, or have
/// no id or name). Their models are "unknown this cycle": the normalizer keeps what it published
/// for them, neither re-rendered nor deleted, until they read cleanly again.
public struct UndecodableObjects: Sendable, Hashable {
    /// Registered models with a readable id.
    public var modelIDs: Set<String> = []
    /// Model versions with a readable id, and versions with an undecodable artifact.
    public var versionIDs: Set<String> = []
    /// Registered models and versions whose id cannot be read: which documents they feed is
    /// unknown, so the registry's deletions are held while there are any.
    public var unidentified = 0

    public init(modelIDs: Set<String> = [], versionIDs: Set<String> = [], unidentified: Int = 0) {
        self.modelIDs = modelIDs
        self.versionIDs = versionIDs
        self.unidentified = unidentified
    }

    /// Whether every object read cleanly.
    public var isEmpty: Bool { modelIDs.isEmpty && versionIDs.isEmpty && unidentified == 0 }
}

/// One complete read of a registry: everything the registry path of the normalizer needs.
/// A snapshot is only ever produced by a read that answered in full; objects on those pages
/// that could not be decoded are listed in ``undecodable`` (and described in ``skipped``).
public struct RegistrySnapshot: Sendable {
    /// The registry's key (`namespace:name` of its route, or the `MR_ROUTE` entry).
    public var registry: String
    public var baseURL: String
    public var catalogURL: String?
    public var models: [CatalogModel.RegisteredModel]
    public var versions: [CatalogModel.ModelVersion]
    public var artifactsByVersion: [String: [CatalogModel.ModelArtifact]]
    public var inferenceServices: [RegistryInferenceService]
    public var servingEnvironments: [String: CatalogModel.ServingEnvironment]
    public var cards: [CatalogModel.CatalogSource: CardState]
    /// The newest catalog model per source class when the cards were read.
    public var cardWatermarks: [String: CollectionWatermark] = [:]
    /// The probe taken just before the read; changes after it show up in the next probe.
    public var fingerprint: ChangeFingerprint?
    public var readAt: Date
    /// Objects that could not be used (undecodable, or no id or name), with why: log lines.
    public var skipped: [String]
    /// The ids of the objects in ``skipped`` whose documents must be kept as published.
    public var undecodable = UndecodableObjects()

    /// Live (registered model, version) pairs, in a stable order.
    public var liveVersions: [(model: CatalogModel.RegisteredModel, version: CatalogModel.ModelVersion)] {
        let modelsByID = Dictionary(models.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        return versions.compactMap { version -> (CatalogModel.RegisteredModel, CatalogModel.ModelVersion)? in
            guard let modelID = version.registeredModelId, let model = modelsByID[modelID],
                RegistryNormalizer.isLive(model: model, version: version)
            else { return nil }
            return (model, version)
        }.sorted { ($0.0.name, $0.1.name, $0.1.id) < ($1.0.name, $1.1.name, $1.1.id) }
    }

    /// The normalizer input of one live version.
    public func input(model: CatalogModel.RegisteredModel, version: CatalogModel.ModelVersion) -> RegistryVersionInput {
        let artifacts = artifactsByVersion[version.id] ?? []
        let source = artifacts.lazy.compactMap(\.catalogSource).first
        return RegistryVersionInput(
            registry: registry, model: model, version: version, artifacts: artifacts,
            inferenceServices: inferenceServices, servingEnvironments: servingEnvironments,
            modelCardMarkdown: source.flatMap { cards[$0]?.markdown })
    }
}

/// Reads a registry (and its catalog) into a ``RegistrySnapshot``, reusing what a previous
/// snapshot already holds when the probe says it cannot have changed: artifacts of versions
/// whose update time is unchanged (unless the artifact collection changed), and cards already
/// fetched (unless this is a full resync).
public struct RegistryReader: Sendable {
    public let client: RegistryClient
    public let catalog: CatalogClient?
    /// Artifact and card requests in flight at once.
    public let parallelism: Int
    /// Where model card fetches are counted (`modelbridge_model_card_fetches_total`).
    let metrics: BridgeMetrics?

    public init(client: RegistryClient, catalog: CatalogClient?, parallelism: Int = 8) {
        self.init(client: client, catalog: catalog, parallelism: parallelism, metrics: nil)
    }

    init(client: RegistryClient, catalog: CatalogClient?, parallelism: Int = 8, metrics: BridgeMetrics?) {
        self.client = client
        self.catalog = catalog
        self.parallelism = max(1, parallelism)
        self.metrics = metrics
    }

    /// Reads everything; throws when any list or artifact read fails (never a partial snapshot).
    public func read(previous: RegistrySnapshot?, fingerprint: ChangeFingerprint?, full: Bool, now: Date = Date())
        async throws -> RegistrySnapshot
    {
        async let wireModels = client.registeredModelList()
        async let wireVersions = client.modelVersionList()
        async let wireServices = client.inferenceServiceList()
        async let wireEnvironments = client.servingEnvironmentList()
        var skipped: [String] = []
        var undecodable = UndecodableObjects()
        // A model or version that exists but cannot be used, with a readable id, is held by
        // id; without one it holds the whole registry's deletions (see NormalizerController).
        func hold(
            _ collection: RegistryCollection, id rawID: String?, name: String?, parent: String? = nil, why: String
        ) {
            let id = rawID.flatMap(RegistryMapping.usableID)
            let kind = collection == .registeredModels ? "registered model" : "model version"
            switch (collection, id) {
            case (.registeredModels, let id?): undecodable.modelIDs.insert(id)
            case (_, let id?): undecodable.versionIDs.insert(id)
            case (_, nil): undecodable.unidentified += 1
            }
            var named = name.map { "name \"\(Self.clipped($0))\"" }.map { [$0] } ?? []
            if let parent { named.append("registered model \(Self.clipped(parent))") }
            let identity =
                id ?? rawID.map { "with an unusable id (\($0.count) characters)" } ?? "without a readable id"
            let consequence =
                id == nil
                ? "deletions from this registry are held while it is unreadable"
                : "its published documents stay as they are until it reads cleanly"
            let details = named.isEmpty ? "" : " (\(named.joined(separator: ", ")))"
            skipped.append("\(kind) \(identity)\(details) \(why); \(consequence)")
        }
        var modelList = try await wireModels
        let versionList = try await wireVersions
        // The two lists are read at the same time, so a model registered between the reads can show up as a
        // version whose model is missing. A model always exists before its versions: reading the models once more
        // closes that window, and what is still missing afterwards is a real orphan.
        let listedModelIDs = Set(modelList.items.compactMap(\.id) + modelList.undecodable.compactMap(\.id))
        if versionList.items.contains(where: { $0.registeredModelId.map { !listedModelIDs.contains($0) } ?? false }) {
            modelList = try await client.registeredModelList()
        }
        for item in modelList.undecodable {
            hold(
                .registeredModels, id: item.id, name: item.name, why: Self.undecodableText(item, in: .registeredModels)
            )
        }
        let models = modelList.items.compactMap { wire -> CatalogModel.RegisteredModel? in
            if let model = RegistryMapping.model(wire) { return model }
            hold(.registeredModels, id: wire.id, name: wire.name, why: "has no usable id or no name")
            return nil
        }
        for item in versionList.undecodable {
            hold(.modelVersions, id: item.id, name: item.name, why: Self.undecodableText(item, in: .modelVersions))
        }
        let versions = versionList.items.compactMap { wire -> CatalogModel.ModelVersion? in
            if let version = RegistryMapping.version(wire) { return version }
            hold(
                .modelVersions, id: wire.id, name: wire.name, parent: wire.registeredModelId,
                why: "has no usable id or no name")
            return nil
        }
        // Inference services and serving environments only add deployment details to a
        // document; one that cannot be read is left out (and logged), it cannot remove a model.
        let serviceList = try await wireServices
        for item in serviceList.undecodable {
            skipped.append(
                "inference service \(item.id ?? "without a readable id") \(Self.undecodableText(item, in: .inferenceServices)); left out"
            )
        }
        let services = serviceList.items.compactMap(RegistryMapping.inferenceService)
        let modelIDs = Set(models.map(\.id))
        for version in versions where version.registeredModelId.map({ !modelIDs.contains($0) }) ?? true {
            // The parent may be an undecodable model: that is already reported above.
            if let parent = version.registeredModelId, undecodable.modelIDs.contains(parent) { continue }
            skipped.append(
                "model version \(version.id) (\(Self.clipped(version.name))) whose registered model \(version.registeredModelId.map(Self.clipped) ?? "(none)") is not in the registry"
            )
        }
        var environments: [String: CatalogModel.ServingEnvironment] = [:]
        let environmentList = try await wireEnvironments
        for item in environmentList.undecodable {
            skipped.append(
                "serving environment \(item.id ?? "without a readable id") \(Self.undecodableText(item, in: .servingEnvironments)); left out"
            )
        }
        for environment in environmentList.items.compactMap(RegistryMapping.servingEnvironment) {
            environments[environment.id] = environment
        }

        var snapshot = RegistrySnapshot(
            registry: client.key, baseURL: client.baseURL, catalogURL: catalog?.baseURL, models: models,
            versions: versions, artifactsByVersion: [:], inferenceServices: services,
            servingEnvironments: environments, cards: [:], fingerprint: fingerprint, readAt: now, skipped: skipped,
            undecodable: undecodable)

        let artifactsChanged =
            full || previous == nil
            || fingerprint?.changedCollections(since: previous?.fingerprint).contains(.modelArtifacts) != false
        let previousVersions = Dictionary(
            (previous?.versions ?? []).map { ($0.id, $0.lastUpdateTimeSinceEpoch) }, uniquingKeysWith: { a, _ in a })
        var toFetch: [String] = []
        for (_, version) in snapshot.liveVersions {
            // A version whose artifacts did not all decode last time is always read again.
            if !artifactsChanged, let reused = previous?.artifactsByVersion[version.id],
                previousVersions[version.id] == version.lastUpdateTimeSinceEpoch,
                previous?.undecodable.versionIDs.contains(version.id) != true
            {
                snapshot.artifactsByVersion[version.id] = reused
            } else {
                toFetch.append(version.id)
            }
        }
        for (versionID, read) in try await fetchArtifacts(toFetch) {
            snapshot.artifactsByVersion[versionID] = read.items
            for item in read.undecodable {
                // The version is known from the request, so the version is what is held.
                snapshot.undecodable.versionIDs.insert(versionID)
                let collection = "/model_versions/\(versionID)/artifacts"
                snapshot.skipped.append(
                    "model artifact \(item.id ?? "without a readable id") of model version \(versionID) "
                        + "\(Self.undecodableText(item, path: collection)); "
                        + "the version's published documents stay as they are until it reads cleanly")
            }
        }

        var sources: Set<CatalogModel.CatalogSource> = []
        for (_, version) in snapshot.liveVersions {
            if let source = snapshot.artifactsByVersion[version.id]?.lazy.compactMap(\.catalogSource).first {
                sources.insert(source)
            }
        }
        snapshot.cardWatermarks = await cardWatermarks(for: Set(sources.map(\.sourceClass)))
        snapshot.cards = await fetchCards(sources, previous: previous?.cards ?? [:], refresh: full, now: now)
        return snapshot
    }

    /// One request per catalog source: the newest model there. A failure leaves that source out.
    public func cardWatermarks(for sourceClasses: Set<String>) async -> [String: CollectionWatermark] {
        await cardWatermarksAndFailures(for: sourceClasses).watermarks
    }

    func cardWatermarksAndFailures(for sourceClasses: Set<String>) async -> (
        watermarks: [String: CollectionWatermark], failures: [String: String]
    ) {
        guard let catalog else { return ([:], [:]) }
        var result: [String: CollectionWatermark] = [:]
        var failures: [String: String] = [:]
        for sourceClass in sourceClasses.sorted() {
            do {
                result[sourceClass] = try await catalog.watermark(sourceId: sourceClass)
            } catch {
                failures[sourceClass] = "\(error)"
            }
        }
        return (result, failures)
    }

    /// Re-reads the cards of the sources whose newest model changed since the snapshot (or whose
    /// last read failed); a source the catalog cannot answer for has its cards marked failed, the
    /// last good markdown still served. Returns `nil` when nothing can have changed. Costs one
    /// request per source, plus one per card of a changed source.
    public func refreshCards(of snapshot: RegistrySnapshot, now: Date = Date()) async -> RegistrySnapshot? {
        guard catalog != nil, !snapshot.cards.isEmpty else { return nil }
        let (current, failures) = await cardWatermarksAndFailures(for: Set(snapshot.cards.keys.map(\.sourceClass)))
        let previouslyFailed = Set(
            snapshot.cards.compactMap { source, state -> String? in
                if case .failed = state { return source.sourceClass }
                return nil
            })
        let changed = Set(
            current.filter { snapshot.cardWatermarks[$0.key] != $0.value || previouslyFailed.contains($0.key) }.keys)
        let newlyFailing = Set(failures.keys).subtracting(previouslyFailed)
        guard !changed.isEmpty || !newlyFailing.isEmpty else { return nil }
        var updated = snapshot
        for (source, state) in snapshot.cards where newlyFailing.contains(source.sourceClass) {
            updated.cards[source] = .failed(
                reason: failures[source.sourceClass] ?? "catalog unreachable", at: now, lastGood: state.markdown)
        }
        let stale = Set(snapshot.cards.keys.filter { changed.contains($0.sourceClass) })
        let fresh = await fetchCards(stale, previous: snapshot.cards, refresh: true, now: now)
        for (source, state) in fresh { updated.cards[source] = state }
        for source in changed { updated.cardWatermarks[source] = current[source] }
        return updated
    }

    /// At most 80 characters of a value for a log line (a damaged object may carry 256 KiB).
    static func clipped(_ text: String) -> String {
        text.count > 80 ? String(text.prefix(80)) + "…" : text
    }

    /// How an undecodable item is described in ``RegistrySnapshot/skipped``: the collection, its
    /// place and the decoder's reason.
    static func undecodableText(_ item: UndecodableItem, in collection: RegistryCollection) -> String {
        undecodableText(item, path: collection.path)
    }

    static func undecodableText(_ item: UndecodableItem, path: String) -> String {
        "in \(path) (item \(item.index) of page \(item.page)) could not be decoded: \(clipped(item.reason))"
    }

    func fetchArtifacts(_ versionIDs: [String]) async throws -> [String: DecodedList<CatalogModel.ModelArtifact>] {
        var result: [String: DecodedList<CatalogModel.ModelArtifact>] = [:]
        try await withThrowingTaskGroup(of: (String, DecodedList<CatalogModel.ModelArtifact>).self) { group in
            var iterator = versionIDs.makeIterator()
            func addNext() {
                guard let versionID = iterator.next() else { return }
                group.addTask {
                    let read = try await client.artifactList(ofVersion: versionID)
                    return (
                        versionID,
                        DecodedList(items: read.items.map(RegistryMapping.artifact), undecodable: read.undecodable)
                    )
                }
            }
            for _ in 0..<parallelism { addNext() }
            while let (versionID, artifacts) = try await group.next() {
                result[versionID] = artifacts
                addNext()
            }
        }
        return result
    }

    func fetchCards(
        _ sources: Set<CatalogModel.CatalogSource>, previous: [CatalogModel.CatalogSource: CardState], refresh: Bool,
        now: Date
    ) async -> [CatalogModel.CatalogSource: CardState] {
        guard let catalog else { return Dictionary(uniqueKeysWithValues: sources.map { ($0, CardState.noCatalog) }) }
        var result: [CatalogModel.CatalogSource: CardState] = [:]
        var toFetch: [CatalogModel.CatalogSource] = []
        for source in sources {
            if !refresh, let known = previous[source], case .fetched = known {
                result[source] = known
            } else {
                toFetch.append(source)
            }
        }
        await withTaskGroup(of: (CatalogModel.CatalogSource, CardState).self) { group in
            var iterator = toFetch.makeIterator()
            func addNext() {
                guard let source = iterator.next() else { return }
                group.addTask { [metrics] in
                    do {
                        let markdown = try await catalog.modelCard(
                            sourceClass: source.sourceClass, group: source.group, name: source.name)
                        if let markdown, !markdown.isEmpty {
                            metrics?.recordModelCardFetch(.ok)
                            return (source, .fetched(markdown: markdown, at: now))
                        }
                        metrics?.recordModelCardFetch(.notFound)
                        return (source, .empty(at: now))
                    } catch {
                        // A cancelled read (shutdown) is not a catalog failure.
                        if !(error is CancellationError) { metrics?.recordModelCardFetch(.error) }
                        return (source, .failed(reason: "\(error)", at: now, lastGood: previous[source]?.markdown))
                    }
                }
            }
            for _ in 0..<parallelism { addNext() }
            while let (source, state) = await group.next() {
                result[source] = state
                addNext()
            }
        }
        return result
    }
}
