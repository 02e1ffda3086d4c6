import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import Synchronization
import WireValues

/// Push mode (`PUSH_TO_RHDH=true`): registers each document as a Backstage catalog Location
/// (`POST /api/catalog/locations`) and deletes it when the document goes. Off by default; the
/// Developer Hub plugin normally pulls from location's `/list`.
///
/// The Backstage base URL comes from `BKSTG_URL` or is discovered lazily (a missing URL skips the
/// push with a warning, never a crash, B18). A location Backstage lost is imported again.
public final class BackstagePusher: Sendable {
    /// Finds Backstage's base URL (`…/api/catalog` is appended); `nil` while unknown.
    public typealias Resolver = @Sendable () async -> String?

    let client: HTTPClient
    let token: String?
    let bridgeURL: String
    let fileName: String
    let resolver: Resolver
    let logger: Logger
    private let resolved = Mutex<ServiceHTTPClient?>(nil)

    public init(
        client: HTTPClient, token: String?, bridgeURL: String, fileName: String, resolver: @escaping Resolver,
        logger: Logger
    ) {
        self.client = client
        self.token = token
        self.bridgeURL = BaseURL(bridgeURL).text
        self.fileName = fileName
        self.resolver = resolver
        self.logger = logger
    }

    /// A registered location.
    public struct Location: Sendable, Hashable {
        public var id: String
        public var target: String
    }

    /// Backstage's catalog API (`…/api/catalog`), once its URL is known.
    func catalogBase() async -> ServiceHTTPClient? {
        if let known = resolved.withLock({ $0 }) { return known }
        guard let found = await resolver() else { return nil }
        let backstage = BaseURL(found)
        let catalog = ServiceHTTPClient(
            baseURL: backstage.url("/api/catalog"), client: client, token: token, timeout: .seconds(15),
            maxBodyBytes: 4 << 20)
        resolved.withLock { $0 = catalog }
        logger.info("Backstage found", metadata: ["url": "\(backstage)"])
        return catalog
    }

    /// Makes sure Backstage has a location for the document at `uri`; returns the location to
    /// record, or `nil` when Backstage is not known yet (the push is skipped and retried later).
    public func ensureLocation(uri: String, existing: Location?) async throws -> Location? {
        guard let catalog = await catalogBase() else {
            logger.warning("PUSH_TO_RHDH is on but Backstage's URL is unknown (set BKSTG_URL); skipping the push")
            return nil
        }
        if let existing {
            let (status, _) = try await send(
                .GET, catalog.base.url(segments: ["locations", existing.id]), with: catalog)
            if status == 200 { return existing }
            if status != 404 {
                throw StorageService.Failure(
                    status: 502, message: "Backstage answered \(status) for location \(existing.id)")
            }
            logger.info("Backstage lost a location; importing it again", metadata: ["id": "\(existing.id)"])
        }
        let target = bridgeURL + uri
        let type = target.contains("github") ? "url" : "rhdh-rhoai-bridge"
        let payload = try JSONSerialization.data(withJSONObject: ["target": target, "type": type])
        let (status, body) = try await send(.POST, catalog.base.url("/locations"), body: payload, with: catalog)
        guard status == 200 || status == 201 else {
            throw StorageService.Failure(
                status: 502, message: "Backstage refused the location for \(uri): HTTP \(status)")
        }
        guard let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any] else {
            throw StorageService.Failure(status: 502, message: "Backstage's location reply is not a JSON object")
        }
        let nested = object["location"] as? [String: Any]
        guard let id = (object["id"] as? String) ?? (nested?["id"] as? String) else {
            throw StorageService.Failure(status: 502, message: "Backstage's location reply has no id")
        }
        let recordedTarget = (object["target"] as? String) ?? (nested?["target"] as? String) ?? target
        return Location(id: id, target: recordedTarget)
    }

    /// Deletes a location; a location Backstage no longer has counts as deleted.
    public func deleteLocation(id: String) async throws {
        guard let catalog = await catalogBase() else {
            throw StorageService.Failure(
                status: 503, message: "Backstage's URL is unknown; cannot delete location \(id)")
        }
        let (status, _) = try await send(.DELETE, catalog.base.url(segments: ["locations", id]), with: catalog)
        guard [200, 204, 404].contains(status) else {
            throw StorageService.Failure(status: 502, message: "Backstage answered \(status) deleting location \(id)")
        }
    }

    func send(_ method: HTTPMethod, _ url: String, body: Data? = nil, with backstage: ServiceHTTPClient) async throws
        -> (Int, Data)
    {
        do {
            let reply = try await backstage.send(method, url, body: body)
            return (reply.status, reply.body)
        } catch {
            throw StorageService.Failure(status: 502, message: "cannot reach Backstage at \(url): \(error.detail)")
        }
    }
}
