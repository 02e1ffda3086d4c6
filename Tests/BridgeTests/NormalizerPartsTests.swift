import CatalogModel
import Foundation
import Logging
import Synchronization
import Testing

@testable import Bridge

/// The normalizer's parts, each alone: the renderer is a pure function of its inputs, and the push
/// queue alone decides what is sent, what backs off and when a key set goes out.
@Suite struct NormalizerPartsTests {
    static let quiet: Logger = {
        var logger = Logger(label: "test.normalizer-parts")
        logger.logLevel = .critical
        return logger
    }()

    func service(_ name: String, ready: Bool) -> KServeInferenceService {
        KServeInferenceService(
            namespace: "team", name: name, statusURL: "https://\(name).example.com",
            conditions: [ServiceCondition(type: "Ready", status: ready ? "True" : "False")],
            transitionStatus: "UpToDate")
    }

    @Test func theRendererIsPureAndKeepsWhatWasPublishedForAServiceThatIsNoLongerReady() {
        let renderer = DocumentRenderer(settings: NormalizerSettings(), format: .jsonArray)
        let readings = RegistryReadings(snapshots: [], registriesKnown: false, generation: 0)
        let ready = [service("a", ready: true), service("b", ready: true)]
        let view = ClusterView(inferenceServices: ready)
        let first = renderer.render(readings: readings, services: ready, view: view, previous: RenderedDocuments())
        let (a, b) = (ImportKey.kserve(namespace: "team", name: "a"), ImportKey.kserve(namespace: "team", name: "b"))
        #expect(Set(first.documents.keys) == [a, b])
        let again = renderer.render(readings: readings, services: ready, view: view, previous: RenderedDocuments())
        #expect(again.documents == first.documents, "the same inputs render the same documents")

        // b is not ready any more: what was published stays. c was never published and is not ready: nothing.
        let later = [service("a", ready: true), service("b", ready: false), service("c", ready: false)]
        let second = renderer.render(
            readings: readings, services: later, view: ClusterView(inferenceServices: later), previous: first)
        #expect(Set(second.documents.keys) == [a, b])
        #expect(second.documents[b] == first.documents[b])
        #expect(second.held.isEmpty)
    }

    @Test func thePushQueueSendsOnlyChangedBytesBacksOffARefusedKeyAndPostsAKeySetOnce() async {
        let sink = ScriptedSink()
        let queue = PushQueue(
            sink: sink, format: .jsonArray, parallelism: 2, maximumRetryDelay: .seconds(60), metrics: BridgeMetrics(),
            events: EventLog(), logger: Self.quiet)
        let (a, b, c) = (
            Sample.registryDocument(model: "a"), Sample.registryDocument(model: "b"),
            Sample.registryDocument(model: "c")
        )
        let desired = [a.key: a, b.key: b]
        await queue.push(desired, forced: [])
        #expect(sink.attempts == [a.key: 1, b.key: 1])
        await queue.push(desired, forced: [])
        #expect(sink.attempts == [a.key: 1, b.key: 1], "unchanged bytes are not sent again")
        await queue.push(desired, forced: [a.key])
        #expect(sink.attempts == [a.key: 2, b.key: 1], "a key a resync names goes out although unchanged")

        // Storage refuses c: c backs off, and only c.
        sink.refuse(c.key)
        var withC = desired
        withC[c.key] = c
        await queue.push(withC, forced: [])
        #expect(sink.attempts[c.key] == 1)
        var state = await queue.state()
        #expect(state.retrying && state.nextRetry != nil && state.published == 2)
        #expect(await queue.failing().keys.sorted() == [c.key.key])

        // Each different key set goes out once; once storage took one, keys outside it are forgotten.
        await queue.postKeySet(Set(desired.keys))
        await queue.postKeySet(Set(desired.keys))
        #expect(sink.keySets == [Set(desired.keys)])
        state = await queue.state()
        #expect(state.lastKeySet == Set(desired.keys) && !state.retrying && !state.keySetFailed)
        #expect(await queue.failing().isEmpty)
    }
}

/// A sink that counts upserts per key, refuses the keys it is told to, and records key sets.
private final class ScriptedSink: CatalogSink {
    struct Refused: Error {}
    private let state = Mutex((attempts: [ImportKey: Int](), refused: Set<ImportKey>(), keySets: [Set<ImportKey>]()))

    var attempts: [ImportKey: Int] { state.withLock { $0.attempts } }
    var keySets: [Set<ImportKey>] { state.withLock { $0.keySets } }

    func refuse(_ key: ImportKey) { state.withLock { _ = $0.refused.insert(key) } }

    func upsert(_ upsert: CatalogUpsert) async throws {
        let refused = state.withLock { state in
            state.attempts[upsert.key, default: 0] += 1
            return state.refused.contains(upsert.key)
        }
        if refused { throw Refused() }
    }

    func postKeySet(_ keys: Set<ImportKey>) async throws {
        state.withLock { $0.keySets.append(keys) }
    }
}
