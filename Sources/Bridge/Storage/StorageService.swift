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
    ///
    /// The upsert is already checked (``CatalogUpsert``): at the HTTP edge, or rendered in this
    /// process; so location refuses nothing here that storage accepted.
    public func upsert(_ upsert: CatalogUpsert) async throws -> Bool {
        let key = upsert.key.key
        let type = upsert.type?.rawValue ?? ""
        let body = upsert.body
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
            try await location.upsert(upsert)
        } catch {
            logger.error("location refused the document; the normalizer will retry", metadata: ["error": "\(error)"])
            throw Failure(status: 502, message: "\(error)")
        }
        if let backstage {
            let known: BackstagePusher.Location? =
                entry.locationId.isEmpty
                ? nil : BackstagePusher.Location(id: entry.locationId, target: entry.locationTarget)
            do {
                if let location = try await backstage.ensureLocation(
                    uri: upsert.key.uri(format: format), existing: known),
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
    public func applyKeySet(_ wanted: Set<ImportKey>) async throws -> KeySetOutcome {
        let wanted = Set(wanted.map(\.key))
        let stored: [String]
        do {
            stored = try await store.keys()
        } catch {
            throw Failure(status: 503, message: "cannot list the store; nothing was removed: \(error)")
        }
        var outcome = KeySetOutcome(removed: [], failed: [])
        for key in stored where !wanted.contains(key) {
            // A stored key is read back from the store, an edge like HTTP: one that is not a key
            // cannot be in location either, and stays stored and reported, as any failed removal.
            guard let typed = ImportKey(storedKey: key) else {
                outcome.failed.append("\(key): \(LocationError.badKey(key))")
                continue
            }
            do {
                try await location.remove(key: typed)
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
