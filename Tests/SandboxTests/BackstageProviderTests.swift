import Bridge
import CatalogModel
import Foundation
import Sandbox
import Testing

/// The emulated entity provider against a real location (Bridge's) and against a scripted one.
@Suite struct BackstageProviderTests {
    @Test func documentsOfARealLocationBecomeEntities() async throws {
        try await withLocation { index, url in
            let sample = SampleDocuments.registry(model: "mnist")
            index.upsert(try CatalogUpsert.checked(key: sample.key, type: nil, body: sample.body, format: .jsonArray))
            index.markLoaded()
            let provider = makeProvider(url)
            let cycle = await provider.pollNow()
            #expect(cycle.outcome == .applied)
            #expect(cycle.listedURIs == 1)
            let entities = await provider.entities
            #expect(entities.map(\.kind) == ["Resource"])
            #expect(entities.first?.spec.type == "ai-model")
            #expect(
                entities.first?.metadata.annotations["backstage.io/managed-by-location"]
                    == "ModelCatalogResourceEntityProvider:development")
        }
    }

    @Test func anEmptyListDeletesEveryEntity() async throws {
        try await withLocation { index, url in
            let sample = SampleDocuments.registry(model: "mnist")
            index.upsert(try CatalogUpsert.checked(key: sample.key, type: nil, body: sample.body, format: .jsonArray))
            index.markLoaded()
            let provider = makeProvider(url)
            #expect(await provider.pollNow().entityCount == 1)
            index.remove(key: try #require(ImportKey(storedKey: sample.key)))
            let cycle = await provider.pollNow()
            #expect(cycle.outcome == .applied)
            #expect(cycle.listedURIs == 0)
            #expect(await provider.entities.isEmpty)
        }
    }

    @Test func aLocationStillLoadingAnswers503AndTheCycleFails() async throws {
        try await withLocation { _, url in
            let cycle = await makeProvider(url).pollNow()
            #expect(cycle.outcome == .failed)
            #expect(cycle.error?.contains("503") == true)
        }
    }

    @Test func a503OnListKeepsTheEntities() async throws {
        let location = ScriptedLocation()
        location.serve(["/m/v1/model-catalog.json": Self.document(model: "mnist-v1")])
        try await location.run { url in
            let provider = makeProvider(url)
            #expect(await provider.pollNow().entityCount == 1)
            location.answer("/list", status: 503, #"{"error":"not loaded"}"#)
            let cycle = await provider.pollNow()
            #expect(cycle.outcome == .failed)
            #expect(cycle.error?.contains("503") == true)
            #expect(await provider.entities.map(\.metadata.name) == ["mnist-v1"])
        }
    }

    @Test func aListThatIsNotJSONKeepsTheEntities() async throws {
        let location = ScriptedLocation()
        location.serve(["/m/v1/model-catalog.json": Self.document(model: "mnist-v1")])
        try await location.run { url in
            let provider = makeProvider(url)
            #expect(await provider.pollNow().entityCount == 1)
            location.answer("/list", "<html>proxy error</html>")
            #expect(await provider.pollNow().outcome == .failed)
            #expect(await provider.entities.count == 1)
        }
    }

    @Test func nullOrMissingURIsMeanNoModels() async throws {
        let location = ScriptedLocation()
        location.serve(["/m/v1/model-catalog.json": Self.document(model: "mnist-v1")])
        try await location.run { url in
            let provider = makeProvider(url)
            #expect(await provider.pollNow().entityCount == 1)
            location.answer("/list", #"{"uris":null}"#)
            #expect(await provider.pollNow().outcome == .applied)
            #expect(await provider.entities.isEmpty)
            location.serve(["/m/v1/model-catalog.json": Self.document(model: "mnist-v1")])
            #expect(await provider.pollNow().entityCount == 1)
            location.answer("/list", "{}")
            #expect(await provider.pollNow().entityCount == 0)
        }
    }

    @Test func oneFailedFetchAbortsTheWholeCycle() async throws {
        let location = ScriptedLocation()
        location.serve(["/a/v1/model-catalog.json": Self.document(model: "a-v1")])
        try await location.run { url in
            let provider = makeProvider(url)
            #expect(await provider.pollNow().entityCount == 1)
            location.serve([
                "/a/v1/model-catalog.json": Self.document(model: "a-v1"),
                "/b/v1/model-catalog.json": Self.document(model: "b-v1"),
            ])
            location.answer("/b/v1/model-catalog.json", status: 500, #"{"error":"boom"}"#)
            let cycle = await provider.pollNow()
            #expect(cycle.outcome == .failed)
            #expect(cycle.error?.contains("/b/v1/model-catalog.json") == true)
            #expect(await provider.entities.map(\.metadata.name) == ["a-v1"])
        }
    }

    @Test func aNullModelsArrayAbortsTheCycleAsThePluginCrashes() async throws {
        let location = ScriptedLocation()
        location.serve(["/a/v1/model-catalog.json": Self.document(model: "a-v1")])
        try await location.run { url in
            let provider = makeProvider(url)
            #expect(await provider.pollNow().entityCount == 1)
            location.serve(["/a/v1/model-catalog.json": #"{"models":null}"#])
            let cycle = await provider.pollNow()
            #expect(cycle.outcome == .failed)
            #expect(cycle.error?.contains("models.forEach") == true)
            #expect(await provider.entities.count == 1)
        }
    }

    @Test func entitiesAreMappedAsThePluginMapsThem() async throws {
        let document = """
            {"models":[{"name":" My Model ","description":"d","owner":"alice","lifecycle":"production",
              "tags":["good-tag","Upper","has_underscore","with.dot","  spaced tag  ","v1:beta"],
              "artifactLocationURL":"s3://b/m","license":"https://license.example",
              "annotations":{"TechDocs":"  http://localhost:9090/modelcard?key=abc  ","custom":"x"}}],
             "modelServer":{"name":"my-server","owner":"bob","lifecycle":"production","description":"srv",
              "authentication":true,"tags":["vllm","GPU"],"homepageURL":"https://home.example",
              "annotations":{"team":"ai"},
              "API":{"url":"https://api.example","type":"openapi","spec":"TBD","tags":["rest"],
                "annotations":{"rhdh.modelcatalog.io/internal-service-url":"http://svc","team":"api-team"}}}}
            """
        let location = ScriptedLocation()
        location.serve(["/m/v/model-catalog.json": document])
        try await location.run { url in
            let provider = makeProvider(url)
            let cycle = await provider.pollNow()
            #expect(cycle.outcome == .applied)
            let entities = await provider.entities
            #expect(entities.map(\.kind) == ["Resource", "Component", "API"])
            let resource = entities[0]
            #expect(resource.metadata.name == "MyModel")
            #expect(resource.metadata.tags == ["good-tag", "spacedtag", "v1:beta"])
            #expect(resource.metadata.links.map(\.title) == ["Artifact Location", "License"])
            #expect(
                resource.metadata.annotations["backstage.io/techdocs-ref"]
                    == "url:http://localhost:9090/modelcard?key=abc")
            #expect(resource.metadata.annotations["TechDocs"] == nil)
            #expect(resource.metadata.annotations["custom"] == "x")
            #expect(resource.spec.owner == "user:alice")
            #expect(resource.spec.dependencyOf == ["component:my-server"])
            let component = entities[1]
            #expect(component.metadata.tags == ["vllm", "auth-required"])
            #expect(component.metadata.links.map(\.title) == ["API", "Homepage"])
            #expect(component.metadata.annotations["team"] == "ai")
            #expect(component.metadata.annotations["rhdh.modelcatalog.io/internal-service-url"] == "http://svc")
            #expect(component.spec.dependsOn == ["resource: My Model "])
            #expect(component.spec.providesApis == ["my-server"])
            let api = entities[2]
            #expect(api.metadata.tags == ["rest", "auth-required"])
            #expect(api.metadata.description == nil)
            #expect(api.spec.definition == "TBD")
            #expect(api.spec.type == "openapi")
        }
    }

    @Test func aServerWithoutAuthenticationIsTaggedAuthNotRequired() throws {
        let document = try Self.json(
            #"{"models":[{"name":"m","owner":"o"}],"modelServer":{"name":"s","owner":"o","lifecycle":"l"}}"#)
        let candidates = try ModelCatalogEntityMapper().entities(from: document)
        #expect(candidates.map(\.entity.kind) == ["Resource", "Component"])
        #expect(candidates[1].entity.metadata.tags == ["auth-not-required"])
        #expect(candidates[0].entity.metadata.description == "undefined")
    }

    @Test func invalidEntitiesAreRejectedAndTheRestApplied() async throws {
        let location = ScriptedLocation()
        location.serve([
            "/a/v/model-catalog.json": #"{"models":[{"name":"ok-model","owner":"alice","howToUseURL":""}]}"#,
            "/b/v/model-catalog.json": #"{"models":[{"name":"fine","owner":"alice"},{"name":"-bad-","owner":"a"}]}"#,
        ])
        try await location.run { url in
            let provider = makeProvider(url)
            let cycle = await provider.pollNow()
            #expect(cycle.outcome == .applied)
            #expect(await provider.entities.map(\.metadata.name) == ["fine"])
            let rejected = await provider.rejected
            #expect(Set(rejected.map(\.entity.metadata.name)) == ["ok-model", "-bad-"])
        }
    }

    @Test func theTechDocsReaderGetsTheModelCardMarkdown() async throws {
        try await withLocation { index, url in
            let sample = SampleDocuments.registry(model: "granite", card: "# Granite\n\nA model card.\n")
            index.upsert(try CatalogUpsert.checked(key: sample.key, type: nil, body: sample.body, format: .jsonArray))
            index.markLoaded()
            let provider = makeProvider(url)
            let cycle = await provider.pollNow()
            #expect(cycle.techDocsRead == 1)
            #expect(cycle.techDocsOK == 1)
            let reads = await provider.techDocs
            let read = try #require(reads.values.first)
            #expect(read.annotatedURL.hasPrefix("http://localhost:9090/modelcard?key="))
            #expect(read.fetchedURL?.hasPrefix(url + "/modelcard?key=") == true)
            #expect(read.status == 200)
            #expect(read.outcome == .content)
            #expect(read.body == "# Granite\n\nA model card.\n")
        }
    }

    @Test func theTechDocsPredicateFollowsTheReader() {
        let location = "http://127.0.0.1:9191"
        #expect(
            TechDocsReader.fetchURL(for: "http://127.0.0.1:9191/modelcard?key=a", locationURL: location)
                == "http://127.0.0.1:9191/modelcard?key=a")
        #expect(
            TechDocsReader.fetchURL(for: "http://localhost:9090/modelcard?key=a", locationURL: location)
                == "http://127.0.0.1:9191/modelcard?key=a")
        #expect(TechDocsReader.fetchURL(for: "http://localhost:9091/modelcard?key=a", locationURL: location) == nil)
        #expect(TechDocsReader.fetchURL(for: "http://127.0.0.1:9191/docs?key=a", locationURL: location) == nil)
        #expect(TechDocsReader.fetchURL(for: "/modelcard/src/model", locationURL: location) == nil)
    }

    @Test func aScheduledProviderAnnouncesEveryCycle() async throws {
        let location = ScriptedLocation()
        location.serve(["/m/v/model-catalog.json": Self.document(model: "m-v")])
        try await location.run { url in
            let provider = ModelCatalogEntityProvider(
                configuration: .init(baseURL: url, interval: .milliseconds(20)), client: .shared,
                logger: quietLogger())
            let cycles = provider.cycles()
            let running = Task { await provider.run() }
            var numbers: [Int] = []
            for await cycle in cycles {
                numbers.append(cycle.number)
                if numbers.count == 3 { break }
            }
            running.cancel()
            await running.value
            #expect(numbers == [1, 2, 3])
            #expect(await provider.history.count >= 3)
        }
    }

    static func document(model: String) -> String {
        #"{"models":[{"name":"\#(model)","owner":"alice","description":"","lifecycle":"development"}]}"#
    }

    static func json(_ text: String) throws -> KubeAPIJSON {
        try JSONDecoder().decode(KubeAPIJSON.self, from: Data(text.utf8))
    }
}
