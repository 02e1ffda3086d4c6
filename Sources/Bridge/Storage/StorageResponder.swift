import CatalogModel
import Foundation
import Hummingbird
import Logging
import NIOCore

/// The HTTP face of `storage-rest` (upstream §4.1), without its defects:
///
/// | route | answer |
/// |---|---|
/// | `POST /upsert?key=&type=` | stores the entry, then pushes it to `location`; a `location` failure is reported (502), not swallowed (B16); 201 new, 200 replaced |
/// | `POST /currentkeyset?key=a,b` | removes every stored key not in the set: from `location` first, from storage last, so a retry finishes the job (B16, B20) |
/// | `GET /list` | `{"keys":[…]}` sorted |
/// | `GET /fetch?key=` | the stored entry; 404 when missing (B17) |
/// | `GET /healthz`, `GET /readyz` | liveness and readiness |
public struct StorageResponder: HTTPResponder {
    public typealias Context = BridgeRequestContext

    public let store: any CatalogStore
    public let location: any LocationSink
    public let guardian: MutationGuard
    public let maximumBodySize: Int
    let logger: Logger

    public init(
        store: any CatalogStore, location: any LocationSink, guardian: MutationGuard = MutationGuard(),
        maximumBodySize: Int = 4 << 20, logger: Logger = Logger(label: "modelbridge.storage")
    ) {
        self.store = store
        self.location = location
        self.guardian = guardian
        self.maximumBodySize = maximumBodySize
        self.logger = logger
    }

    public func respond(to request: Request, context: BridgeRequestContext) async throws -> Response {
        var request = request
        do {
            return try await route(&request, context: context)
        } catch let failure as HTTPFailure {
            return failure.response
        }
    }

    func route(_ request: inout Request, context: BridgeRequestContext) async throws -> Response {
        let path = "/" + request.uri.path.split(separator: "/").joined(separator: "/")
        switch (request.method, path) {
        case (.post, "/upsert"):
            try allowQuery(["key", "type"], request)
            if let refusal = await guardian.refusal(request, remoteAddress: context.remoteAddress) { return refusal }
            return try await upsert(&request)
        case (.post, "/currentkeyset"):
            try allowQuery(["key"], request)
            if let refusal = await guardian.refusal(request, remoteAddress: context.remoteAddress) { return refusal }
            return try await currentKeySet(request)
        case (.get, "/list"):
            try allowQuery([], request)
            do {
                return Reply.json(["keys": try await store.keys()])
            } catch {
                return Reply.error(.serviceUnavailable, "cannot list the store: \(error)")
            }
        case (.get, "/fetch"):
            try allowQuery(["key"], request)
            let key = try request.requiredQuery("key")
            do {
                guard let entry = try await store.fetch(key: key) else {
                    return Reply.error(.notFound, "no stored entry '\(key.prefix(200))'")
                }
                return Reply.bytes(ByteBuffer(bytes: try entry.encodedJSON()), contentType: Reply.jsonType)
            } catch {
                return Reply.error(.serviceUnavailable, "cannot read the store: \(error)")
            }
        case (.get, "/healthz"), (.get, "/readyz"):
            return Reply.bytes(ByteBuffer(string: "ok\n"), contentType: Reply.textType)
        case (_, "/upsert"), (_, "/currentkeyset"), (_, "/list"), (_, "/fetch"):
            return Reply.error(.methodNotAllowed, "\(request.method) is not allowed on \(path)")
        default:
            return Reply.error(.notFound, "no route for \(request.method) \(request.uri.path)")
        }
    }

    func upsert(_ request: inout Request) async throws -> Response {
        let key = try request.requiredQuery("key")
        guard ImportKey(storedKey: key) != nil else {
            return Reply.error(.badRequest, LocationError.badKey(key).description)
        }
        let type = request.uri.queryParameters.get("type").map { String($0) } ?? ""
        guard type.isEmpty || ReconcilerType(rawValue: type) != nil else {
            return Reply.error(.badRequest, "query parameter 'type' must be kubeflow or kserve")
        }
        let bytes = try await request.collectedBody(limit: maximumBodySize)
        let body: UpsertBody
        do {
            body = try JSONDecoder().decode(UpsertBody.self, from: Data(buffer: bytes))
        } catch {
            return Reply.error(
                .badRequest,
                "body must be JSON {body: base64 document, lastUpdateTimeSinceEpoch, modelCardKey, modelCard}")
        }
        guard !body.body.isEmpty else { return Reply.error(.badRequest, "the document ('body') is empty") }

        let existing: StorageBody?
        do {
            existing = try await store.fetch(key: key)
        } catch {
            return Reply.error(.serviceUnavailable, "cannot read the store: \(error)")
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
                return Reply.error(.serviceUnavailable, "cannot write the store: \(error)")
            }
        }
        do {
            try await location.upsert(key: key, body: body)
        } catch {
            logger.error("location refused the document; the normalizer will retry", metadata: ["error": "\(error)"])
            return Reply.error(.badGateway, "\(error)")
        }
        return Reply.json(["key": key], status: existing == nil ? .created : .ok)
    }

    func currentKeySet(_ request: Request) async throws -> Response {
        let raw = request.uri.queryParameters.get("key").map { String($0) } ?? ""
        let wanted = Set(
            raw.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
        for key in wanted where ImportKey(storedKey: key) == nil {
            return Reply.error(.badRequest, LocationError.badKey(key).description)
        }
        let stored: [String]
        do {
            stored = try await store.keys()
        } catch {
            return Reply.error(.serviceUnavailable, "cannot list the store; nothing was removed: \(error)")
        }
        var removed: [String] = []
        var failures: [String] = []
        for key in stored where !wanted.contains(key) {
            // location first, storage last: if anything fails, the key stays stored and the
            // next key set removes it again.
            do {
                try await location.remove(key: key)
                try await store.remove(key: key)
                removed.append(key)
            } catch {
                failures.append("\(key): \(error)")
            }
        }
        if !removed.isEmpty { logger.info("removed keys not in the key set", metadata: ["keys": "\(removed)"]) }
        if !failures.isEmpty {
            logger.error(
                "some removals failed; they will be retried with the next key set",
                metadata: ["failures": "\(failures)"])
            return Reply.json(KeySetReply(removed: removed, failed: failures), status: .internalServerError)
        }
        return Reply.json(KeySetReply(removed: removed, failed: []))
    }

    struct KeySetReply: Encodable {
        var removed: [String]
        var failed: [String]
    }

    func allowQuery(_ names: Set<String>, _ request: Request) throws {
        for (name, _) in request.uri.queryParameters where !names.contains(String(name)) {
            throw HTTPFailure(.badRequest, "unknown query parameter '\(name.prefix(100))'")
        }
    }
}
