import AsyncHTTPClient
import Bridge
import CatalogModel
import Foundation
import Logging
import ModelbridgeTesting
import RegistryAPI
import Sandbox
import Testing

/// A registry object that exists but cannot be decoded is reported and treated as unknown: its
/// published documents stay, nothing else from the registry is held up, and it is rendered
/// again once it reads cleanly.
@Suite(.serialized) struct UndecodableObjectTests {
    /// The drill harness with the registry route pointing at a proxy that damages what `plan` says.
    final class DamagedRegistry: Sendable {
        let logs = LogCapture()
        let plan = MutationPlan()
        let harness: DrillHarness
        let proxy: RoleServer<MutatingRegistryProxy>
        let proxyClient = HTTPClient(eventLoopGroupProvider: .singleton)

        init() async throws {
            harness = try await DrillHarness(logs: logs, logLevel: .debug)
            proxy = RoleServer(
                name: "proxy", address: ListenAddress(host: "127.0.0.1", port: 0),
                responder: MutatingRegistryProxy(upstream: harness.registry.origin, client: proxyClient, plan: plan),
                logger: LogCapture().logger("drill.proxy", level: .critical))
            try await proxy.start()
            try harness.pointRoute("modelregistry-public", toPort: proxy.port!)
        }

        /// Damages every object of `collection` whose `id` is `id`.
        func damage(_ collection: String, id: String, _ mutation: ObjectMutation) {
            plan.set([
                MutationPlan.Rule(
                    pathContains: collection, matches: { $0["id"]?.stringValue == id }, mutation: mutation)
            ])
        }

        /// Stops damaging, and writes the model as a real fix would: the write moves the registry's
        /// change probe, so the next cycle reads it again.
        func repair(model id: String) throws {
            plan.clear()
            _ = try harness.registry.store.updateRegisteredModel(
                id: id, RegistryAPI.RegisteredModel(description: "repaired"))
        }

        /// The owner of the first model of the document served for `name` (a model name).
        func servedOwner(of name: String) -> String? {
            for entry in harness.index.snapshot().entries {
                if let document = try? ModelCatalog.decode(Data(buffer: entry.body)),
                    document.models.first?.name == name
                {
                    return document.models.first?.owner
                }
            }
            return nil
        }

        func shutdown() async {
            await proxy.stop()
            try? await proxyClient.shutdown()
            await harness.shutdown()
        }
    }

