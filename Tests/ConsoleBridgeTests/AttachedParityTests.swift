import AsyncHTTPClient
import Bridge
import CatalogModel
import ConsoleBridge
import ConsoleCore
import Foundation
import KubeAPI
import Logging
import ModelbridgeTesting
import NIOHTTP1
import RegistryAPI
import Sandbox
import Synchronization
import Testing

/// One engine against the demo sandbox, seen twice: in process (``BridgeConsoleEngine``) and through its
/// ports (``AttachedConsoleEngine``). Every view must show the same rows.
@Suite(.serialized) struct AttachedParityTests {
    @Test func theAttachedConsoleShowsWhatTheInProcessConsoleShows() async throws {
        let rig = try await EngineRig.start()
        do {
            try await rig.settle()
            // Developer Hub reads /list, every document and every card, so the Backstage view has rows.
            let cycle = await rig.platform.backstage.pollNow()
            #expect(cycle.outcome == .applied, "\(cycle)")

            let inProcess = BridgeConsoleEngine(
                index: rig.index, controller: rig.controller, store: rig.store,
                location: InProcessLocationSink(index: rig.index), events: rig.events, format: .jsonArray,
                mode: .sandbox, context: "in-process", readOnly: true)
            let attached = AttachedConsoleEngine(
                locationURL: rig.location.url, storageURL: rig.storage.url, normalizerURL: rig.admin.url,
                readOnly: true, client: rig.http)
            // The engine is idle (no cycle runs unless the test runs one), so the two samples see one state.
            let now = Date()
            let local = EngineSnapshotBuilder.build(await inProcess.state(), now: now)
            let (attachedState, failures) = await attached.state()
            #expect(failures.isEmpty, "\(failures)")
            let remote = EngineSnapshotBuilder.build(attachedState, now: now)

            // Not a comparison of two empty screens.
            #expect(remote.models.count > 10 && remote.models.allSatisfy { $0.registry != "(stored)" })
            #expect(remote.models.contains { $0.format == "vLLM" && $0.model == "Mistral_7B.Instruct" })
            #expect(remote.endpoints.count >= 5 && remote.endpoints.contains { $0.linkedKey != nil })
            #expect(remote.techDocs.contains { $0.missingReason == nil && $0.servedPath != nil })
            #expect(remote.techDocs.contains { $0.missingReason == .registeredBeforeRHOAI225 })
            #expect(!remote.backstage.fetches.isEmpty && !remote.events.isEmpty)

            Self.expectSameViews(remote, local, now: now)
        } catch {
            Issue.record(error)
        }
        await rig.shutdown()
    }

    /// `modelbridge console --pod`: the same engine, attached through the sandbox API server's `pods/proxy` to its
    /// simulated Developer Hub pod, found by its label as an operator would find it.
    @Test func theConsoleAttachedByPodShowsWhatTheInProcessConsoleShows() async throws {
        let rig = try await EngineRig.start()
        do {
            try await rig.settle()
            let name = try rig.platform.addDeveloperHubPod(
                locationPort: try #require(rig.location.port), storagePort: try #require(rig.storage.port),
                normalizerPort: try #require(rig.admin.port))
            let kube = rig.kube
            try await poll(until: "the fake kubelet runs the pod") {
                try await kube.get(Pod.self, name: name, namespace: "rhdh").status?.phase == "Running"
            }
            let target = try await PodAttachment.resolve(client: kube, namespace: "rhdh", pod: nil, selector: nil)
            #expect(target.pod == name)
            #expect(
                [target.locationPort, target.storagePort, target.normalizerPort]
                    == [rig.location.port, rig.storage.port, rig.admin.port])
            try await target.check(client: kube)
            let channels = target.channels(client: kube)
            let byPod = AttachedConsoleEngine(
                location: channels.location, storage: channels.storage, normalizer: channels.normalizer,
                readOnly: true)
            let inProcess = BridgeConsoleEngine(
                index: rig.index, controller: rig.controller, store: rig.store,
                location: InProcessLocationSink(index: rig.index), events: rig.events, format: .jsonArray,
                mode: .sandbox, context: "in-process", readOnly: true)
            let now = Date()
            let local = EngineSnapshotBuilder.build(await inProcess.state(), now: now)
            let (state, failures) = await byPod.state()
            #expect(failures.isEmpty, "\(failures)")
            let remote = EngineSnapshotBuilder.build(state, now: now)
            #expect(remote.endpoints.contains { $0.linkedKey != nil })
            #expect(remote.techDocs.contains { $0.missingReason == .registeredBeforeRHOAI225 })
            #expect(!remote.events.isEmpty)
            Self.expectSameViews(remote, local, now: now)
            // The context names the pod (with or without the ports, which the header may leave out).
            #expect(remote.header.context.contains("pod rhdh/\(name)"))
        } catch {
            Issue.record(error)
        }
        await rig.shutdown()
    }

