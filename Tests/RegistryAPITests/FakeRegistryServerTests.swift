import Foundation
import RegistryAPI
import Sandbox
import Testing

@Suite("Fake registry behaves like the real server")
struct FakeRegistryServerTests {
    private func withServer(_ body: (FakeRegistryServer, String) async throws -> Void) async throws {
        let server = FakeRegistryServer()
        try await server.start()
        do {
            try await body(server, server.baseURL)
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }

    @Test func createAnswers201AndADuplicateNameAnswers409() async throws {
        try await withServer { _, base in
            let created = try await rawRequest("POST", base + "/registered_models", json: #"{"name":"mnist"}"#)
            #expect(created.status == 201)
            #expect(created.json["id"] as? String == "1")
            #expect(created.json["state"] as? String == "LIVE")
            #expect(created.json["createTimeSinceEpoch"] is String)
            let duplicate = try await rawRequest("POST", base + "/registered_models", json: #"{"name":"mnist"}"#)
            #expect(duplicate.status == 409)
            #expect(duplicate.json["code"] as? String == "Conflict")
            let nameless = try await rawRequest("POST", base + "/registered_models", json: #"{"owner":"x"}"#)
            #expect(nameless.status == 422)
            #expect(nameless.json["code"] as? String == "Bad Request")
        }
    }

    @Test func findersAnswerOneObjectOr404() async throws {
        try await withServer { server, base in
            let model = try server.store.createRegisteredModel(RegisteredModel(name: "mnist"))
            _ = try server.store.createModelVersion(ModelVersion(name: "v1", registeredModelId: model.id))
            let found = try await rawRequest("GET", base + "/registered_model?name=mnist")
            #expect(found.status == 200)
            #expect(found.json["name"] as? String == "mnist")
            let missing = try await rawRequest("GET", base + "/registered_model?name=nope")
            #expect(missing.status == 404)
            #expect(missing.json["code"] as? String == "Not Found")
            let version = try await rawRequest("GET", base + "/model_version?name=v1&parentResourceId=\(model.id!)")
            #expect(version.status == 200)
            let otherParent = try await rawRequest("GET", base + "/model_version?name=v1&parentResourceId=999")
            #expect(otherParent.status == 404)
            let noParameters = try await rawRequest("GET", base + "/registered_model")
            #expect(noParameters.status == 400)
        }
    }

    @Test func patchAnswers200AndBumpsLastUpdateButNotTheName() async throws {
        try await withServer { server, base in
            let model = try server.store.createRegisteredModel(RegisteredModel(name: "mnist"))
            let patched = try await rawRequest(
                "PATCH", base + "/registered_models/\(model.id!)",
                json:
                    #"{"name":"renamed","state":"ARCHIVED","customProperties":{"k":{"metadataType":"MetadataStringValue","string_value":"v"}}}"#
            )
            #expect(patched.status == 200)
            #expect(patched.json["name"] as? String == "mnist")
            #expect(patched.json["state"] as? String == "ARCHIVED")
            let stored = try server.store.registeredModel(id: model.id!)
            #expect(stored.stringProperty("k") == "v")
            #expect(try #require(stored.lastUpdateMillis) > model.lastUpdateMillis!)
            #expect(stored.createTimeSinceEpoch == model.createTimeSinceEpoch)
            let missing = try await rawRequest("PATCH", base + "/registered_models/77", json: "{}")
            #expect(missing.status == 404)
        }
    }

    @Test func artifactUpsertAnswers201ToCreateAnd200ToUpdate() async throws {
        try await withServer { server, base in
            let model = try server.store.createRegisteredModel(RegisteredModel(name: "m"))
            let version = try server.store.createModelVersion(ModelVersion(name: "v1", registeredModelId: model.id))
            let path = base + "/model_versions/\(version.id!)/artifacts"
            let created = try await rawRequest(
                "POST", path, json: #"{"artifactType":"model-artifact","name":"m","uri":"s3://a"}"#
            )
            #expect(created.status == 201)
            let id = try #require(created.json["id"] as? String)
            let updated = try await rawRequest(
                "POST", path, json: #"{"artifactType":"model-artifact","id":"\#(id)","uri":"s3://b"}"#
            )
            #expect(updated.status == 200)
            #expect(updated.json["uri"] as? String == "s3://b")
            let untyped = try await rawRequest("POST", path, json: #"{"name":"x"}"#)
            #expect(untyped.status == 422)
        }
    }

    @Test func listsFollowOrderByAndSortOrderAndEchoPageSize() async throws {
        try await withServer { server, base in
            for name in ["bravo", "alpha", "charlie"] {
                _ = try server.store.createRegisteredModel(RegisteredModel(name: name))
            }
            func names(_ query: String) async throws -> [String] {
                let response = try await rawRequest("GET", base + "/registered_models?" + query)
                return (response.json["items"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
            }
            #expect(try await names("orderBy=NAME&sortOrder=ASC") == ["alpha", "bravo", "charlie"])
            #expect(try await names("orderBy=NAME&sortOrder=DESC") == ["charlie", "bravo", "alpha"])
            #expect(try await names("orderBy=ID&sortOrder=DESC") == ["charlie", "alpha", "bravo"])
            #expect(try await names("orderBy=LAST_UPDATE_TIME&sortOrder=DESC&pageSize=1") == ["charlie"])
            #expect(try await names("orderBy=BOGUS") == ["bravo", "alpha", "charlie"])
            let unlimited = try await rawRequest("GET", base + "/registered_models")
            #expect(unlimited.json["pageSize"] as? Int == 0)
            #expect(unlimited.json["size"] as? Int == 3)
            #expect(unlimited.json["nextPageToken"] as? String == "")
            let bad = try await rawRequest("GET", base + "/registered_models?pageSize=many")
            #expect(bad.status == 400)
        }
    }

    @Test func anEmptyPageTokenMeansTheFirstPage() async throws {
        try await withServer { server, base in
            for index in 1...3 {
                _ = try server.store.createRegisteredModel(RegisteredModel(name: "m\(index)"))
            }
            let first = try await rawRequest("GET", base + "/registered_models?pageSize=2&nextPageToken=")
            #expect((first.json["items"] as? [Any])?.count == 2)
            #expect((first.json["nextPageToken"] as? String)?.isEmpty == false)
        }
    }

    @Test func filterQuerySupportsSimpleComparisons() async throws {
        try await withServer { server, base in
            let a = try server.store.createRegisteredModel(
                RegisteredModel(name: "alpha", owner: "x", customProperties: ["team": .string("red")])
            )
            _ = try server.store.createRegisteredModel(RegisteredModel(name: "beta", owner: "y"))
            _ = try server.store.createRegisteredModel(RegisteredModel(name: "gamma", owner: "x"))
            func names(_ filter: String) async throws -> [String] {
                let encoded = filter.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
                let response = try await rawRequest("GET", base + "/registered_models?filterQuery=" + encoded)
                #expect(response.status == 200, "\(filter)")
                return (response.json["items"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
            }
            #expect(try await names("owner = 'x'") == ["alpha", "gamma"])
            #expect(try await names("owner = 'x' AND name != \"alpha\"") == ["gamma"])
            #expect(try await names("name LIKE 'b%' OR name = 'gamma'") == ["beta", "gamma"])
            #expect(try await names("lastUpdateTimeSinceEpoch > \(a.lastUpdateMillis!)") == ["beta", "gamma"])
            #expect(try await names("id IN (1, 3)") == ["alpha", "gamma"])
            #expect(try await names("team.string_value = 'red'") == ["alpha"])
            let broken = try await rawRequest("GET", base + "/registered_models?filterQuery=name%20%3D")
            #expect(broken.status == 400)
        }
    }

    @Test func servingEntitiesLinkUpAndUnknownRoutesAnswerJSON404() async throws {
        try await withServer { server, base in
            let model = try server.store.createRegisteredModel(RegisteredModel(name: "m"))
            let version = try server.store.createModelVersion(ModelVersion(name: "v1", registeredModelId: model.id))
            let environment = try await rawRequest("POST", base + "/serving_environments", json: #"{"name":"ns1"}"#)
            #expect(environment.status == 201)
            let environmentId = try #require(environment.json["id"] as? String)
            let service = try await rawRequest(
                "POST", base + "/inference_services",
                json:
                    #"{"name":"isvc/uid","registeredModelId":"\#(model.id!)","servingEnvironmentId":"\#(environmentId)"}"#
            )
            #expect(service.status == 201)
            #expect(service.json["desiredState"] as? String == "DEPLOYED")
            let serviceId = try #require(service.json["id"] as? String)
            let latest = try await rawRequest("GET", base + "/inference_services/\(serviceId)/version")
            #expect(latest.json["id"] as? String == version.id)
            let dangling = try await rawRequest(
                "POST", base + "/inference_services", json: #"{"registeredModelId":"404","servingEnvironmentId":"1"}"#
            )
            #expect(dangling.status == 404)
            let unknown = try await rawRequest("GET", base + "/no_such_collection")
            #expect(unknown.status == 404)
            #expect(unknown.json["code"] as? String == "Not Found")
        }
    }

    @Test func contextIdsAreSharedAndArtifactIdsAreSeparate() throws {
        let store = FakeRegistryStore()
        let model = try store.createRegisteredModel(RegisteredModel(name: "m"))
        let version = try store.createModelVersion(ModelVersion(name: "v", registeredModelId: model.id))
        let artifact = try store.upsertVersionArtifact(versionId: version.id!, ModelArtifact(name: "a")).artifact
        let environment = try store.createServingEnvironment(ServingEnvironment(name: "ns"))
        #expect([model.id, version.id, environment.id] == ["1", "2", "3"])
        #expect(artifact.id == "1")
        #expect(artifact.state == .unknown)
        #expect(throws: FakeRegistryError.self) {
            try store.createModelVersion(ModelVersion(name: "v", registeredModelId: "999"))
        }
        // A failed write used no id.
        #expect(try store.createServingEnvironment(ServingEnvironment(name: "ns2")).id == "4")
    }
}
