import Bridge
import CatalogModel
import Foundation
import ModelbridgeTesting
import RegistryAPI
import Testing

/// Focused reproductions of what the drills found (`docs/reliability.md`, "Bugs found"). Every
/// one is fixed, so each test asserts the fixed behaviour and fails if the bug comes back.
@Suite(.serialized) struct FoundBugTests {
    /// `StorageService.upsert` writes the store before `location` validates the document.
    @Test func storageRefusesADocumentLocationWouldRefuseAndKeepsNothing() async throws {
        let fixture = try await RoleFixture(logs: LogCapture())
        let body = #"{"body": "\#(Data("not a model catalog".utf8).base64EncodedString())"}"#
        let reply = await fixture.send(
            .POST, fixture.url(.storage) + "/upsert?key=a_b&type=kubeflow", body: Array(body.utf8))
        let stored = try await fixture.storageStore.keys()
        await fixture.shutdown()
        #expect(reply.status == 400, "\(reply.status.map(String.init) ?? "-") \(reply.body)")
        #expect(stored.isEmpty, "storage kept \(stored)")

    }

    /// A model whose name has no ASCII letter or digit is still published (not a bug: a guard,
    /// because the mutation fuzz saw victims with such names vanish).
    @Test func aModelNamedOnlyInNonLatinScriptIsStillPublished() async throws {
        let logs = LogCapture()
        let harness = try await DrillHarness(logs: logs, logLevel: .debug)
        try harness.register("漢字モデル")
        try harness.register("plain")
        await harness.cycle()
        let served = harness.index.snapshot().entries.map(\.key.key)
        let warnings = logs.lines(atLeast: .warning)
        print("non-Latin name: served keys \(served); warnings: \(warnings.map(\.description).prefix(3))")
        #expect(served.count == 2, "the model vanished; warnings: \(warnings.prefix(3))")
        await harness.shutdown()
    }

    /// Bug 8: a registry slower than the probe interval delayed every change without a word.
    @Test func aRegistryReadSlowerThanTheProbeIntervalIsNamedInAWarning() async throws {
        let logs = LogCapture()
        let harness = try await DrillHarness(logs: logs, logLevel: .info)
        try harness.register("quick")
        await harness.cycle()
        #expect(logs.lines(atLeast: .warning, containing: "answered slowly").isEmpty, "\(logs.all.prefix(3))")

        // The harness probes every millisecond, so the warning's 1 s floor applies: 400 ms per
        // answer makes the probe and the read of the new model take well over a second.
        harness.registry.faults.setLatency(.milliseconds(400))
        try harness.register("slow")
        await harness.cycle()
        harness.registry.faults.setLatency(nil)
        let slow = logs.lines(atLeast: .warning, containing: "answered slowly")
        await harness.shutdown()
        #expect(slow.count == 1, "\(slow)")
        #expect(slow.first?.text.contains("registry=rhoai-model-registries:modelregistry-public") == true, "\(slow)")
        #expect(slow.first?.text.contains("took=") == true, "\(slow)")
    }
}
