import Foundation
import RegistryAPI
import Sandbox
import Testing

@Suite("Errors are typed values with context")
struct ErrorTests {
    @Test func anHTMLBadGatewayFromAProxyBecomesATypedError() async throws {
        try await withFakeRegistry { server, client in
            server.faults.answerWithProxyErrorPage(1, status: 502)
            let failure = try #require(await registryError { _ = try await client.registeredModels() })
            #expect(failure.status == 502)
            guard case .unexpectedResponse(let contentType, let excerpt) = failure.reason else {
                Issue.record("expected unexpectedResponse, got \(failure.reason)")
                return
            }
            #expect(contentType == "text/html")
            #expect(excerpt.contains("502 Bad Gateway"))
            #expect(failure.url.hasPrefix(server.baseURL + "/registered_models?"))
            #expect(failure.description.contains("test-ns:test-registry"))
            #expect(failure.description.contains("502"))
        }
    }

    @Test func aNotFoundBodyBecomesATypedAPIError() async throws {
        try await withFakeRegistry { _, client in
            let failure = try #require(await registryError { _ = try await client.registeredModel(id: "999") })
            #expect(failure.status == 404)
            #expect(failure.isNotFound)
            #expect(failure.reason == .api(code: "Not Found", message: "registered model by id 999 not found"))
            #expect(failure.url.hasSuffix("/registered_models/999"))
        }
    }

    @Test func aServiceUnavailableIsReportedWithItsStatus() async throws {
        try await withFakeRegistry { server, client in
            server.faults.failNextRequests(1, status: 503)
            let failure = try #require(await registryError { _ = try await client.modelVersions() })
            #expect(failure.status == 503)
            #expect(failure.reason == .api(code: "Service Unavailable", message: "injected failure"))
            #expect(failure.pagesRead == 0)
            // The fault was one-shot: the next read succeeds.
            #expect(try await client.modelVersions().isEmpty)
        }
    }

    @Test func aRefusedConnectionBecomesATypedError() async throws {
        let server = FakeRegistryServer()
        try await server.start()
        let baseURL = server.baseURL
        await server.stop()
        let transport = try RegistryTransport(configuration: .init(connectTimeout: .seconds(2)))
        let client = RegistryClient(key: "gone", baseURL: baseURL, token: nil, transport: transport)
        let failure = await registryError { _ = try await client.registeredModels() }
        try await transport.shutdown()
        let error = try #require(failure)
        #expect(error.status == nil)
        #expect(error.registry == "gone")
        guard case .connectionFailed = error.reason else {
            Issue.record("expected connectionFailed, got \(error.reason)")
            return
        }
    }

    @Test func aSlowServerTimesOut() async throws {
        let settings = RegistryHTTPConfiguration(requestTimeout: .milliseconds(200))
        try await withFakeRegistry(configuration: settings) { server, client in
            server.faults.setLatency(.seconds(1))
            let failure = try #require(await registryError { _ = try await client.registeredModels() })
            #expect(failure.reason == .timeout)
            server.faults.setLatency(nil)
        }
    }

    @Test func theBearerTokenIsSentOnEveryRequest() async throws {
        let server = FakeRegistryServer(requiredToken: "s3cret")
        try await withFakeRegistry(server, token: "s3cret", pageSize: 2) { server, client in
            for index in 1...5 {
                _ = try server.store.createRegisteredModel(RegisteredModel(name: "m\(index)"))
            }
            #expect(try await client.registeredModels().count == 5)
            _ = try await client.probe()
            #expect(server.requestLog.count == 7)
            #expect(server.requestLog.records.allSatisfy { $0.bearerToken == "s3cret" })
        }
    }

    @Test func aMissingTokenGetsTheProxysPlainTextUnauthorized() async throws {
        let server = FakeRegistryServer(requiredToken: "s3cret")
        try await withFakeRegistry(server, token: nil) { _, client in
            let failure = try #require(await registryError { _ = try await client.registeredModels() })
            #expect(failure.status == 401)
            guard case .unexpectedResponse = failure.reason else {
                Issue.record("expected unexpectedResponse, got \(failure.reason)")
                return
            }
            #expect(!failure.description.contains("s3cret"))
        }
    }

    @Test func requestsAreCountedPerRegistry() async throws {
        let first = FakeRegistryServer()
        let second = FakeRegistryServer()
        try await first.start()
        try await second.start()
        let transport = try RegistryTransport()
        let a = RegistryClient(key: "ns:a", baseURL: first.baseURL, token: nil, transport: transport)
        let b = RegistryClient(key: "ns:b", baseURL: second.baseURL, token: nil, transport: transport)
        _ = try await a.probe()
        _ = try await b.registeredModels()
        _ = try? await b.registeredModel(id: "1")
        try await transport.shutdown()
        await first.stop()
        await second.stop()
        #expect(transport.requestCounts() == ["ns:a": 4, "ns:b": 2])
        #expect(a.requestCount == 4)
    }

    @Test func tlsIsVerifiedUnlessSkippingIsAskedForByName() throws {
        #expect(RegistryHTTPConfiguration().tls.verifiesCertificates)
        #expect(RegistryTLS.verified.verifiesCertificates)
        #expect(RegistryTLS.customCA(pem: "").verifiesCertificates)
        #expect(!RegistryTLS.insecureSkipVerify.verifiesCertificates)
        #expect(throws: (any Error).self) {
            _ = try RegistryTransport(configuration: .init(tls: .customCA(pem: "not a certificate")))
        }
    }
}
