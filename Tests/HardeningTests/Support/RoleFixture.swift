import AsyncHTTPClient
import Bridge
import CatalogModel
import Foundation
import Logging
import ModelbridgeTesting
import NIOCore
import NIOHTTP1
import RegistryAPI

/// The three roles in process on loopback ports (`RoleServer` on port 0), wired as in the pod:
/// storage-rest pushes to location over HTTP, the normalizer's admin port has its controller.
final class RoleFixture: Sendable {
    let http: HTTPClient
    let locationIndex = LocationIndex(format: .jsonArray)
    let storageStore = MemoryCatalogStore()
    let location: RoleServer<LocationResponder>
    let storage: RoleServer<StorageResponder>
    let admin: RoleServer<NormalizerAdminResponder>
    let controller: NormalizerController
    let transport: RegistryTransport
    let bodyLimit: Int

    /// - Parameter guardian: the mutation guard of every role (default: loopback only).
    init(
        bodyLimit: Int = 64 << 10, guardian: MutationGuard = MutationGuard(), host: String = "127.0.0.1",
        bridgeToken: String? = nil, logs: LogCapture
    ) async throws {
        self.bodyLimit = bodyLimit
        var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow)
        configuration.timeout = .init(connect: .seconds(5), read: .seconds(20))
        http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        locationIndex.markLoaded()
        let locationLogger = logs.logger("drill.location")
        location = RoleServer(
            name: "location", address: ListenAddress(host: host, port: 0),
            responder: LocationResponder(
                index: locationIndex, guardian: guardian, maximumBodySize: bodyLimit, logger: locationLogger),
            logger: locationLogger)
        try await location.start()
        let storageLogger = logs.logger("drill.storage")
        let locationURL = "http://127.0.0.1:\(location.port!)"
        storage = RoleServer(
            name: "storage-rest", address: ListenAddress(host: host, port: 0),
            responder: StorageResponder(
                store: storageStore, location: HTTPLocationSink(baseURL: locationURL, client: http, token: bridgeToken),
                guardian: guardian, maximumBodySize: bodyLimit, logger: storageLogger),
            logger: storageLogger)
        try await storage.start()
        let normalizerLogger = logs.logger("drill.normalizer")
        transport = try RegistryTransport(logger: logs.logger("drill.registry"))
        controller = NormalizerController(
            configuration: NormalizerConfiguration(probeInterval: .seconds(3600), pollingInterval: .seconds(3600)),
            routes: NoRoutes(), transport: transport, cluster: nil,
            sink: HTTPCatalogSink(baseURL: "http://127.0.0.1:\(storage.port!)", client: http, token: bridgeToken),
            logger: normalizerLogger)
        admin = RoleServer(
            name: "rhoai-normalizer", address: ListenAddress(host: host, port: 0),
            responder: NormalizerAdminResponder(controller: controller, metrics: BridgeMetrics(), guardian: guardian),
            logger: normalizerLogger)
        try await admin.start()
    }

    func shutdown() async {
        await admin.stop()
        await storage.stop()
        await location.stop()
        try? await transport.shutdown()
        try? await http.shutdown()
    }

    /// Loopback URL of a role.
    func url(_ role: Role) -> String {
        switch role {
        case .location: return "http://127.0.0.1:\(location.port!)"
        case .storage: return "http://127.0.0.1:\(storage.port!)"
        case .admin: return "http://127.0.0.1:\(admin.port!)"
        }
    }

    enum Role: String, CaseIterable, Sendable {
        case location
        case storage = "storage-rest"
        case admin = "normalizer-admin"
    }

    /// What every role holds: location's documents and cards, storage's entries, and the
    /// normalizer's documents. Read-only traffic and refused requests must leave it unchanged.
    struct World: Equatable, Sendable {
        var documents: [String: [UInt8]]
        var epochs: [String: String]
        var cards: [String: [UInt8]]
        var stored: [String: StorageBody]
        var normalizerDocuments: [String]
    }

    func world() async throws -> World {
        let snapshot = locationIndex.snapshot()
        var documents: [String: [UInt8]] = [:]
        var epochs: [String: String] = [:]
        for entry in snapshot.entries {
            documents[entry.key.key] = Array(entry.body.readableBytesView)
            epochs[entry.key.key] = "\(entry.epoch)|\(entry.modelCardKey ?? "-")"
        }
        var cards: [String: [UInt8]] = [:]
        for card in snapshot.cards { cards[card.key] = Array(card.markdown.readableBytesView) }
        var stored: [String: StorageBody] = [:]
        for key in try await storageStore.keys() { stored[key] = try await storageStore.fetch(key: key) }
        let normalizer = await controller.snapshot().documents.map(\.key.key)
        return World(
            documents: documents, epochs: epochs, cards: cards, stored: stored, normalizerDocuments: normalizer)
    }

    /// One HTTP exchange; `nil` status when the connection failed.
    struct Exchange: Sendable {
        var status: Int?
        var body: String
        var error: String?
    }

    func send(
        _ method: HTTPMethod, _ url: String, body: [UInt8]? = nil, headers: [(String, String)] = []
    ) async -> Exchange {
        var request = HTTPClientRequest(url: url)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        let response: HTTPClientResponse
        do {
            response = try await http.execute(request, timeout: .seconds(20))
        } catch {
            return Exchange(status: nil, body: "", error: "\(error)")
        }
        // The status arrived. An answer sent before a large body was uploaded ends with the connection
        // (`EarlyAnswerHandler`), and AsyncHTTPClient may then fail the body stream with the upload's write
        // error while the answer's end is on its way: the status stands, the error is kept beside it.
        do {
            let bytes = try await response.body.collect(upTo: 16 << 20)
            return Exchange(status: Int(response.status.code), body: String(buffer: bytes), error: nil)
        } catch {
            return Exchange(status: Int(response.status.code), body: "", error: "body: \(error)")
        }
    }
}

/// A route lister that finds no registries (the admin fixture needs none).
struct NoRoutes: RouteLister {
    func listRoutes(labelSelector: String?) async throws -> [DiscoveredRoute] { [] }
}

/// Normalized documents for drills: a registry model with a card.
enum DrillDocuments {
    static func registry(model: String, version: String = "v1", card: String? = "# Card\n") -> NormalizedDocument {
        let artifact = CatalogModel.ModelArtifact(
            uri: "s3://bucket/\(model)", modelSourceClass: "Red Hat", modelSourceGroup: "rhelai1",
            modelSourceName: model)
        return RegistryNormalizer(settings: NormalizerSettings()).normalize(
            RegistryVersionInput(
                registry: "ns:registry",
                model: CatalogModel.RegisteredModel(
                    id: "1", name: model, owner: "alice", lastUpdateTimeSinceEpoch: "100"),
                version: CatalogModel.ModelVersion(
                    id: "2", name: version, registeredModelId: "1", lastUpdateTimeSinceEpoch: "200"),
                artifacts: [artifact], modelCardMarkdown: card),
            cluster: ClusterView(inferenceServices: []))
    }

    static func upsertJSON(_ document: NormalizedDocument) throws -> [UInt8] {
        Array(try JSONEncoder().encode(UpsertBody(document, format: .jsonArray)))
    }
}
