import AsyncHTTPClient
import Bridge
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// The one HTTP client helper of the sidecar, Backstage and console clients: URL joining, the bearer token, and
/// the three typed failures.
@Suite struct ServiceHTTPClientTests {
    static func service() -> Application<RouterResponder<BasicRequestContext>> {
        let router = Router()
        router.get("/whoami") { request, _ in
            "\(request.uri.path) \(request.uri.query ?? "") \(request.headers[.authorization] ?? "anonymous")"
        }
        router.get("/teapot") { _, _ -> String in throw HTTPError(.init(code: 418), message: "short and stout") }
        return Application(router: router)
    }

    /// Runs `body` against the service above with a client whose base URL ends in slashes.
    func withClient(token: String?, _ body: @escaping @Sendable (ServiceHTTPClient) async throws -> Void) async throws {
        let http = HTTPClient(eventLoopGroupProvider: .singleton)
        do {
            try await Self.service().test(.live) { client in
                let port = try #require(client.port)
                try await body(ServiceHTTPClient(baseURL: "http://127.0.0.1:\(port)//", client: http, token: token))
            }
            try await http.shutdown()
        } catch {
            try? await http.shutdown()
            throw error
        }
    }

    @Test func requestsJoinOntoTheNormalisedBaseAndCarryTheBearerToken() async throws {
        try await withClient(token: "s3cret") { service in
            let reply = try await service.sendExpectingSuccess(
                .GET, service.base.url("/whoami", query: [("key", "a b")]))
            #expect(reply.status == 200)
            #expect(reply.text == "/whoami key=a%20b Bearer s3cret")
        }
    }

    @Test func aStatusOutsideTwoHundredsIsATypedErrorWithTheURLAndTheStartOfTheBody() async throws {
        try await withClient(token: nil) { service in
            let url = service.base.url("/teapot")
            let status = try await service.send(.GET, url).status
            #expect(status == 418, "send alone returns any status")
            await #expect {
                try await service.sendExpectingSuccess(.GET, url)
            } throws: { error in
                guard case .status(url, 418, let excerpt) = error as? ServiceHTTPError else { return false }
                return excerpt.contains("short and stout")
            }
        }
    }

    @Test func aBodyThatIsNotTheExpectedJSONIsUndecodable() async throws {
        try await withClient(token: nil) { service in
            let reply = try await service.send(.GET, service.base.url("/whoami"))
            #expect {
                try reply.decode([String].self)
            } throws: { error in
                guard case .undecodable(let url, let type, _) = error as? ServiceHTTPError else { return false }
                return url.hasSuffix("/whoami") && type == "Array<String>"
            }
        }
    }

    @Test func aServiceThatCannotBeReachedIsATransportError() async throws {
        let http = HTTPClient(eventLoopGroupProvider: .singleton)
        // Port 1 on loopback has no listener: the connection is refused at once.
        let service = ServiceHTTPClient(baseURL: "http://127.0.0.1:1/", client: http, timeout: .seconds(5))
        await #expect {
            try await service.send(.GET, service.base.url("/list"))
        } throws: { error in
            guard case .transport(let url, _) = error as? ServiceHTTPError else { return false }
            return url == "http://127.0.0.1:1/list"
        }
        try await http.shutdown()
    }
}
