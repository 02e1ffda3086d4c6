import AsyncHTTPClient
import Foundation
import KubeAPI
import ModelbridgeTesting
import NIOCore
import NIOHTTP1
import Sandbox
import Testing

/// The fake must answer nonsense the way the API server does: a `Status` body with the right code, never a crash.
@Suite struct FakeKubeBadInputTests {
    func send(
        _ server: FakeKubeServer, _ method: HTTPMethod, _ path: String, body: String? = nil,
        contentType: String = "application/json"
    ) async throws -> (Int, KubeStatus?) {
        var request = HTTPClientRequest(url: server.url + path)
        request.method = method
        if let body {
            request.headers.add(name: "Content-Type", value: contentType)
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let bytes = try await response.body.collect(upTo: 1 << 20)
        let status = try? JSONDecoder().decode(KubeStatus.self, from: Data(bytes.readableBytesView))
        return (Int(response.status.code), status)
    }

    @Test func garbageBodiesAreAnswered400WithAStatus() async throws {
        try await withFakeKube { server, client in
            _ = try await client.create(configMap("target"))
            let collection = "/api/v1/namespaces/default/configmaps"
            for body in [
                "{not json", "[1,2,3]", "\"text\"", "", #"{"kind":"Pod","apiVersion":"v1"}"#, #"{"metadata":7}"#,
            ] {
                let (code, status) = try await send(server, .POST, collection, body: body)
                #expect(code == 400, "POST \(body)")
                #expect(status?.reason == "BadRequest")
                #expect(status?.kind == "Status")
                let (putCode, _) = try await send(server, .PUT, collection + "/target", body: body)
                #expect(putCode == 400, "PUT \(body)")
            }
            let (patchCode, patchStatus) = try await send(
                server, .PATCH, collection + "/target", body: "{oops", contentType: "application/merge-patch+json")
            #expect(patchCode == 400 && patchStatus?.reason == "BadRequest")
        }
    }

    @Test func badQueriesPathsAndMediaTypesGetTheirStatusCodes() async throws {
        try await withFakeKube { server, client in
            _ = try await client.create(configMap("target"))
            let collection = "/api/v1/namespaces/default/configmaps"
            #expect(try await send(server, .GET, collection + "?labelSelector=a%20in%20(b").0 == 400)
            #expect(try await send(server, .GET, collection + "?fieldSelector=spec.x%3D1").0 == 400)
            #expect(try await send(server, .GET, collection + "?continue=%25%25garbage").0 == 400)
            #expect(try await send(server, .GET, collection + "?limit=-3").0 == 400)
            #expect(try await send(server, .GET, "/apis/nope.example.com/v1/things").0 == 404)
            #expect(try await send(server, .GET, "/definitely/not/api").1?.reason == "NotFound")
            #expect(
                try await send(
                    server, .PATCH, collection + "/target", body: "{}", contentType: "application/apply-patch+yaml"
                ).0 == 415)
            #expect(
                try await send(
                    server, .PATCH, "/apis/serving.kserve.io/v1beta1/namespaces/default/inferenceservices/x",
                    body: "{}", contentType: "application/strategic-merge-patch+json"
                ).0 == 415)
            #expect(try await send(server, .DELETE, collection).0 == 405)
            #expect(try await send(server, .POST, collection, body: #"{"metadata":{"name":"Bad_Name"}}"#).0 == 422)
            #expect(
                try await send(
                    server, .POST, "/api/v1/namespaces/nowhere/configmaps", body: #"{"metadata":{"name":"x"}}"#
                ).0 == 404)
            let huge = "{\"data\":{\"k\":\"" + String(repeating: "x", count: 3 * 1024 * 1024 + 10) + "\"}}"
            #expect(try await send(server, .POST, collection, body: huge).0 == 413)
        }
    }
}
