import CatalogModel
import ConsoleBridge
import ConsoleCore
import Foundation
import Testing

@testable import Bridge

@Suite struct EngineSnapshotBuilderTests {
    /// One registry with four versions, one per TechDocs situation; `catalog: false` takes its catalog route away.
    func state(catalog: Bool = true) throws -> (EngineState, [String: NormalizedDocument]) {
        let model = RegisteredModel(id: "1", name: "granite", owner: "alice")
        func version(_ id: String, _ name: String) -> ModelVersion {
            ModelVersion(id: id, name: name, registeredModelId: "1")
        }
        let withCard = CatalogSource(sourceClass: "rh", group: "g", name: "with-card")
        let emptyCard = CatalogSource(sourceClass: "rh", group: "g", name: "empty")
        let unreachable = CatalogSource(sourceClass: "rh", group: "g", name: "down")
        let artifact = { (source: CatalogSource?) in
            ModelArtifact(
                uri: "s3://x", modelFormatName: "onnx", modelSourceClass: source?.sourceClass,
                modelSourceGroup: source?.group, modelSourceName: source?.name)
        }
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        var snapshot = RegistrySnapshot(
            registry: "ns:reg", baseURL: "http://reg", catalogURL: "http://catalog", models: [model],
            versions: [version("2", "v-card"), version("3", "v-old"), version("4", "v-empty"), version("5", "v-down")],
            artifactsByVersion: [
                "2": [artifact(withCard)], "3": [artifact(nil)], "4": [artifact(emptyCard)],
                "5": [artifact(unreachable)],
            ],
            inferenceServices: [], servingEnvironments: [:],
            cards: [
                withCard: .fetched(markdown: "# Card", at: now), emptyCard: .empty(at: now),
                unreachable: .failed(reason: "connection refused", at: now, lastGood: nil),
            ],
            fingerprint: nil, readAt: now, skipped: [])
        if !catalog {
            snapshot.catalogURL = nil
            snapshot.cards = [:]
        }
        let normalizer = RegistryNormalizer(settings: NormalizerSettings())
        var documents: [String: NormalizedDocument] = [:]
        for (model, version) in snapshot.liveVersions {
            let document = normalizer.normalize(
                snapshot.input(model: model, version: version), cluster: ClusterView(inferenceServices: []))
            documents[version.name] = document
        }
        let index = LocationIndex(format: .jsonArray)
        index.markLoaded()
        for document in documents.values {
            index.upsert(CatalogUpsert(rendered: document, body: try UpsertBody(document, format: .jsonArray)))
        }
        let normalizerSnapshot = NormalizerSnapshot(
            registries: [], snapshots: [snapshot], documents: documents.values.sorted { $0.key < $1.key },
            inferenceServices: [], failing: [:], lastCycle: now, lastCompleteCycle: now, incompleteReasons: [],
            isLeader: true)
        return (
            EngineState(
                location: index.snapshot(), normalizer: normalizerSnapshot,
                store: StoreContents(shards: [], entries: [:]), events: [], format: .jsonArray, mode: .sandbox,
                context: "test", readOnly: false),
            documents
        )
    }

    @Test func theTechDocsViewSaysWhyEachModelHasNoDocs() throws {
        let (state, documents) = try state()
        let snapshot = EngineSnapshotBuilder.build(state, now: Date())
        let rows = Dictionary(uniqueKeysWithValues: snapshot.techDocs.map { ($0.version, $0) })
        #expect(rows["v-card"]?.missingReason == nil)
        #expect(rows["v-card"]?.servedPath == "/modelcard?key=\(documents["v-card"]!.modelCard!.key)")
        #expect(rows["v-card"]?.catalogFetch?.bytes == 6)
        #expect(rows["v-old"]?.missingReason == .registeredBeforeRHOAI225)
        #expect(rows["v-empty"]?.missingReason == .cardEmpty)
        #expect(rows["v-down"]?.missingReason == .catalogUnreachable)
        #expect(rows["v-down"]?.catalogFetch?.error == "connection refused")
    }

    @Test func aRegistryWithoutACatalogRouteSaysSo() throws {
        let (state, _) = try state(catalog: false)
        let snapshot = EngineSnapshotBuilder.build(state, now: Date())
        let row = snapshot.techDocs.first { $0.version == "v-empty" }
        #expect(row?.missingReason == .noCatalogRoute)
    }

    @Test func modelsCarryTheirRegistryFormatAndServedState() throws {
        let (state, documents) = try state()
        let snapshot = EngineSnapshotBuilder.build(state, now: Date())
        #expect(snapshot.models.count == 4)
        let row = try #require(snapshot.models.first { $0.version == "v-card" })
        #expect(row.registry == "ns:reg" && row.model == "granite" && row.format == "onnx" && row.state == "served")
        #expect(row.key == documents["v-card"]?.key.key)
        #expect(row.documentJSON?.contains("\"name\"") == true)
        #expect(snapshot.header.components.contains { $0.name == "location" && $0.health == .connected })
    }

    @Test func theHeaderCarriesWhyNothingIsPublished() throws {
        var (state, _) = try state()
        #expect(EngineSnapshotBuilder.build(state, now: Date()).header.notPublishing == nil)
        state.normalizer?.publishing = PublishingState(
            mode: .blocked,
            reason: "publishing nothing because the lease rhdh/x could not be acquired or renewed for 16 s")
        let blocked = EngineSnapshotBuilder.build(state, now: Date()).header.notPublishing
        #expect(blocked?.isFault == true && blocked?.reason.hasPrefix("publishing nothing because the lease") == true)
        state.normalizer?.publishing = PublishingState(mode: .standby, reason: "publishing nothing because replica b")
        #expect(EngineSnapshotBuilder.build(state, now: Date()).header.notPublishing?.isFault == false)
    }

    @Test func backstageFetchesShowUpPerDocumentAndCard() throws {
        let (state, _) = try state()
        var recorded = state
        let index = LocationIndex(format: .jsonArray)
        index.markLoaded()
        let entry = recorded.location.entries[0]
        index.upsert(
            try CatalogUpsert.checked(
                key: entry.key.key, type: nil,
                body: UpsertBody(body: Data(buffer: entry.body), modelCardKey: "k", modelCard: "# c"),
                format: .jsonArray))
        _ = index.listBody()
        _ = index.document(segment1: entry.key.segment1, segment2: entry.key.segment2)
        _ = index.modelCard(key: "k", ifNoneMatch: nil, upstreamCounter: false)
        recorded.location = index.snapshot()
        let snapshot = EngineSnapshotBuilder.build(recorded, now: Date())
        #expect(snapshot.backstage.listPolls == 1)
        #expect(snapshot.backstage.fetches.map(\.kind) == [.document, .card])
    }
}
