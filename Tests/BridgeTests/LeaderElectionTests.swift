import CatalogModel
import Foundation
import KubeAPI
import Logging
import ModelbridgeTesting
import RegistryAPI
import Sandbox
import Synchronization
import Testing

@testable import Bridge

/// Leader election against the sandbox's API server, which refuses what kube-apiserver refuses (a Lease
/// `renewTime` without exactly six fractional digits, for one).
@Suite(.serialized) struct LeaderElectionTests {
    @Test func theElectorWritesMicroTimeWithSixDigitsAndTheServerTakesIt() async throws {
        try await withFakeKube(.init(namespaces: ["default", "rhdh"]), namespace: "rhdh") { server, client in
            let elector = LeaseElector(client: client, namespace: "rhdh", identity: "replica-a", logger: quietLogger)
            #expect(await elector.tryAcquireOrRenew(), "the strict fake accepts the Lease")
            #expect(await elector.tryAcquireOrRenew(), "and its renewal")
            let lease = try await client.get(Lease.self, name: "modelbridge-normalizer", namespace: "rhdh")
            for stamp in [lease.spec?.renewTime, lease.spec?.acquireTime] {
                let text = try #require(stamp)
                #expect(text.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z/) != nil, "\(text)")
            }
            #expect(elector.publishing == .publishing)
            _ = server
        }
    }

    @Test func aSecondReplicaTakesOverWhenTheFirstStopsRenewingAndTheLoserStopsWriting() async throws {
        let cluster = try await TwoReplicas.start()
        do {
            let (a, b) = (cluster.replicas[0], cluster.replicas[1])
            cluster.startElector(a)
            try await eventually("replica-a leads") { a.elector.isLeader }
            cluster.startElector(b)
            try await eventually("replica-b stands by") {
                b.elector.publishing.reason?.contains("replica replica-a holds the lease") == true
            }
            try cluster.register("first")
            await a.controller.runCycle()
            await b.controller.runCycle()
            #expect(a.sink.upserts.count == 1 && a.sink.keySets == 1, "the leader publishes")
            #expect(b.sink.upserts.isEmpty && b.sink.keySets == 0, "the standby does not")
            #expect(await b.controller.snapshot().publishing.mode == .standby)

            // replica-a can no longer reach the API server (its token is revoked): it stops renewing.
            cluster.kube.setAcceptedTokens(["token-b"])
            try await eventually("replica-b takes over") { b.elector.isLeader }
            #expect(!a.elector.isLeader, "the old holder gave up before the lease expired")
            let (upsertsBefore, keySetsBefore) = (a.sink.upserts.count, a.sink.keySets)

            try cluster.register("second")
            try await eventually("replica-b publishes the new model") {
                await b.controller.runCycle()
                return b.sink.upserts.contains { $0.contains("second") }
            }
            for _ in 0..<3 { await a.controller.runCycle() }
            #expect(a.sink.upserts.count == upsertsBefore, "no upsert comes from the replica that lost the lease")
            #expect(a.sink.keySets == keySetsBefore, "nor a key set")
            let lease = try await b.client.get(Lease.self, name: "modelbridge-normalizer", namespace: "rhdh")
            #expect(lease.spec?.holderIdentity == "replica-b" && lease.spec?.leaseTransitions == 1)

            // Unable to renew for a whole lease duration, replica-a says why it publishes nothing.
            try await eventually("replica-a reports the lease as unavailable") {
                a.elector.publishing.mode == .blocked
            }
            let reason = a.elector.publishing.reason ?? ""
            #expect(reason.hasPrefix("publishing nothing because the lease rhdh/modelbridge-normalizer could not"))
            #expect(reason.contains("401"), "\(reason)")
        } catch {
            await cluster.stop()
            throw error
        }
        await cluster.stop()
    }

    @Test func aNormalizerThatCannotGetTheLeaseSaysSoInReadyzMetricsAndLog() async throws {
        let capture = LogCapture()
        let logger = capture.logger("test.lease", level: .debug)
        let cluster = try await TwoReplicas.start(count: 1, logger: logger)
        cluster.kube.deny(FakeKubeAccessRule(verb: "create", resource: "leases"))
        let replica = cluster.replicas[0]
        let admin = RoleServer(
            name: "rhoai-normalizer", address: ListenAddress(host: "127.0.0.1", port: 0),
            responder: NormalizerAdminResponder(controller: replica.controller, metrics: replica.metrics),
            logger: quietLogger)
        do {
            try await admin.start()
            cluster.startElector(replica)
            await replica.controller.runCycle()
            try await withHTTPClient { http in
                @Sendable func readyz() async throws -> (Int, String) {
                    let reply = try await http.send(.GET, admin.url + "/readyz")
                    return (reply.status, (try? reply.json()["error"]?.stringValue) ?? "")
                }
                try await eventually("/readyz says why nothing is published") {
                    let (status, body) = try await readyz()
                    return status == 503 && body.hasPrefix("publishing nothing because")
                }
                let (_, body) = try await readyz()
                #expect(body.hasPrefix("publishing nothing because the lease rhdh/modelbridge-normalizer could not"))
                #expect(
                    body.contains(#"cannot create resource "leases" in API group "coordination.k8s.io""#), "\(body)")
                let metrics = try await http.send(.GET, admin.url + "/metrics").text
                #expect(metrics.contains(#"leader_election_master_status{name="modelbridge-normalizer"} 0.0"#))
                #expect(metrics.contains(#"modelbridge_publishing{reason="lease_unavailable"} 1.0"#), "\(metrics)")
                #expect(metrics.contains(#"modelbridge_publishing{reason="leader"} 0.0"#))
                let state = try await http.send(.GET, admin.url + "/state").json()
                #expect(state["publishing"]?.stringValue == "blocked")
                #expect(state["notPublishingReason"]?.stringValue?.hasPrefix("publishing nothing because") == true)
            }
            let errors = capture.all.filter { $0.level == .error }
            #expect(
                errors.contains {
                    $0.text.hasPrefix("publishing nothing because the lease") && $0.text.contains("forbidden")
                })

            // Once the lease can be created it leads, publishes and is ready again.
            cluster.kube.clearDenials()
            try await eventually("the normalizer leads once the lease can be created") { replica.elector.isLeader }
            await replica.controller.runCycle()
            try await withHTTPClient { http in
                let reply = try await http.send(.GET, admin.url + "/readyz")
                #expect(reply.status == 200, "\(reply.text)")
                let metrics = try await http.send(.GET, admin.url + "/metrics").text
                #expect(metrics.contains(#"modelbridge_publishing{reason="leader"} 1.0"#))
                #expect(metrics.contains(#"leader_election_master_status{name="modelbridge-normalizer"} 1.0"#))
            }
        } catch {
            await admin.stop()
            await cluster.stop()
            throw error
        }
        await admin.stop()
        await cluster.stop()
    }
}