    @Test func aPublishedModelWhoseObjectBecomesUndecodableKeepsItsEntityWhileANewModelIsPublished() async throws {
        let registry = try await DamagedRegistry()
        let harness = registry.harness
        try harness.register("steady")
        let (victimModel, _) = try harness.register("victim")
        await harness.cycle()
        #expect(harness.servedNames() == ["steady-v1", "victim-v1"])
        let keysBefore = harness.servedKeys()

        registry.damage("registered_models", id: victimModel, .wrongType("name", .number(42)))
        try harness.register("fresh")
        registry.logs.clear()
        await harness.cycle()

        #expect(harness.servedNames() == ["steady-v1", "victim-v1", "fresh-v1"])
        #expect(harness.servedKeys().isSuperset(of: keysBefore))
        let reasons = await harness.controller.snapshot().incompleteReasons
        #expect(reasons.isEmpty, "the read counts as complete: \(reasons)")
        let warnings = registry.logs.lines(atLeast: .warning, containing: "registered_models")
        #expect(
            warnings.contains { $0.text.contains("registered model \(victimModel)") && $0.text.contains("name:") },
            "\(registry.logs.lines(atLeast: .warning))")
        await registry.shutdown()
    }

    @Test func anObjectThatStaysUnreadableIsLoggedOnceNotAtEveryRead() async throws {
        let registry = try await DamagedRegistry()
        let harness = registry.harness
        let (victimModel, _) = try harness.register("victim")
        await harness.cycle()
        registry.damage("registered_models", id: victimModel, .wrongType("name", .number(42)))
        registry.logs.clear()
        for round in 1...3 {
            // A new model moves the registry's change probe, so every cycle reads the registry again.
            try harness.register("fresh\(round)")
            await harness.cycle()
        }
        #expect(harness.servedNames().contains("fresh3-v1"), "every cycle read the registry")
        let warnings = registry.logs.lines(atLeast: .warning).filter {
            $0.text.contains("skipped a registry object") && $0.text.contains("registered model \(victimModel)")
        }
        #expect(warnings.count == 1, "\(registry.logs.lines(atLeast: .warning))")
        await registry.shutdown()
    }

    @Test func aModelVersionIsRenderedAgainOnceItDecodes() async throws {
        let registry = try await DamagedRegistry()
        let harness = registry.harness
        let (victimModel, victimVersion) = try harness.register("victim")
        await harness.cycle()
        let ownerBefore = try #require(registry.servedOwner(of: "victim-v1"))

        registry.damage("model_versions", id: victimVersion, .wrongType("customProperties", .array([.string("x")])))
        _ = try harness.registry.store.updateRegisteredModel(
            id: victimModel, RegistryAPI.RegisteredModel(owner: "bob"))
        await harness.cycle()
        #expect(registry.servedOwner(of: "victim-v1") == ownerBefore, "kept as published, not re-rendered")

        registry.plan.clear()
        _ = try harness.registry.store.updateModelVersion(
            id: victimVersion, RegistryAPI.ModelVersion(description: "repaired"))
        await harness.cycle()
        let ownerAfter = try #require(registry.servedOwner(of: "victim-v1"))
        #expect(ownerAfter != ownerBefore)
        #expect(ownerAfter.contains("bob"))
        await registry.shutdown()
    }

    @Test func anObjectWithoutAReadableIdHoldsTheRegistrysDeletionsOnlyWhileItIsUnreadable() async throws {
        let registry = try await DamagedRegistry()
        let harness = registry.harness
        let (steadyModel, _) = try harness.register("steady")
        let (doomedModel, _) = try harness.register("doomed")
        await harness.cycle()
        #expect(harness.servedNames() == ["steady-v1", "doomed-v1"])

        registry.damage("registered_models", id: steadyModel, .remove("id"))
        _ = try harness.registry.store.updateRegisteredModel(
            id: doomedModel, RegistryAPI.RegisteredModel(state: .archived))
        try harness.register("fresh")
        registry.logs.clear()
        await harness.cycle()
        #expect(harness.servedNames() == ["steady-v1", "doomed-v1", "fresh-v1"], "additions go out, deletions wait")
        #expect(!registry.logs.lines(atLeast: .warning, containing: "deletions from this registry are held").isEmpty)

        try registry.repair(model: steadyModel)
        await harness.cycle()
        #expect(harness.servedNames() == ["steady-v1", "fresh-v1"], "the archived model goes once all reads cleanly")
        await registry.shutdown()
    }

    @Test func aRestartedNormalizerDeletesNothingWhileAnObjectItCannotReadMayHaveDocuments() async throws {
        let registry = try await DamagedRegistry()
        let harness = registry.harness
        let (victimModel, _) = try harness.register("victim")
        let (doomedModel, _) = try harness.register("doomed")
        await harness.cycle()
        #expect(harness.servedNames() == ["victim-v1", "doomed-v1"])

        // A second normalizer on the same storage knows nothing of what the first published.
        registry.damage("registered_models", id: victimModel, .wrongType("customProperties", .string("x")))
        _ = try harness.registry.store.updateRegisteredModel(
            id: doomedModel, RegistryAPI.RegisteredModel(state: .archived))
        try harness.register("fresh")
        let restarted =
            BridgeEngine(
                store: harness.store,
                normalizer: NormalizerSetup(
                    configuration: NormalizerConfiguration(
                        probeInterval: .milliseconds(1), pollingInterval: .seconds(3600)),
                    routes: KubeRouteLister(client: harness.client), transport: harness.transport,
                    cluster: harness.cluster, logger: registry.logs.logger("drill.normalizer.restarted", level: .debug)),
                index: harness.index, storageLogger: registry.logs.logger("drill.storage.restarted")
            ).controller
        await restarted.runCycle()
        #expect(harness.servedNames() == ["victim-v1", "doomed-v1", "fresh-v1"])
        let reasons = await restarted.snapshot().incompleteReasons
        #expect(reasons.contains { $0.contains("could not be read") }, "\(reasons)")

        try registry.repair(model: victimModel)
        await restarted.runCycle()
        #expect(harness.servedNames() == ["victim-v1", "fresh-v1"])
        #expect(await restarted.isReady)
        await registry.shutdown()
    }
}