    /// Without `get` on `pods/proxy`, attaching stops before the console starts and says which permission is missing.
    @Test func attachingByPodWithoutPodsProxyNamesTheMissingPermission() async throws {
        let quiet = Logger.quiet("test.parity")
        let server = FakeKubeServer(configuration: .init(namespaces: ["rhdh"], rbac: true), logger: quiet)
        try await server.start()
        let kubelet = FakeKubeletController(store: server.store)
        let running = Task { await kubelet.run() }
        do {
            // May read pods, not proxy to them.
            try server.store.seedOperatorWhoMayReadPodsButNotProxy()
            let token = try server.issueToken(serviceAccount: "operator", namespace: "rhdh")
            let kube = try KubeClient(
                config: KubeConfig(server: server.url, namespace: "rhdh", credentials: .token(token)), logger: quiet)
            do {
                let target = try await PodAttachment.resolve(
                    client: kube, namespace: "rhdh", pod: "backstage-developer-hub-x", selector: nil)
                do {
                    try await target.check(client: kube)
                    Issue.record("attaching without pods/proxy should fail")
                } catch {
                    #expect("\(error)".contains("`get` on pods/proxy in namespace rhdh"), "\(error)")
                }
            } catch {
                Issue.record(error)
            }
            try await kube.shutdown()
        } catch {
            Issue.record(error)
        }
        running.cancel()
        await server.stop()
    }

    @Test func stateAnswersAnUnknownQueryParameterWith400() async throws {
        let rig = try await EngineRig.start()
        do {
            for url in [rig.admin.url, rig.location.url, rig.storage.url] {
                let reply = try await rig.http.execute(
                    HTTPClientRequest(url: url + "/state?verbose=1"), timeout: .seconds(5))
                #expect(reply.status.code == 400, "\(url)")
                let good = try await rig.http.execute(HTTPClientRequest(url: url + "/state"), timeout: .seconds(5))
                #expect(good.status.code == 200, "\(url)")
            }
        } catch {
            Issue.record(error)
        }
        await rig.shutdown()
    }

