import Foundation
import RegistryAPI
import Sandbox
import Testing

@Suite("Model catalog")
struct CatalogTests {
    /// Runs `body` against a started fake catalog holding the upstream Granite card.
    private func withCatalog(_ body: (FakeCatalogServer, CatalogClient, String) async throws -> Void) async throws {
        let server = FakeCatalogServer()
        let fixture = try JSONDecoder().decode(
            CatalogModelEntry.self, from: try TestPaths.fixture("model-catalog", "GraniteCatalogModelGet.json")
        )
        server.store.addSource(CatalogSource(id: "Red Hat", name: "Red Hat", enabled: true))
        var model = fixture
        model.name = "rhelai1/granite-7b-starter"
        try server.store.putModel(model, source: "Red Hat")
        try await server.start()
        let transport = try RegistryTransport()
        let client = CatalogClient(
            key: "regs:model-catalog-https", baseURL: server.baseURL, token: nil, transport: transport)
        do {
            try await body(server, client, fixture.readme ?? "")
        } catch {
            try? await transport.shutdown()
            await server.stop()
            throw error
        }
        try await transport.shutdown()
        await server.stop()
    }

    @Test func theModelCardOfARegistryArtifactIsItsCatalogReadme() async throws {
        try await withCatalog { server, client, readme in
            let artifact = ModelArtifact(
                modelSourceClass: "Red Hat", modelSourceGroup: "rhelai1", modelSourceName: "granite-7b-starter"
            )
            let card = try await client.modelCard(for: artifact)
            #expect(card == readme)
            #expect(!readme.isEmpty)
            #expect(
                server.requestLog.records.map(\.path) == [
                    "/api/model_catalog/v1alpha1/sources/Red%20Hat/models/rhelai1/granite-7b-starter"
                ]
            )
        }
    }

    @Test func anUnknownCatalogModelHasNoCard() async throws {
        try await withCatalog { _, client, _ in
            let missing = try await client.modelCard(sourceClass: "Red Hat", group: "rhelai1", name: "missing")
            #expect(missing == nil)
            let sourceless = try await client.modelCard(for: ModelArtifact(uri: "s3://no/source"))
            #expect(sourceless == nil)
            #expect(client.requestCount == 1)
        }
    }

    @Test func reservedCharactersInNamesArePercentEncoded() async throws {
        try await withCatalog { server, client, _ in
            try server.store.putModel(CatalogModelEntry(name: "org/model?v=1 #2", readme: "odd"), source: "Red Hat")
            #expect(try await client.model(sourceId: "Red Hat", name: "org/model?v=1 #2")?.readme == "odd")
            #expect(server.requestLog.records.last?.path.hasSuffix("/models/org/model%3Fv%3D1%20%232") == true)
        }
    }

    @Test func catalogSourcesAreReadAcrossPages() async throws {
        try await withCatalog { server, _, _ in
            for index in 1...25 {
                server.store.addSource(CatalogSource(id: "source-\(index)", name: "Source \(index)"))
            }
            let transport = try RegistryTransport()
            let small = CatalogClient(key: "c", baseURL: server.baseURL, token: nil, transport: transport, pageSize: 10)
            let sources = try await small.sources()
            try await transport.shutdown()
            #expect(sources.count == 26)
            #expect(server.requestLog.count == 3)
        }
    }

    @Test func catalogModelSearchNeedsAKnownSource() async throws {
        try await withCatalog { server, _, _ in
            let missing = try await rawRequest("GET", server.baseURL + "/models")
            #expect(missing.status == 404)
            #expect(missing.json["code"] as? String == "Not Found")
            let found = try await rawRequest("GET", server.baseURL + "/models?source=Red%20Hat&q=granite")
            #expect(found.status == 200)
            #expect((found.json["items"] as? [Any])?.count == 1)
            #expect(found.json["pageSize"] as? Int == 10)
        }
    }
}
