import Foundation
import RegistryAPI
import Sandbox
import Testing

/// The fake's indexes (names per parent, artifacts per version, external ids, id order) must
/// answer exactly what scanning the whole store answered.
@Suite("Fake registry indexes")
struct FakeRegistryIndexTests {
    @Test func artifactsOfAVersionAreItsOwnInIdOrderAndFollowARelink() throws {
        let store = FakeRegistryStore()
        let model = try store.createRegisteredModel(RegisteredModel(name: "m"))
        let first = try store.createModelVersion(ModelVersion(name: "v1", registeredModelId: model.id))
        let second = try store.createModelVersion(ModelVersion(name: "v2", registeredModelId: model.id))
        let a = try store.upsertVersionArtifact(versionId: first.id!, ModelArtifact(name: "a")).artifact
        let b = try store.upsertVersionArtifact(versionId: second.id!, ModelArtifact(name: "b")).artifact
        let c = try store.upsertVersionArtifact(versionId: first.id!, ModelArtifact(name: "c")).artifact
        _ = try store.createArtifact(ModelArtifact(name: "unlinked"))
        #expect(try store.artifacts(ofVersion: first.id!).map(\.id) == [a.id, c.id])
        #expect(try store.artifacts(ofVersion: second.id!).map(\.id) == [b.id])

        // Posting an existing artifact to another version moves the link.
        _ = try store.upsertVersionArtifact(versionId: second.id!, ModelArtifact(id: a.id, uri: "s3://moved"))
        #expect(try store.artifacts(ofVersion: first.id!).map(\.id) == [c.id])
        #expect(try store.artifacts(ofVersion: second.id!).map(\.id) == [a.id, b.id])
        #expect(throws: FakeRegistryError.self) { try store.artifacts(ofVersion: "999") }
    }

    @Test func artifactNamesAreUniqueWithinAVersionOnly() throws {
        let store = FakeRegistryStore()
        let model = try store.createRegisteredModel(RegisteredModel(name: "m"))
        let first = try store.createModelVersion(ModelVersion(name: "v1", registeredModelId: model.id))
        let second = try store.createModelVersion(ModelVersion(name: "v2", registeredModelId: model.id))
        let moved = try store.upsertVersionArtifact(versionId: first.id!, ModelArtifact(name: "weights")).artifact
        _ = try store.upsertVersionArtifact(versionId: second.id!, ModelArtifact(name: "weights"))
        #expect(conflict { _ = try store.upsertVersionArtifact(versionId: first.id!, ModelArtifact(name: "weights")) })

        // After the relink, the name belongs to the second version only.
        let third = try store.createModelVersion(ModelVersion(name: "v3", registeredModelId: model.id))
        _ = try store.upsertVersionArtifact(versionId: third.id!, ModelArtifact(id: moved.id))
        _ = try store.upsertVersionArtifact(versionId: first.id!, ModelArtifact(name: "weights"))
        #expect(conflict { _ = try store.upsertVersionArtifact(versionId: third.id!, ModelArtifact(name: "weights")) })
    }

    @Test func versionNamesAreUniqueWithinAModelAndListedPerModel() throws {
        let store = FakeRegistryStore()
        let one = try store.createRegisteredModel(RegisteredModel(name: "one"))
        let two = try store.createRegisteredModel(RegisteredModel(name: "two"))
        let v1 = try store.createModelVersion(ModelVersion(name: "v1", registeredModelId: one.id))
        let other = try store.createModelVersion(ModelVersion(name: "v1", registeredModelId: two.id))
        let v2 = try store.createModelVersion(ModelVersion(name: "v2", registeredModelId: one.id))
        #expect(conflict { _ = try store.createModelVersion(ModelVersion(name: "v1", registeredModelId: one.id)) })
        #expect(conflict { _ = try store.createRegisteredModel(RegisteredModel(name: "two")) })
        #expect(try store.modelVersions(ofModel: one.id!).map(\.id) == [v1.id, v2.id])
        #expect(try store.modelVersions(ofModel: two.id!).map(\.id) == [other.id])
        #expect(throws: FakeRegistryError.self) { try store.modelVersions(ofModel: "999") }
    }

