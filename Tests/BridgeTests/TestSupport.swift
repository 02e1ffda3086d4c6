import AsyncHTTPClient
import Bridge
import CatalogModel
import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// A tiny HTTP helper for tests that talk to a running role over loopback.
struct TestHTTP {
    let client: HTTPClient

    struct Reply {
        var status: Int
        var headers: HTTPHeaders
        var body: Data

        var text: String { String(decoding: body, as: UTF8.self) }

        func json() throws -> JSONValue { try JSONValue.parse(body) }
    }

    func send(
        _ method: HTTPMethod = .GET, _ url: String, body: Data? = nil, headers: [(String, String)] = []
    ) async throws -> Reply {
        var request = HTTPClientRequest(url: url)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        let response = try await client.execute(request, timeout: .seconds(10))
        let bytes = try await response.body.collect(upTo: 64 << 20)
        return Reply(status: Int(response.status.code), headers: response.headers, body: Data(buffer: bytes))
    }
}

/// Runs `body` with a shared HTTP client that is shut down afterwards.
func withHTTPClient<T>(_ body: (TestHTTP) async throws -> T) async throws -> T {
    let client = HTTPClient(eventLoopGroupProvider: .singleton)
    do {
        let result = try await body(TestHTTP(client: client))
        try await client.shutdown()
        return result
    } catch {
        try? await client.shutdown()
        throw error
    }
}

/// A running location on an ephemeral loopback port.
func withLocation<T>(
    index: LocationIndex = LocationIndex(format: .jsonArray), upstreamCounter: Bool = false,
    maximumBodySize: Int = 1 << 20,
    _ body: (LocationIndex, String) async throws -> T
) async throws -> T {
    var logger = Logger(label: "test.location")
    logger.logLevel = .warning
    let server = RoleServer(
        name: "location", address: ListenAddress(host: "127.0.0.1", port: 0),
        responder: LocationResponder(
            index: index, upstreamModelCardCounter: upstreamCounter, maximumBodySize: maximumBodySize, logger: logger),
        logger: logger)
    try await server.start()
    do {
        let result = try await body(index, server.url)
        await server.stop()
        return result
    } catch {
        await server.stop()
        throw error
    }
}

enum Sample {
    static let settings = NormalizerSettings()

    /// A normalized registry document with a model card.
    static func registryDocument(model: String = "mnist", version: String = "v1", card: String? = "# Card\n")
        -> NormalizedDocument
    {
        let artifact = ModelArtifact(
            uri: "s3://bucket/\(model)", modelSourceClass: "Red Hat", modelSourceGroup: "rhelai1",
            modelSourceName: model)
        return RegistryNormalizer(settings: settings).normalize(
            RegistryVersionInput(
                registry: "ns:registry",
                model: RegisteredModel(id: "1", name: model, owner: "alice", lastUpdateTimeSinceEpoch: "100"),
                version: ModelVersion(id: "2", name: version, registeredModelId: "1", lastUpdateTimeSinceEpoch: "200"),
                artifacts: [artifact], modelCardMarkdown: card),
            cluster: ClusterView(inferenceServices: []))
    }

    static func upsertJSON(_ document: NormalizedDocument) throws -> Data {
        try JSONEncoder().encode(UpsertBody(document, format: .jsonArray))
    }
}