    /// storage-rest's `/state` lists the cache without bodies; the attached console reads a body again only
    /// when its content digest changed (a new model card with the same update time included), so an idle
    /// cache costs one request per poll, and what it shows equals the in-process Cache view.
    @Test func anIdleCacheCostsOneRequestPerPollAndOnlyChangedEntriesAreFetched() async throws {
        var quiet = Logger(label: "test.parity")
        quiet.logLevel = .critical
        let store = MemoryCatalogStore()
        for name in ["alpha", "beta", "gamma"] {
            try await store.upsert(
                key: "\(name)_v1",
                body: StorageBody(
                    body: Data(#"{"models":[{"name":"\#(name)"}]}"#.utf8), reconcilerType: "kubeflow",
                    lastUpdateTimeSinceEpoch: "1700000000000", modelCardKey: "\(name)card", modelCard: "# \(name)"))
        }
        let index = LocationIndex(format: .jsonArray)
        let server = RoleServer(
            name: "storage-rest", address: ListenAddress(host: "127.0.0.1", port: 0),
            responder: StorageResponder(store: store, location: InProcessLocationSink(index: index), logger: quiet),
            logger: quiet)
        try await server.start()
        let http = HTTPClient(eventLoopGroupProvider: .singleton)
        do {
            let channel = CountingChannel(URLSidecarChannel(baseURL: server.url, client: http))
            let attached = AttachedConsoleEngine(location: nil, storage: channel, normalizer: nil, readOnly: true)
            let inProcess = BridgeConsoleEngine(
                index: index, controller: nil, store: store, location: InProcessLocationSink(index: index),
                events: EventLog(), format: .jsonArray, mode: .inProcess, context: "in-process", readOnly: true)
            func expectSameCache() async {
                let now = Date()
                let remote = EngineSnapshotBuilder.build(await attached.state().0, now: now)
                let local = EngineSnapshotBuilder.build(await inProcess.state(), now: now)
                #expect(remote.cache == local.cache)
            }

            await expectSameCache()
            #expect(channel.takeCounts() == ["/state": 1, "/fetch": 3], "the first poll reads every body once")
            await expectSameCache()
            #expect(channel.takeCounts() == ["/state": 1], "nothing changed: nothing is fetched")

            // A new card under the same update time, and a removal.
            var alpha = try #require(try await store.fetch(key: "alpha_v1"))
            alpha.modelCard = "# alpha, revised"
            try await store.upsert(key: "alpha_v1", body: alpha)
            try await store.remove(key: "gamma_v1")
            let (state, _) = await attached.state()
            #expect(channel.takeCounts() == ["/state": 1, "/fetch": 1])
            #expect(state.store.entries["alpha_v1"] == alpha)
            #expect(state.store.entries["gamma_v1"] == nil)
            #expect(state.store.shards.map(\.name) == ["memory"] && state.store.shards[0].budget == nil)
            await expectSameCache()
        } catch {
            Issue.record(error)
        }
        try? await http.shutdown()
        await server.stop()
    }

    /// A storage-rest of another release shows as disconnected in the header, saying why, as location and the
    /// normalizer do.
    @Test func aStorageRestOfAnotherReleaseShowsAsDisconnectedWithTheReason() async throws {
        let older = StubChannel(status: 404, body: #"{"error":"no route GET /state","status":404}"#)
        let newer = StubChannel(
            status: 200, body: #"{"apiVersion":"modelbridge.rhdh.io/v2","kind":"StorageState","shards":7}"#)
        for (channel, reason) in [(older, "has no GET /state (404"), (newer, "modelbridge.rhdh.io/v2")] {
            let engine = AttachedConsoleEngine(location: nil, storage: channel, normalizer: nil, readOnly: true)
            let snapshot = EngineSnapshotBuilder.build(await engine.state().0, now: Date())
            let storage = try #require(snapshot.header.components.first { $0.name == "storage" })
            #expect(storage.health == .disconnected)
            #expect(storage.detail.contains(reason), "\(storage.detail)")
            #expect(snapshot.cache.shards.isEmpty)
        }
    }

    /// The attached snapshot shows what the in-process one shows: the same values behind each of the six
    /// views, and the same rows in every table the views draw at one instant (so ages agree too), the
    /// Cache view's ConfigMap rows (bytes, budget, headroom) and each ConfigMap's keys included.
    static func expectSameViews(
        _ remote: EngineSnapshot, _ local: EngineSnapshot, now: Date, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        // Not a comparison of two empty caches, nor of one pseudo-shard: the rig's budget spreads the
        // documents over several ConfigMaps.
        #expect(remote.cache.shards.count >= 2, "\(remote.cache.shards.map(\.name))", sourceLocation: sourceLocation)
        #expect(
            remote.cache.shards.allSatisfy { $0.budgetBytes == EngineRig.shardBudget && !$0.entries.isEmpty },
            sourceLocation: sourceLocation)

        #expect(remote.models == local.models, sourceLocation: sourceLocation)
        #expect(remote.endpoints == local.endpoints, sourceLocation: sourceLocation)
        #expect(remote.techDocs == local.techDocs, sourceLocation: sourceLocation)
        #expect(remote.cache == local.cache, sourceLocation: sourceLocation)
        #expect(remote.backstage == local.backstage, sourceLocation: sourceLocation)
        #expect(remote.events == local.events, sourceLocation: sourceLocation)
        // The header's storage line names the fullest ConfigMap from the same figures.
        #expect(
            remote.header.components.first { $0.name == "storage" }
                == local.header.components.first { $0.name == "storage" }, sourceLocation: sourceLocation)

        var localConsole = ConsoleState(snapshot: local)
        var remoteConsole = ConsoleState(snapshot: remote)
        localConsole.now = Timestamp(secondsSince1970: now.timeIntervalSince1970)
        remoteConsole.now = localConsole.now
        let tables =
            [TableID.models, .endpoints, .techDocs, .cacheShards, .backstage, .events]
            + local.cache.shards.map { TableID.cacheEntries(shard: $0.name) }
        for table in tables {
            #expect(
                TableCatalog.model(table, state: remoteConsole).rows
                    == TableCatalog.model(table, state: localConsole).rows, "\(table)", sourceLocation: sourceLocation)
        }
    }
}

/// A sidecar channel that counts the requests it passes on, by path.
final class CountingChannel: SidecarChannel {
    let inner: any SidecarChannel
    private let counts = Mutex<[String: Int]>([:])

    init(_ inner: any SidecarChannel) { self.inner = inner }

    var address: String { inner.address }

    func send(_ method: HTTPMethod, _ path: String, query: [(String, String)], body: Data?) async throws
        -> (status: Int, body: Data)
    {
        counts.withLock { $0[path, default: 0] += 1 }
        return try await inner.send(method, path, query: query, body: body)
    }

    /// The counts since the last call.
    func takeCounts() -> [String: Int] {
        counts.withLock { counts in
            defer { counts = [:] }
            return counts
        }
    }
}

/// A sidecar that answers every request with one status and body.
struct StubChannel: SidecarChannel {
    var status: Int
    var body: String
    var address: String { "http://stub" }

