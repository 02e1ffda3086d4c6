import Foundation
import RegistryAPI
import Sandbox
import Testing

@Suite("Paged reads")
struct PagingTests {
    @Test func readingAcrossThreePagesReturnsEveryModel() async throws {
        try await withFakeRegistry { server, client in
            for index in 1...250 {
                _ = try server.store.createRegisteredModel(RegisteredModel(name: "model-\(index)"))
            }
            let models = try await client.registeredModels()
            #expect(models.count == 250)
            #expect(Set(models.compactMap(\.name)).count == 250)
            let lists = server.requestLog.records.filter { $0.path.hasSuffix("/registered_models") }
            #expect(lists.count == 3)
            for record in lists {
                #expect(record.parameter("pageSize") == "100")
                #expect(record.parameter("orderBy") == "ID")
                #expect(record.parameter("sortOrder") == "ASC")
            }
            #expect(lists.filter { $0.parameter("nextPageToken") != nil }.count == 2)
            #expect(client.requestCount == 3)
        }
    }

    @Test func aFailingMiddlePageFailsTheWholeRead() async throws {
        try await withFakeRegistry { server, client in
            for index in 1...250 {
                _ = try server.store.createRegisteredModel(RegisteredModel(name: "model-\(index)"))
            }
            server.faults.failPage(2, status: 500, pathContaining: "registered_models")
            let error = await registryError { _ = try await client.registeredModels() }
            let failure = try #require(error)
            #expect(failure.status == 500)
            #expect(failure.pagesRead == 1)
            #expect(failure.registry == "test-ns:test-registry")
            #expect(failure.url.contains("nextPageToken="))
            #expect(failure.description.contains("counts as failed"))
        }
    }

    @Test func modelVersionsAreReadFromOneGlobalList() async throws {
        try await withFakeRegistry { server, client in
            for index in 1...30 {
                let model = try server.store.createRegisteredModel(RegisteredModel(name: "m\(index)"))
                for version in 1...3 {
                    _ = try server.store.createModelVersion(
                        ModelVersion(name: "v\(version)", registeredModelId: model.id)
                    )
                }
            }
            let versions = try await client.modelVersions()
            #expect(versions.count == 90)
            #expect(server.requestLog.records.map(\.path) == [FakeRegistryServer.basePath + "/model_versions"])
        }
    }

    @Test func anEmptyBodyOnAListMeansNoItems() async throws {
        try await withFakeRegistry { server, client in
            _ = try server.store.createRegisteredModel(RegisteredModel(name: "hidden"))
            server.faults.answerWithEmptyBody(1)
            #expect(try await client.inferenceServices().isEmpty)
        }
    }

    @Test func aRepeatedPageTokenStopsWithAnError() async throws {
        let stub = StubHTTPServer()
        let origin = try await stub.start(path: "/api/model_registry/v1alpha3/registered_models") { _ in
            StubHTTPServer.json(#"{"items":[{"id":"1","name":"a"}],"nextPageToken":"same","pageSize":1,"size":1}"#)
        }
        let transport = try RegistryTransport()
        let client = RegistryClient(
            key: "looping", baseURL: origin + RegistryDiscovery.registryBasePath, token: nil, transport: transport
        )
        let error = await registryError { _ = try await client.registeredModels() }
        try await transport.shutdown()
        await stub.stop()
        #expect(error?.reason == .repeatedPageToken("same"))
        #expect(stub.hits.withLock { $0 } == 2)
    }

    @Test func versionArtifactsLeaveDocArtifactsOut() async throws {
        try await withFakeRegistry { server, client in
            let model = try server.store.createRegisteredModel(RegisteredModel(name: "m"))
            let version = try server.store.createModelVersion(ModelVersion(name: "v1", registeredModelId: model.id))
            _ = try server.store.upsertVersionArtifact(
                versionId: version.id!, ModelArtifact(name: "weights", uri: "s3://b/w")
            )
            _ = try server.store.upsertVersionArtifact(
                versionId: version.id!,
                ModelArtifact(name: "readme", artifactType: ModelArtifact.docArtifactType, uri: "s3://b/readme.md")
            )
            let artifacts = try await client.artifacts(ofVersion: version.id!)
            #expect(artifacts.map(\.name) == ["weights"])
        }
    }
}