    @Test func inferenceServiceNamesAreUniqueWithinAnEnvironment() throws {
        let store = FakeRegistryStore()
        let model = try store.createRegisteredModel(RegisteredModel(name: "m"))
        let east = try store.createServingEnvironment(ServingEnvironment(name: "east"))
        let west = try store.createServingEnvironment(ServingEnvironment(name: "west"))
        func service(_ name: String?, in environment: ServingEnvironment) throws -> InferenceService {
            try store.createInferenceService(
                InferenceService(name: name, registeredModelId: model.id, servingEnvironmentId: environment.id))
        }
        let first = try service("isvc", in: east)
        let elsewhere = try service("isvc", in: west)
        let unnamed = try service(nil, in: east)
        let alsoUnnamed = try service(nil, in: east)
        #expect(conflict { _ = try service("isvc", in: east) })
        #expect(conflict { _ = try store.createServingEnvironment(ServingEnvironment(name: "west")) })
        #expect(
            try store.inferenceServices(inEnvironment: east.id!).map(\.id) == [first.id, unnamed.id, alsoUnnamed.id])
        #expect(try store.inferenceServices(inEnvironment: west.id!).map(\.id) == [elsewhere.id])
    }

    @Test func externalIdsStayUniqueAcrossTypesAndAreFreedWhenChanged() throws {
        let store = FakeRegistryStore()
        let model = try store.createRegisteredModel(RegisteredModel(name: "m", externalId: "x"))
        #expect(
            conflict {
                _ = try store.createModelVersion(ModelVersion(name: "v", externalId: "x", registeredModelId: model.id))
            })
        #expect(conflict { _ = try store.createArtifact(ModelArtifact(name: "a", externalId: "x")) })
        // Patching to the id it already has is no conflict.
        _ = try store.updateRegisteredModel(id: model.id!, RegisteredModel(externalId: "x"))
        _ = try store.updateRegisteredModel(id: model.id!, RegisteredModel(externalId: "y"))
        let version = try store.createModelVersion(
            ModelVersion(name: "v", externalId: "x", registeredModelId: model.id))
        #expect(conflict { _ = try store.createServingEnvironment(ServingEnvironment(name: "e", externalId: "y")) })
        let artifact = try store.createArtifact(ModelArtifact(name: "a", externalId: "z"))
        #expect(conflict { _ = try store.updateModelVersion(id: version.id!, ModelVersion(externalId: "z")) })
        _ = try store.updateArtifact(id: artifact.id!, ModelArtifact(externalId: "w"))
        _ = try store.updateModelVersion(id: version.id!, ModelVersion(externalId: "z"))
        #expect(try store.modelVersion(id: version.id!).externalId == "z")
    }

    @Test func idOrderedPagesWalkEveryEntityOnceInBothDirections() async throws {
        let server = FakeRegistryServer()
        for index in 1...10 {
            _ = try server.store.createRegisteredModel(RegisteredModel(name: "m\(index)"))
        }
        try await server.start()
        defer { Task { await server.stop() } }
        let all = server.store.registeredModels().compactMap(\.name)
        #expect(try await walk(server.baseURL + "/registered_models", "orderBy=ID&sortOrder=ASC") == all)
        #expect(try await walk(server.baseURL + "/registered_models", "orderBy=ID&sortOrder=DESC") == all.reversed())
    }

    @Test func modelArtifactPagesSkipDocArtifactsAndEndWithoutAToken() async throws {
        let server = FakeRegistryServer()
        let model = try server.store.createRegisteredModel(RegisteredModel(name: "m"))
        let version = try server.store.createModelVersion(ModelVersion(name: "v", registeredModelId: model.id))
        for index in 1...7 {
            let type = index % 2 == 0 ? ModelArtifact.docArtifactType : ModelArtifact.modelArtifactType
            _ = try server.store.upsertVersionArtifact(
                versionId: version.id!, ModelArtifact(name: "a\(index)", artifactType: type))
        }
        // Three more doc artifacts after the last model artifact: the page holding it is the last.
        for index in 8...10 {
            _ = try server.store.createArtifact(
                ModelArtifact(name: "a\(index)", artifactType: ModelArtifact.docArtifactType))
        }
        try await server.start()
        defer { Task { await server.stop() } }
        let base = server.baseURL
        #expect(try await walk(base + "/model_artifacts", "orderBy=ID") == ["a1", "a3", "a5", "a7"])
        #expect(
            try await walk(base + "/artifacts", "orderBy=ID&artifactType=doc-artifact")
                == ["a2", "a4", "a6", "a8", "a9", "a10"])
        let pages = server.requestLog.records.filter { $0.path.hasSuffix("/model_artifacts") }
        #expect(pages.count == 2)
    }

    /// Every name of a paged list read with `pageSize=2`, following the tokens.
    private func walk(_ url: String, _ query: String) async throws -> [String] {
        var names: [String] = []
        var token = ""
        for _ in 0..<50 {
            let tokenQuery =
                token.isEmpty
                ? "" : "&nextPageToken=" + token.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            let page = try await rawRequest("GET", url + "?pageSize=2&" + query + tokenQuery)
            #expect(page.status == 200)
            names += (page.json["items"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
            token = page.json["nextPageToken"] as? String ?? ""
            if token.isEmpty { return names }
        }
        Issue.record("more than 50 pages")
        return names
    }

    private func conflict(_ write: () throws -> Void) -> Bool {
        do {
            try write()
            return false
        } catch let error as FakeRegistryError {
            return error.status == 409
        } catch {
            return false
        }
    }
}
