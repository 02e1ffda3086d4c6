import CatalogModel
import Foundation
import Logging

/// What storage-rest does, independent of HTTP: store an upsert and pass it on to
/// `location`, and apply a key set. The HTTP responder and the in-process path of
/// `modelbridge all` both call it.
public struct StorageService: Sendable {
    public let store: any CatalogStore
    public let location: any LocationSink
    /// Push mode (`PUSH_TO_RHDH`); `nil` when off.
    public let backstage: BackstagePusher?
    let format: NormalizerFormat
    let logger: Logger

    public init(
        store: any CatalogStore, location: any LocationSink, backstage: BackstagePusher? = nil,
        format: NormalizerFormat = .jsonArray, logger: Logger
    ) {
        self.store = store
        self.location = location
        self.backstage = backstage
        self.format = format
        self.logger = logger
    }

    /// A refusal or failure, with the HTTP status it maps to.
    public struct Failure: Error, CustomStringConvertible {
        public var status: Int
        public var message: String
        public var description: String { message }
    }

    /// Stores the entry (keeping its Backstage location fields), then pushes it to `location`.
    /// Returns whether the key was new. A `location` failure is reported, not swallowed (B16);
    /// the entry stays stored so a restart or retry serves it.
    @discardableResult
    public func upsert(key: String, type: String, body: UpsertBody) async throws -> Bool {
        guard ImportKey(storedKey: key) != nil else {
            throw Failure(status: 400, message: LocationError.badKey(key).description)
        }
        guard type.isEmpty || ReconcilerType(rawValue: type) != nil else {
            throw Failure(status: 400, message: "query parameter 'type' must be kubeflow or kserve")
        }
        guard !body.body.isEmpty else { throw Failure(status: 400, message: "the document ('body') is empty") }
        // Refuse what location would refuse before anything is stored: a rejected request changes nothing.
        if format == .jsonArray, (try? ModelCatalog.decode(body.body)) == nil {
            throw Failure(status: 400, message: "'body' is not a model-catalog JSON document")
        }
        let existing: StorageBody?
        do {
            existing = try await store.fetch(key: key)
        } catch {
            throw Failure(status: 503, message: "cannot read the store: \(error)")
        }
        let entry = StorageBody(
            body: body.body, locationId: existing?.locationId ?? "", locationTarget: existing?.locationTarget ?? "",
            locationIDValid: existing?.locationIDValid ?? false, reconcilerType: type,
            lastUpdateTimeSinceEpoch: body.lastUpdateTimeSinceEpoch,
            modelCardKey: body.modelCardKey.isEmpty ? nil : body.modelCardKey,
            modelCard: body.modelCard.isEmpty ? nil : body.modelCard)
        if existing != entry {
            do {
                try await store.upsert(key: key, body: entry)
                logger.info("stored", metadata: ["key": "\(key)", "type": "\(type)", "new": "\(existing == nil)"])
            } catch {
                logger.error(
                    "store write failed; the normalizer will retry", metadata: ["key": "\(key)", "error": "\(error)"])
                throw Failure(status: 503, message: "cannot write the store: \(error)")
            }
        }
        do {
            try await location.upsert(key: key, body: body)
        } catch {
            logger.error("location refused the document; the normalizer will retry", metadata: ["error": "\(error)"])
            throw Failure(status: 502, message: "\(error)")
        }
        if let backstage, let importKey = ImportKey(storedKey: key) {
            let known: BackstagePusher.Location? =
                entry.locationId.isEmpty
                ? nil : BackstagePusher.Location(id: entry.locationId, target: entry.locationTarget)
            do {
                if let location = try await backstage.ensureLocation(
                    uri: importKey.uri(format: format), existing: known),
                    location != known
                {
                    var recorded = entry
                    recorded.locationId = location.id
                    recorded.locationTarget = location.target
                    recorded.locationIDValid = true
                    try await store.upsert(key: key, body: recorded)
                    logger.info(
                        "registered the document with Backstage",
                        metadata: ["key": "\(key)", "location": "\(location.id)"])
                }
            } catch {
                logger.error(
                    "Backstage push failed; the normalizer will retry",
                    metadata: ["key": "\(key)", "error": "\(error)"])
                throw error
            }
        }
        return existing == nil
    }

    /// The outcome of applying a key set.
    public struct KeySetOutcome: Sendable, Encodable {
        public var removed: [String]
        public var failed: [String]
    }

    /// Removes every stored key that is not in `wanted`: from `location` first and from the
    /// store last, so a failure leaves the key stored and the next key set removes it again.
    public func applyKeySet(_ wanted: Set<String>) async throws -> KeySetOutcome {
        for key in wanted where ImportKey(storedKey: key) == nil {
            throw Failure(status: 400, message: LocationError.badKey(key).description)
        }
        let stored: [String]
        do {
            stored = try await store.keys()
        } catch {
            throw Failure(status: 503, message: "cannot list the store; nothing was removed: \(error)")
        }
        var outcome = KeySetOutcome(removed: [], failed: [])
        for key in stored where !wanted.contains(key) {
            do {
                try await location.remove(key: key)
                if let backstage, let id = try await store.fetch(key: key)?.locationId, !id.isEmpty {
                    try await backstage.deleteLocation(id: id)
                }
                try await store.remove(key: key)
                outcome.removed.append(key)
            } catch {
                outcome.failed.append("\(key): \(error)")
            }
        }
        if !outcome.removed.isEmpty {
            logger.info("removed keys not in the key set", metadata: ["keys": "\(outcome.removed)"])
        }
        if !outcome.failed.isEmpty {
            logger.error(
                "some removals failed; they will be retried with the next key set",
                metadata: ["failures": "\(outcome.failed)"])
        }
        return outcome
    }
}
