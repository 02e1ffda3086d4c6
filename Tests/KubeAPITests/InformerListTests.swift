import Foundation
import KubeAPI
import Logging
import ModelbridgeTesting
import Sandbox
import Synchronization
import Testing

/// The informer's list is lenient like its watch: one unreadable object is skipped with a log
/// line, the rest syncs, and a cached copy is never dropped because the list could not read it.
@Suite struct InformerListTests {
    static let kind = InferenceService.resource.fakeKindID

    static func service(_ name: String, damaged: Bool = false) -> JSONValue {
        [
            "apiVersion": "serving.kserve.io/v1beta1", "kind": "InferenceService",
            "metadata": ["name": .string(name), "namespace": "default"],
            "spec": ["predictor": ["model": ["storageUri": .string("s3://bucket/\(name)")]]],
            // A string where the conditions array belongs: the typed decoder refuses the object.
            "status": damaged ? ["conditions": "Ready"] : ["conditions": [["type": "Ready", "status": "True"]]],
        ]
    }

    func options() -> InformerOptions {
        InformerOptions(
            namespace: "default", pageSize: 2, watchTimeoutSeconds: 30...30,
            backoff: WatchBackoff(initial: .milliseconds(10), maximum: .milliseconds(50)), shortWatch: .zero)
    }

    @Test func anUndecodableObjectInTheInitialListIsSkippedWithALogLineAndTheRestSyncs() async throws {
        try await withFakeKube { server, client in
            for name in ["alpha", "broken", "gamma"] {
                _ = try server.store.seed(kind: Self.kind, object: Self.service(name, damaged: name == "broken"))
            }
            let lines = LogCapture()
            let informer = Informer<InferenceService>(
                client: client, options: options(), logger: lines.logger("informer-tests", level: .warning))
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await informer.run() }
                _ = try await awaitEvent(from: informer.events, "first sync") {
                    if case .synced = $0 { return true } else { return false }
                }
                #expect(informer.hasSynced)
                #expect(informer.objects().map(\.metadata.name) == ["alpha", "gamma"])
                let skipped = lines.all.map(\.text).filter { $0.contains("skipping a InferenceService") }
                #expect(skipped.count == 1, "\(lines.all.map(\.text))")
                #expect(skipped.first?.contains("default/broken") == true, "\(skipped)")
                group.cancelAll()
            }
        }
    }

    @Test func anObjectThatTurnsUndecodableKeepsItsLastReadableCopyThroughARelist() async throws {
        try await withFakeKube { server, client in
            for name in ["steady", "victim"] { _ = try server.store.seed(kind: Self.kind, object: Self.service(name)) }
            let informer = Informer<InferenceService>(
                client: client, options: options(), logger: LogCapture().logger("informer-tests", level: .warning))
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await informer.run() }
                _ = try await awaitEvent(from: informer.events, "first sync") {
                    if case .synced = $0 { return true } else { return false }
                }
                let readable = try #require(informer.object(forKey: "default/victim"))
                try await eventually("the informer's watch is open") { server.store.openWatchCount == 1 }
                // Damage the object, then forget the history so that the informer must relist
                // and meet the damaged object in the list rather than in a watch event.
                server.injectFault(
                    .status(code: 503, reason: "ServiceUnavailable", message: "down"), times: 1000,
                    pathContains: "/inferenceservices")
                server.store.dropAllWatches()
                try await eventually("the informer is backing off") { informer.statistics.failures >= 1 }
                _ = try server.store.seed(kind: Self.kind, object: Self.service("victim", damaged: true))
                server.store.compact()
                server.clearFaults()

                let relisted = try await awaitEvent(from: informer.events, "the relist or a delete of victim") {
                    switch $0 {
                    case .synced: return true
                    case .deleted(let object, _): return object.metadata.name == "victim"
                    default: return false
                    }
                }
                group.cancelAll()
                guard case .synced = relisted else {
                    Issue.record("the relist dropped the object it could not read: \(relisted)")
                    return
                }
                #expect(informer.statistics.lists >= 2)
                #expect(informer.object(forKey: "default/victim") == readable)
                #expect(informer.objects().map(\.metadata.name) == ["steady", "victim"])
            }
        }
    }

    @Test func aWatchTheServerCutsEarlyIsLoggedAtInfoAndResumed() async throws {
        try await withFakeKube { server, client in
            _ = try server.store.seed(kind: Self.kind, object: Self.service("alpha"))
            let lines = LogCapture()
            let informer = Informer<InferenceService>(
                client: client, options: options(), logger: lines.logger("informer-tests", level: .info))
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await informer.run() }
                _ = try await awaitEvent(from: informer.events, "first sync") {
                    if case .synced = $0 { return true } else { return false }
                }
                try await eventually("the informer's watch is open") { server.store.openWatchCount == 1 }
                #expect(
                    !lines.all.map(\.text).contains { $0.contains("closed by the server early") },
                    "\(lines.all.map(\.text))")

                server.store.dropAllWatches()
                try await eventually("the informer watches again") {
                    informer.statistics.watches >= 2 && server.store.openWatchCount == 1
                }
                let cut = lines.all.map(\.text).filter { $0.contains("closed by the server early") }
                #expect(cut.count == 1, "\(lines.all.map(\.text))")
                #expect(cut.first?.contains("requestedSeconds=30") == true, "\(cut)")

                _ = try server.store.seed(kind: Self.kind, object: Self.service("beta"))
                _ = try await awaitEvent(from: informer.events, "beta through the new watch") {
                    if case .added(let object) = $0 { return object.metadata.name == "beta" } else { return false }
                }
                group.cancelAll()
            }
        }
    }
}
