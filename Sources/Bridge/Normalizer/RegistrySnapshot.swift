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

/// One complete read of a registry: everything the registry path of the normalizer needs.
/// A snapshot is only ever produced by a read that succeeded in full.
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
    /// Objects that could not be used (no id or name), with why.
    public var skipped: [String]

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

    public init(client: RegistryClient, catalog: CatalogClient?, parallelism: Int = 8) {
        self.client = client
        self.catalog = catalog
        self.parallelism = max(1, parallelism)
    }

    /// Reads everything; throws when any list or artifact read fails (never a partial snapshot).
    public func read(previous: RegistrySnapshot?, fingerprint: ChangeFingerprint?, full: Bool, now: Date = Date())
        async throws -> RegistrySnapshot
    {
        async let wireModels = client.registeredModels()
        async let wireVersions = client.modelVersions()
        async let wireServices = client.inferenceServices()
        async let wireEnvironments = client.servingEnvironments()
        var skipped: [String] = []
        let models = try await wireModels.compactMap { wire -> CatalogModel.RegisteredModel? in
            if let model = RegistryMapping.model(wire) { return model }
            skipped.append("registered model without id or name (id \(wire.id ?? "none"))")
            return nil
        }
        let versions = try await wireVersions.compactMap { wire -> CatalogModel.ModelVersion? in
            if let version = RegistryMapping.version(wire) { return version }
            skipped.append("model version without id or name (id \(wire.id ?? "none"))")
            return nil
        }
        let services = try await wireServices.compactMap(RegistryMapping.inferenceService)
        let modelIDs = Set(models.map(\.id))
        for version in versions where version.registeredModelId.map({ !modelIDs.contains($0) }) ?? true {
            skipped.append(
                "model version \(version.id) (\(version.name)) whose registered model \(version.registeredModelId ?? "(none)") is not in the registry"
            )
        }
        var environments: [String: CatalogModel.ServingEnvironment] = [:]
        for environment in try await wireEnvironments.compactMap(RegistryMapping.servingEnvironment) {
            environments[environment.id] = environment
        }

        var snapshot = RegistrySnapshot(
            registry: client.key, baseURL: client.baseURL, catalogURL: catalog?.baseURL, models: models,
            versions: versions, artifactsByVersion: [:], inferenceServices: services,
            servingEnvironments: environments, cards: [:], fingerprint: fingerprint, readAt: now, skipped: skipped)

        let artifactsChanged =
            full || previous == nil
            || fingerprint?.changedCollections(since: previous?.fingerprint).contains(.modelArtifacts) != false
        let previousVersions = Dictionary(
            (previous?.versions ?? []).map { ($0.id, $0.lastUpdateTimeSinceEpoch) }, uniquingKeysWith: { a, _ in a })
        var toFetch: [String] = []
        for (_, version) in snapshot.liveVersions {
            if !artifactsChanged, let reused = previous?.artifactsByVersion[version.id],
                previousVersions[version.id] == version.lastUpdateTimeSinceEpoch
            {
                snapshot.artifactsByVersion[version.id] = reused
            } else {
                toFetch.append(version.id)
            }
        }
        for (versionID, artifacts) in try await fetchArtifacts(toFetch) {
            snapshot.artifactsByVersion[versionID] = artifacts
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

    func fetchArtifacts(_ versionIDs: [String]) async throws -> [String: [CatalogModel.ModelArtifact]] {
        var result: [String: [CatalogModel.ModelArtifact]] = [:]
        try await withThrowingTaskGroup(of: (String, [CatalogModel.ModelArtifact]).self) { group in
            var iterator = versionIDs.makeIterator()
            func addNext() {
                guard let versionID = iterator.next() else { return }
                group.addTask {
                    (versionID, try await client.artifacts(ofVersion: versionID).map(RegistryMapping.artifact))
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
                group.addTask {
                    do {
                        let markdown = try await catalog.modelCard(
                            sourceClass: source.sourceClass, group: source.group, name: source.name)
                        if let markdown, !markdown.isEmpty { return (source, .fetched(markdown: markdown, at: now)) }
                        return (source, .empty(at: now))
                    } catch {
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
