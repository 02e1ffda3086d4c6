import Foundation
import Hummingbird
import Logging
import RegistryAPI
import Sandbox
import Synchronization

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Paths and helpers shared by the RegistryAPI tests.
enum TestPaths {
    /// The repository root: three levels above this file (Tests/RegistryAPITests/<file>).
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The upstream fixtures copied into the repository: `<repo>/Tests/Fixtures/upstream`.
    static let upstreamFixtures: URL = repositoryRoot.appendingPathComponent("Tests/Fixtures/upstream")

    static func fixture(_ folder: String, _ name: String) throws -> Data {
        try Data(contentsOf: upstreamFixtures.appendingPathComponent(folder).appendingPathComponent(name))
    }

    static func fixtureNames(_ folder: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: upstreamFixtures.appendingPathComponent(folder).path)
            .filter { $0.hasSuffix(".json") }.sorted()
    }
}

/// Starts a fake registry and a client for it, runs `body`, and always stops both.
func withFakeRegistry<T>(
    _ server: FakeRegistryServer = FakeRegistryServer(), token: String? = nil, pageSize: Int = 100,
    configuration: RegistryHTTPConfiguration = RegistryHTTPConfiguration(requestTimeout: .seconds(20)),
    _ body: (FakeRegistryServer, RegistryClient) async throws -> T
) async throws -> T {
    try await server.start()
    let transport = try RegistryTransport(configuration: configuration)
    let client = RegistryClient(
        key: "test-ns:test-registry", baseURL: server.baseURL, token: token, transport: transport, pageSize: pageSize
    )
    do {
        let result = try await body(server, client)
        try await transport.shutdown()
        await server.stop()
        return result
    } catch {
        try? await transport.shutdown()
        await server.stop()
        throw error
    }
}

/// Runs `body` and returns the ``RegistryError`` it threw (failing the test when it threw none
/// or another error).
func registryError(_ body: () async throws -> Void) async -> RegistryError? {
    do {
        try await body()
        return nil
    } catch let error as RegistryError {
        return error
    } catch {
        return RegistryError(registry: "?", url: "?", reason: .connectionFailed("unexpected error \(error)"))
    }
}

/// A plain HTTP call for poking the fake server's write API directly.
struct RawResponse {
    var status: Int
    var body: Data
    var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:] }
}

func rawRequest(_ method: String, _ url: String, json: String? = nil) async throws -> RawResponse {
    var request = URLRequest(url: URL(string: url)!)
    request.httpMethod = method
    if let json {
        request.httpBody = Data(json.utf8)
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
    }
    let (data, response) = try await URLSession.shared.data(for: request)
    return RawResponse(status: (response as? HTTPURLResponse)?.statusCode ?? 0, body: data)
}

/// A tiny HTTP server whose one route answers whatever the test says: for behaviours the fake
/// registry deliberately does not have (a server that loops its page token).
final class StubHTTPServer: Sendable {
    private let task = Mutex<Task<Void, Never>?>(nil)
    let hits = Mutex(0)

    func start(path: String, respond: @escaping @Sendable (Int) -> Response) async throws -> String {
        let router = Router()
        router.get(RouterPath(path)) { _, _ in
            let hit = self.hits.withLock { count -> Int in
                count += 1
                return count
            }
            return respond(hit)
        }
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        var logger = Logger(label: "stub")
        logger.logLevel = .critical
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                continuation.yield(channel.localAddress?.port ?? 0)
                continuation.finish()
            },
            logger: logger
        )
        task.withLock {
            $0 = Task {
                try? await app.run()
                continuation.finish()
            }
        }
        var iterator = ports.makeAsyncIterator()
        let port = await iterator.next() ?? 0
        return "http://127.0.0.1:\(port)"
    }

    func stop() async {
        let running = task.withLock { $0 }
        running?.cancel()
        await running?.value
    }

    static func json(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
