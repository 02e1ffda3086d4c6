import CatalogModel
import KubeAPI

/// The registry object a document was rendered from.
struct DocumentOrigin: Sendable, Hashable {
    var registry: String
    var modelID: String
    var versionID: String
}

/// The documents that should exist, and the registry object each registry document comes from.
struct RenderedDocuments: Sendable {
    var documents: [ImportKey: NormalizedDocument] = [:]
    /// Keys are opaque, so a document's identity is carried here rather than recovered from its key.
    var origins: [ImportKey: DocumentOrigin] = [:]
    /// The registries whose earlier documents were kept unchanged because objects behind them
    /// could not be read.
    var held: [Held] = []

    struct Held: Sendable, Hashable {
        var registry: String
        var documents: Int
        /// An unreadable object had no readable id, so no document of the registry is deleted.
        var deletionsHeld: Bool
    }
}

/// Snapshot + KServe objects → desired documents. Pure: it reads nothing and keeps nothing; the
/// previous render is an input, for the documents it holds back.
struct DocumentRenderer: Sendable {
    var settings: NormalizerSettings
    var format: NormalizerFormat

    /// Every document that should exist now.
    ///
    /// A KServe service that is not ready any more keeps what was published (upstream did too)
    /// rather than vanish; so does every document ``heldOrigins(of:rendered:previous:)`` holds.
    func render(
        readings: RegistryReadings, services: [KServeInferenceService], view: ClusterView,
        previous: RenderedDocuments
    ) -> RenderedDocuments {
        var next = RenderedDocuments()
        let registryNormalizer = RegistryNormalizer(settings: settings)
        // Only the YAML format serves the legacy YAML, and rendering it dominated a resync.
        let yaml = format == .catalogInfoYaml
        for snapshot in readings.snapshots {
            for (model, version) in snapshot.liveVersions {
                let document = registryNormalizer.normalize(
                    snapshot.input(model: model, version: version), cluster: view, includingLegacyYAML: yaml)
                next.documents[document.key] = document
                next.origins[document.key] = DocumentOrigin(
                    registry: snapshot.registry, modelID: model.id, versionID: version.id)
            }
            let held = Self.heldOrigins(of: snapshot, rendered: next.documents, previous: previous.origins)
            for (key, origin) in held {
                guard let document = previous.documents[key] else { continue }
                next.documents[key] = document
                next.origins[key] = origin
            }
            if !held.isEmpty {
                next.held.append(
                    RenderedDocuments.Held(
                        registry: snapshot.registry, documents: held.count,
                        deletionsHeld: snapshot.undecodable.unidentified > 0))
            }
        }
        let kserve = KServeNormalizer(settings: settings)
        for service in services {
            if readings.registriesKnown, KServeNormalizer.isRegistryManaged(service) { continue }
            let key = ImportKey.kserve(namespace: service.namespace, name: service.name)
            if KServeReadiness.isReady(service) {
                next.documents[key] = kserve.normalize(service, cluster: view, includingLegacyYAML: yaml)
            } else if let document = previous.documents[key] {
                next.documents[key] = document
            }
        }
        return next
    }

    /// The earlier documents of `snapshot`'s registry to keep as they are this cycle, because
    /// objects behind them could not be read.
    ///
    /// An undecodable model or version with a readable id keeps exactly its own documents: not
    /// re-rendered from partial data, not deleted. One without a readable id could be behind
    /// any document of the registry, so every earlier document that would otherwise disappear
    /// is kept: additions and changes still go out, deletions from that registry wait until it
    /// reads cleanly. This lasts only while it is unreadable, so it cannot hold archives for good.
    static func heldOrigins(
        of snapshot: RegistrySnapshot, rendered: [ImportKey: NormalizedDocument], previous: [ImportKey: DocumentOrigin]
    ) -> [ImportKey: DocumentOrigin] {
        let unreadable = snapshot.undecodable
        guard !unreadable.isEmpty else { return [:] }
        var held: [ImportKey: DocumentOrigin] = [:]
        for (key, origin) in previous where origin.registry == snapshot.registry {
            if unreadable.modelIDs.contains(origin.modelID) || unreadable.versionIDs.contains(origin.versionID) {
                held[key] = origin
            } else if unreadable.unidentified > 0, rendered[key] == nil {
                held[key] = origin
            }
        }
        return held
    }
}
