import Foundation
import RegistryAPI
import Sandbox
import Testing

@Suite("Change probe and delta reads")
struct ChangeProbeTests {
    /// A registry with one model, one version, one artifact and one deployment.
    private func seed(_ store: FakeRegistryStore) throws -> (model: RegisteredModel, version: ModelVersion) {
        let model = try store.createRegisteredModel(RegisteredModel(name: "mnist", owner: "team-a"))
        let version = try store.createModelVersion(
            ModelVersion(name: "v1", registeredModelId: model.id, customProperties: ["Usage": .string("demo")])
        )
        _ = try store.upsertVersionArtifact(versionId: version.id!, ModelArtifact(name: "mnist", uri: "s3://b/m"))
        let environment = try store.createServingEnvironment(ServingEnvironment(name: "ns1"))
        _ = try store.createInferenceService(
            InferenceService(
                name: "mnist-v1/uid", registeredModelId: model.id, modelVersionId: version.id,
                servingEnvironmentId: environment.id, runtime: "mnist-v1"
            )
        )
        return (model, version)
    }

    @Test func probeCostsFourSmallRequestsAndIsStableWhileNothingChanges() async throws {
        try await withFakeRegistry { server, client in
            _ = try seed(server.store)
            let first = try await client.probe()
            let second = try await client.probe()
            #expect(first == second)
            #expect(second.changedCollections(since: first).isEmpty)
            #expect(first.changedCollections(since: nil).count == 4)
            #expect(server.requestLog.count == 8)
            for record in server.requestLog.records {
                #expect(record.parameter("pageSize") == "1")
                #expect(record.parameter("orderBy") == "LAST_UPDATE_TIME")
                #expect(record.parameter("sortOrder") == "DESC")
            }
            #expect(first.watermarks[.modelVersions]?.size == 1)
        }
    }

    @Test func probeDetectsANewVersion() async throws {
        try await withFakeRegistry { server, client in
            let (model, _) = try seed(server.store)
            let before = try await client.probe()
            _ = try server.store.createModelVersion(ModelVersion(name: "v2", registeredModelId: model.id))
            let after = try await client.probe()
            #expect(after.changedCollections(since: before) == [.modelVersions])
        }
    }

    @Test func probeDetectsAnArchivedModel() async throws {
        try await withFakeRegistry { server, client in
            let (model, _) = try seed(server.store)
            let before = try await client.probe()
            _ = try server.store.updateRegisteredModel(id: model.id!, RegisteredModel(state: .archived))
            let after = try await client.probe()
            #expect(after.changedCollections(since: before) == [.registeredModels])
        }
    }

    @Test func probeDetectsAChangedCustomProperty() async throws {
        try await withFakeRegistry { server, client in
            let (_, version) = try seed(server.store)
            let before = try await client.probe()
            _ = try server.store.updateModelVersion(
                id: version.id!, ModelVersion(customProperties: ["Usage": .string("production")])
            )
            let after = try await client.probe()
            #expect(after.changedCollections(since: before) == [.modelVersions])
            #expect(try #require(after.newestUpdate) > before.newestUpdate!)
        }
    }

    @Test func probeOfAnEmptyRegistryHasEmptyWatermarks() async throws {
        try await withFakeRegistry { _, client in
            let fingerprint = try await client.probe()
            #expect(fingerprint.watermarks.values.allSatisfy { $0.size == 0 && $0.newestUpdate == nil })
        }
    }

    @Test func deltaReadSendsFilterQueryToAServerThatHonoursIt() async throws {
        try await withFakeRegistry { server, client in
            let (model, _) = try seed(server.store)
            let watermark = try #require(try await client.probe().newestUpdate)
            _ = try server.store.createModelVersion(ModelVersion(name: "v2", registeredModelId: model.id))
            let changed = try await client.modelVersions(updatedAfter: watermark)
            #expect(changed.map(\.name) == ["v2"])
            #expect(client.filterQuerySupport == .honoured)
            let sent = server.requestLog.records.last?.parameter("filterQuery")
            #expect(sent == "lastUpdateTimeSinceEpoch > \(watermark)")
        }
    }

    @Test func deltaReadFallsBackWhenTheServerRejectsFilterQuery() async throws {
        let server = FakeRegistryServer(filterQueryMode: .rejected)
        try await withFakeRegistry(server) { server, client in
            let (model, _) = try seed(server.store)
            let watermark = try #require(try await client.probe().newestUpdate)
            _ = try server.store.updateRegisteredModel(id: model.id!, RegisteredModel(description: "new"))
            let changed = try await client.registeredModels(updatedAfter: watermark)
            #expect(changed.map(\.description) == ["new"])
            #expect(client.filterQuerySupport == .rejected)
            server.requestLog.clear()
            _ = try await client.registeredModels(updatedAfter: watermark)
            #expect(server.requestLog.records.allSatisfy { $0.parameter("filterQuery") == nil })
            #expect(server.requestLog.count == 1)
        }
    }

    @Test func deltaReadFiltersOnTheClientWhenTheServerIgnoresFilterQuery() async throws {
        let server = FakeRegistryServer(filterQueryMode: .ignored)
        try await withFakeRegistry(server) { server, client in
            let (model, _) = try seed(server.store)
            let watermark = try #require(try await client.probe().newestUpdate)
            _ = try server.store.createModelVersion(ModelVersion(name: "v2", registeredModelId: model.id))
            let changed = try await client.modelVersions(updatedAfter: watermark)
            #expect(changed.map(\.name) == ["v2"])
            #expect(client.filterQuerySupport == .ignored)
        }
    }
}
