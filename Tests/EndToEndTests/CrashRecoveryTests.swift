import AsyncHTTPClient
import CatalogModel
import Foundation
import KubeAPI
import Logging
import ModelbridgeTesting
import NIOCore
import RegistryAPI
import Sandbox
import Testing

/// Kills storage-rest (SIGKILL) at a seeded random instant during a resync of 300 models and
/// restarts it: afterwards location serves every model and the ConfigMaps hold every key.
@Suite(.serialized) struct CrashRecoveryTests {
    @Test(arguments: [7, 42])
    func killingStorageDuringAResyncLosesNothing(seed: Int) async throws {
        var quiet = Logger(label: "e2e")
        quiet.logLevel = .critical
        let cluster = try await FakeCluster.start(logger: quiet)
        let (kube, registry, kubeconfig) = (cluster.kube, cluster.registry, try cluster.writeKubeconfig())
        for index in 0..<300 {
            let model = try registry.store.createRegisteredModel(RegistryAPI.RegisteredModel(name: "model-\(index)"))
            _ = try registry.store.createModelVersion(RegistryAPI.ModelVersion(name: "v1", registeredModelId: model.id))
        }
        let locationPort = try freePort()
        let storagePort = try freePort()
        let adminPort = try freePort()
        let common = ["KUBECONFIG": kubeconfig, "POD_NAMESPACE": "rhdh"]
        let storageEnvironment = common.merging(
            ["STORAGE_TYPE": "ConfigMap", "BRIDGE_URL": "http://127.0.0.1:\(locationPort)"], uniquingKeysWith: { $1 })
        let storageArguments = ["storage-rest", "--address", "127.0.0.1:\(storagePort)", "--log-level", "warning"]
        var storage = try RoleProcess(
            name: "storage-rest", arguments: storageArguments, environment: storageEnvironment)
        let location = try RoleProcess(
            name: "location",
            arguments: ["location", "--address", "127.0.0.1:\(locationPort)", "--log-level", "warning"],
            environment: common.merging(["STORAGE_URL": "http://127.0.0.1:\(storagePort)"], uniquingKeysWith: { $1 }))
        let http = HTTPClient(eventLoopGroupProvider: .singleton)
        let listCount: @Sendable () async throws -> Int = {
            let response = try await http.execute(
                HTTPClientRequest(url: "http://127.0.0.1:\(locationPort)/list"), timeout: .seconds(5))
            let body = try await response.body.collect(upTo: 4 << 20)
            guard response.status.code == 200 else { return -1 }
            return try JSONValue.parse(Data(buffer: body))["uris"]?.arrayValue?.count ?? 0
        }
        var normalizer: RoleProcess?
        do {
            try await eventually("location loads") { try await listCount() == 0 }
            normalizer = try RoleProcess(
                name: "rhoai-normalizer",
                arguments: [
                    "rhoai-normalizer", "--metrics-address", "127.0.0.1:\(adminPort)", "--log-level", "warning",
                ],
                environment: common.merging(
                    ["STORAGE_URL": "http://127.0.0.1:\(storagePort)", "PROBE_INTERVAL": "1s"], uniquingKeysWith: { $1 }
                ))
            var generator = SeededGenerator(seed: UInt64(seed))
            try await eventually("the resync has started") { try await listCount() > 0 }
            try await Task.sleep(for: .milliseconds(Int(generator.next() % 300)))
            let servedAtKill = try await listCount()
            kill(storage.process.processIdentifier, SIGKILL)
            storage.process.waitUntilExit()
            storage = try RoleProcess(
                name: "storage-rest", arguments: storageArguments, environment: storageEnvironment)
            print("seed \(seed): killed storage-rest with \(servedAtKill) of 300 served; restarted it")
            try await eventually("location serves all 300 models", timeout: .seconds(90)) {
                try await listCount() == 300
            }
            let maps = try KubeClient(config: KubeConfig(server: kube.url, namespace: "rhdh"), logger: quiet)
            let stored = try await maps.listAll(ConfigMap.self, namespace: "rhdh").items
                .reduce(0) { $0 + ($1.binaryData?.count ?? 0) }
            try await maps.shutdown()
            #expect(stored == 300)
        } catch {
            for role in [storage, location] + [normalizer].compactMap({ $0 }) {
                print("--- \(role.name) output ---\n\(role.log)")
            }
            Issue.record(error)
        }
        for role in [storage, location] + [normalizer].compactMap({ $0 }) { role.stop() }
        try await http.shutdown()
        await cluster.stop()
    }
}