let quietLogger = Logger.quiet("test.quiet")

/// Normalizer replicas sharing one fake API server (each with its own token) and one registry, each
/// with its own lease elector and a sink that records what it was asked to write.
final class TwoReplicas: Sendable {
    struct Replica: Sendable {
        var client: KubeClient
        var elector: LeaseElector
        var controller: NormalizerController
        var sink: RecordingSink
        var metrics: BridgeMetrics
    }

    let kube: FakeKubeServer
    let registry: FakeRegistryServer
    let transport: RegistryTransport
    let replicas: [Replica]
    private let tasks = Mutex<[Task<Void, any Error>]>([])

    private init(kube: FakeKubeServer, registry: FakeRegistryServer, transport: RegistryTransport, replicas: [Replica])
    {
        self.kube = kube
        self.registry = registry
        self.transport = transport
        self.replicas = replicas
    }

    static func start(count: Int = 2, logger: Logger = quietLogger) async throws -> TwoReplicas {
        let names = ["a", "b"].prefix(count)
        let cluster = try await FakeCluster.start(
            .init(acceptedTokens: Set(names.map { "token-\($0)" }), namespaces: ["default", "rhdh"]),
            logger: quietLogger)
        let (kube, registry) = (cluster.kube, cluster.registry)
        let transport = try RegistryTransport(logger: quietLogger)
        var replicas: [Replica] = []
        for name in names {
            let client = try KubeClient(
                config: KubeConfig(server: kube.url, namespace: "rhdh", credentials: .token("token-\(name)")),
                logger: quietLogger)
            let metrics = BridgeMetrics()
            let elector = LeaseElector(
                client: client, namespace: "rhdh", identity: "replica-\(name)", leaseDuration: .seconds(1),
                renewDeadline: .milliseconds(500), retryPeriod: .milliseconds(50), metrics: metrics, logger: logger)
            let sink = RecordingSink()
            let controller = NormalizerController(
                configuration: NormalizerConfiguration(
                    probeInterval: .milliseconds(1), pollingInterval: .seconds(3600)),
                routes: KubeRouteLister(client: client), transport: transport, cluster: nil, sink: sink,
                metrics: metrics, isLeader: { elector.isLeader }, publishing: { elector.publishing },
                logger: quietLogger)
            replicas.append(
                Replica(client: client, elector: elector, controller: controller, sink: sink, metrics: metrics))
        }
        return TwoReplicas(kube: kube, registry: registry, transport: transport, replicas: replicas)
    }

    func startElector(_ replica: Replica) {
        let task = Task { try await replica.elector.run() }
        tasks.withLock { $0.append(task) }
    }

    /// Registers a model with one live version.
    func register(_ name: String) throws {
        let model = try registry.store.createRegisteredModel(
            RegistryAPI.RegisteredModel(name: name, owner: "alice", state: ModelState(rawValue: "LIVE")))
        let version = try registry.store.createModelVersion(
            RegistryAPI.ModelVersion(name: "v1", registeredModelId: model.id, state: ModelState(rawValue: "LIVE")))
        _ = try registry.store.upsertVersionArtifact(
            versionId: version.id!, RegistryAPI.ModelArtifact(name: "\(name)-v1", uri: "s3://models/\(name)"))
    }

    func stop() async {
        let running = tasks.withLock { $0 }
        for task in running { task.cancel() }
        for task in running { _ = try? await task.value }
        for replica in replicas { try? await replica.client.shutdown() }
        try? await transport.shutdown()
        await registry.stop()
        await kube.stop()
    }
}

/// A sink that accepts everything and records each call.
final class RecordingSink: CatalogSink {
    private let state = Mutex((upserts: [String](), keySets: 0))

    var upserts: [String] { state.withLock { $0.upserts } }
    var keySets: Int { state.withLock { $0.keySets } }

    func upsert(_ upsert: CatalogUpsert) async throws {
        state.withLock { $0.upserts.append(upsert.key.key) }
    }

    func postKeySet(_ keys: Set<ImportKey>) async throws {
        state.withLock { $0.keySets += 1 }
    }
}
