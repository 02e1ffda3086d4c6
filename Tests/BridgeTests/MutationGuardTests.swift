import Bridge
import Foundation
import Hummingbird
import NIOCore
import Testing

@testable import Bridge

@Suite struct MutationGuardTests {
    func request(token: String? = nil) -> Request {
        var headers = HTTPFields()
        if let token { headers[.authorization] = "Bearer \(token)" }
        return Request(
            head: HTTPRequest(
                method: .post, scheme: "http", authority: "x", path: "/upsert?key=a_b", headerFields: headers),
            body: .init(buffer: ByteBuffer()))
    }

    @Test func loopbackAndThePodAddressMayMutate() async throws {
        let guardian = MutationGuard.sharedSecret(nil, podAddresses: ["10.128.0.7"])
        #expect(
            await guardian.refusal(request(), remoteAddress: try SocketAddress(ipAddress: "127.0.0.1", port: 5)) == nil)
        #expect(await guardian.refusal(request(), remoteAddress: try SocketAddress(ipAddress: "::1", port: 5)) == nil)
        #expect(
            await guardian.refusal(request(), remoteAddress: try SocketAddress(ipAddress: "10.128.0.7", port: 5)) == nil
        )
    }

    @Test func othersNeedAValidBearerToken() async throws {
        let guardian = MutationGuard.sharedSecret("s3cret")
        let outsider = try SocketAddress(ipAddress: "10.128.0.9", port: 5)
        #expect(await guardian.refusal(request(), remoteAddress: outsider)?.status == .unauthorized)
        #expect(await guardian.refusal(request(token: "wrong"), remoteAddress: outsider)?.status == .forbidden)
        #expect(await guardian.refusal(request(token: "s3cret"), remoteAddress: outsider) == nil)
        let noSecret = MutationGuard.sharedSecret("")
        #expect(await noSecret.refusal(request(token: "anything"), remoteAddress: outsider)?.status == .forbidden)
    }

    /// The API server's `pods/proxy` drops `Authorization`, so a console attached by pod sends the token in
    /// `X-Bridge-Token`; it is checked the same way.
    @Test func theTokenHeaderServesWhereAuthorizationCannotReach() async throws {
        let guardian = MutationGuard.sharedSecret("s3cret")
        let outsider = try SocketAddress(ipAddress: "10.128.0.9", port: 5)
        func request(header: String) -> Request {
            var headers = HTTPFields()
            headers[MutationGuard.tokenHeader] = header
            return Request(
                head: HTTPRequest(
                    method: .post, scheme: "http", authority: "x", path: "/resync", headerFields: headers),
                body: .init(buffer: ByteBuffer()))
        }
        #expect(await guardian.refusal(request(header: "s3cret"), remoteAddress: outsider) == nil)
        #expect(await guardian.refusal(request(header: "wrong"), remoteAddress: outsider)?.status == .forbidden)
        #expect(await guardian.refusal(request(header: " "), remoteAddress: outsider)?.status == .unauthorized)
    }

    @Test func addressesParseFromPortHostPortAndBracketedIPv6() {
        #expect(ListenAddress(parsing: "9090") == ListenAddress(host: "0.0.0.0", port: 9090))
        #expect(ListenAddress(parsing: ":7070") == ListenAddress(host: "0.0.0.0", port: 7070))
        #expect(ListenAddress(parsing: "127.0.0.1:8081") == ListenAddress(host: "127.0.0.1", port: 8081))
        #expect(ListenAddress(parsing: "[::1]:9090") == ListenAddress(host: "::1", port: 9090))
        #expect(ListenAddress(parsing: "http") == nil)
        #expect(ListenAddress(parsing: "70000") == nil)
    }

    @Test func aBusyPortFailsFastWithAClearMessage() async throws {
        try await withLocation { _, url in
            let port = Int(url.split(separator: ":").last!)!
            let second = RoleServer(
                name: "location", address: ListenAddress(host: "127.0.0.1", port: port),
                responder: LocationResponder(index: LocationIndex(format: .jsonArray)), logger: .init(label: "t"))
            await #expect(throws: RoleServerError.self) { try await second.start() }
            do {
                try await second.start()
            } catch let error as RoleServerError {
                #expect(error.description.contains("cannot listen on 127.0.0.1:\(port)"))
            }
        }
    }
}
