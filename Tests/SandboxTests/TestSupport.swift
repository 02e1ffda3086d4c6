import AsyncHTTPClient
import Bridge
import Foundation
import Hummingbird
import Logging
import ModelbridgeTesting
import NIOCore
import Sandbox
import Synchronization
import Testing

/// Waits until `condition` holds, checking every 10 ms, and throws ``DeadlinePassed`` after `timeout`.
func eventually(timeout: Duration = .seconds(10), _ what: String, _ condition: () async throws -> Bool) async throws {
    try await Poll.until(what, timeout: timeout, condition)
}

/// A quiet logger for servers under test.
func quietLogger(_ label: String = "test") -> Logger { .quiet(label) }

/// One HTTP exchange with a running server.
struct HTTPReply {
    var status: Int
    var body: Data
    var text: String { String(decoding: body, as: UTF8.self) }
}

/// Sends one request with the shared HTTP client.
func send(_ method: String = "GET", _ url: String, json: String? = nil) async throws -> HTTPReply {
    var request = HTTPClientRequest(url: url)
    request.method = .init(rawValue: method)
    if let json {
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: json))
    }
    let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
    let bytes = try await response.body.collect(upTo: 64 << 20)
    return HTTPReply(status: Int(response.status.code), body: Data(buffer: bytes))
}

/// A real `location` (Bridge's index, responder and server) on an ephemeral loopback port.
func withLocation<T>(_ body: (LocationIndex, String) async throws -> T) async throws -> T {
    let index = LocationIndex(format: .jsonArray)
    let server = RoleServer(
        name: "location", address: ListenAddress(host: "127.0.0.1", port: 0),
        responder: LocationResponder(index: index, logger: quietLogger()), logger: quietLogger())
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

/// A location whose every answer a test scripts: `/list` and each document path.
final class ScriptedLocation: Sendable {
    struct Answer: Sendable {
        var status: Int
        var body: String
    }

    private let answers = Mutex<[String: Answer]>([:])

    /// Sets what `GET path` answers.
    func answer(_ path: String, status: Int = 200, _ body: String) {
        answers.withLock { $0[path] = Answer(status: status, body: body) }
    }

    /// Serves `/list` with these URIs, each answered with its document.
    func serve(_ documents: [String: String]) {
        let list = try! JSONSerialization.data(withJSONObject: ["uris": documents.keys.sorted()])
        answer("/list", String(decoding: list, as: UTF8.self))
        for (uri, document) in documents { answer(uri, document) }
    }

    func response(for path: String) -> Response {
        let answer = answers.withLock { $0[path] } ?? Answer(status: 404, body: #"{"error":"not found"}"#)
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(
            status: .init(code: answer.status), headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(string: answer.body)))
    }

    /// Runs `body` with the location listening on an ephemeral port.
    func run<T>(_ body: (String) async throws -> T) async throws -> T {
        let router = Router()
        router.get("**") { [self] request, _ in response(for: request.uri.path) }
        let server = SandboxHTTPServer(router: router, host: "127.0.0.1", port: 0)
        try await server.start()
        do {
            let result = try await body(server.url)
            await server.stop()
            return result
        } catch {
            await server.stop()
            throw error
        }
    }
}

/// A provider for `baseURL` that polls only when asked.
func makeProvider(_ baseURL: String) -> ModelCatalogEntityProvider {
    ModelCatalogEntityProvider(
        configuration: .init(baseURL: baseURL, interval: .seconds(3600), requestTimeout: .seconds(10)),
        client: .shared, logger: quietLogger())
}