    func send(_ method: HTTPMethod, _ path: String, query: [(String, String)], body: Data?) async throws
        -> (status: Int, body: Data)
    {
        (status, Data(self.body.utf8))
    }
}

/// The demo sandbox and the three roles in process on loopback ports, wired like `modelbridge all`:
/// storage writes into location's index in memory, and each role serves its HTTP port.
struct EngineRig: Sendable {
    let platform: SandboxPlatform
    let kube: KubeClient
    let transport: RegistryTransport
    let cluster: ClusterSource
    let clusterTask: Task<Void, any Error>
    let index: LocationIndex
    /// The `bac-import-model` ConfigMaps in the sandbox's namespace `rhdh`, filled to ``shardBudget``.
    let store: ConfigMapCatalogStore
    let events: EventLog
    let controller: NormalizerController
    let location: RoleServer<LocationResponder>
    let storage: RoleServer<StorageResponder>
    let admin: RoleServer<NormalizerAdminResponder>
    let http: HTTPClient

    /// Small, so that the demo's documents fill several ConfigMaps.
    static let shardBudget = 8 * 1024

    static func start() async throws -> EngineRig {
        var quiet = Logger(label: "test.parity")
        quiet.logLevel = .critical
        let loopback = ListenAddress(host: "127.0.0.1", port: 0)
        let index = LocationIndex(format: .jsonArray)
        index.markLoaded()
        let location = RoleServer(
            name: "location", address: loopback, responder: LocationResponder(index: index, logger: quiet),
            logger: quiet)
        try await location.start()

        var configuration = SandboxConfiguration(scenario: .demo)
        configuration.readyDelay = .zero
        configuration.backstagePolls = false
        configuration.locationURL = location.url
        let platform = try SandboxPlatform(configuration: configuration, logger: quiet)
        try await platform.start()

        let kube = try KubeClient(config: KubeConfig(server: platform.kubernetes.url, namespace: "rhdh"), logger: quiet)
        let store = ConfigMapCatalogStore(client: kube, namespace: "rhdh", shardBudget: shardBudget, logger: quiet)
        let transport = try RegistryTransport(logger: quiet)
        let cluster = ClusterSource(client: kube, logger: quiet)
        let events = EventLog()
        let engine = BridgeEngine(
            store: store,
            normalizer: NormalizerSetup(
                configuration: NormalizerConfiguration(
                    probeInterval: .milliseconds(1), pollingInterval: .seconds(3600)),
                routes: KubeRouteLister(client: kube), transport: transport, cluster: cluster, events: events,
                logger: quiet),
            index: index, storageLogger: quiet)
        let (service, controller) = (engine.service, engine.controller)
        let storage = RoleServer(
            name: "storage-rest", address: loopback, responder: StorageResponder(service: service, logger: quiet),
            logger: quiet)
        try await storage.start()
        let clusterTask = Task { try await cluster.run() }
        let admin = RoleServer(
            name: "rhoai-normalizer", address: loopback,
            responder: NormalizerAdminResponder(controller: controller, metrics: BridgeMetrics()), logger: quiet)
        try await admin.start()
        return EngineRig(
            platform: platform, kube: kube, transport: transport, cluster: cluster, clusterTask: clusterTask,
            index: index, store: store, events: events, controller: controller, location: location, storage: storage,
            admin: admin, http: HTTPClient(eventLoopGroupProvider: .singleton))
    }

    /// Runs cycles until the normalizer has published a complete key set from a cluster whose services all
    /// have their final status (the sandbox sets it once: ready, or failed for the never-ready one).
    func settle() async throws {
        let cluster = self.cluster
        try await poll(until: "the KServe informers list") { cluster.hasSynced }
        let controller = self.controller
        let index = self.index
        try await poll(until: "the engine is idle") {
            await controller.runCycle()
            let snapshot = await controller.snapshot()
            return snapshot.lastCompleteCycle != nil && snapshot.failing.isEmpty
                && !snapshot.inferenceServices.isEmpty
                && snapshot.inferenceServices.allSatisfy { !$0.conditions.isEmpty }
                && index.snapshot().entries.count == snapshot.documents.count
        }
    }

    func shutdown() async {
        await admin.stop()
        await storage.stop()
        await location.stop()
        clusterTask.cancel()
        _ = try? await clusterTask.value
        try? await transport.shutdown()
        try? await kube.shutdown()
        try? await http.shutdown()
        await platform.stop()
    }
}

/// Polls `condition` every 10 ms until it holds, or throws ``DeadlinePassed`` when `timeout` passes.
func poll(
    until what: String, timeout: Duration = .seconds(15), _ condition: @Sendable () async throws -> Bool
) async throws {
    try await Poll.until(what, timeout: timeout, condition)
}
