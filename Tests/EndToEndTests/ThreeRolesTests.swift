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

/// The three roles as separate processes, as they run in the Developer Hub pod, against a fake
/// Kubernetes API (ConfigMap storage, Routes, KServe) and a fake registry and catalog.
@Suite(.serialized) struct ThreeRolesTests {
    @Test func aNewlyRegisteredModelIsServedByLocationWithinOneProbeInterval() async throws {
        var quiet = Logger(label: "e2e")
        quiet.logLevel = .critical
        let cluster = try await FakeCluster.start(logger: quiet)
        let (kube, registry, kubeconfig) = (cluster.kube, cluster.registry, try cluster.writeKubeconfig())

        let locationPort = try freePort()
        let storagePort = try freePort()
        let adminPort = try freePort()
        let probe = Duration.seconds(2)
        let common = ["KUBECONFIG": kubeconfig, "POD_NAMESPACE": "rhdh", "NORMALIZER_FORMAT": "JsonArrayFormat"]
        let storage = try RoleProcess(
            name: "storage-rest", arguments: ["storage-rest", "--address", "127.0.0.1:\(storagePort)"],
            environment: common.merging(
                ["STORAGE_TYPE": "ConfigMap", "BRIDGE_URL": "http://127.0.0.1:\(locationPort)"],
                uniquingKeysWith: { $1 }))
        let location = try RoleProcess(
            name: "location", arguments: ["location", "--address", "127.0.0.1:\(locationPort)"],
            environment: common.merging(["STORAGE_URL": "http://127.0.0.1:\(storagePort)"], uniquingKeysWith: { $1 }))
        let normalizer = try RoleProcess(
            name: "rhoai-normalizer", arguments: ["rhoai-normalizer", "--metrics-address", "127.0.0.1:\(adminPort)"],
            environment: common.merging(
                ["STORAGE_URL": "http://127.0.0.1:\(storagePort)", "PROBE_INTERVAL": "2s", "POLLING_INTERVAL": "10m"],
                uniquingKeysWith: { $1 }))
        let roles = [storage, location, normalizer]
        let http = HTTPClient(eventLoopGroupProvider: .singleton)
        let get: @Sendable (String) async throws -> (Int, String) = { url in
            let response = try await http.execute(HTTPClientRequest(url: url), timeout: .seconds(5))
            let body = try await response.body.collect(upTo: 1 << 20)
            return (Int(response.status.code), String(buffer: body))
        }
        do {
            try await eventually("location loads from storage") {
                try await get("http://127.0.0.1:\(locationPort)/list").0 == 200
            }
            try await eventually("the normalizer completes a cycle") {
                try await get("http://127.0.0.1:\(adminPort)/readyz").0 == 200
            }
            let model = try registry.store.createRegisteredModel(
                RegistryAPI.RegisteredModel(name: "my_model", owner: "alice"))
            _ = try registry.store.createModelVersion(RegistryAPI.ModelVersion(name: "v1", registeredModelId: model.id))
            let key = ImportKey.registry(
                registry: "rhoai-model-registries:modelregistry-public", model: "my_model", version: "v1")
            let uri = key.uri(format: .jsonArray)
            let elapsed = try await eventually("location lists the new model", timeout: probe * 4) {
                try await get("http://127.0.0.1:\(locationPort)/list").1.contains(uri)
            }
            print("registered → served by location in \(elapsed) (probe interval \(probe))")
            #expect(
                elapsed <= probe + .seconds(5),
                "served within about one probe interval (plus request time on a loaded machine)")
            let (status, body) = try await get("http://127.0.0.1:\(locationPort)\(uri)")
            #expect(status == 200)
            #expect(try ModelCatalog.decode(Data(body.utf8)).models.first?.name == "my_model-v1")
            let maps = try await KubeClient(config: KubeConfig(server: kube.url, namespace: "rhdh"), logger: quiet)
            let stored = try await maps.get(ConfigMap.self, name: "bac-import-model", namespace: "rhdh")
            #expect(stored.binaryData?[key.key] != nil, "storage-rest persisted it in the ConfigMap")
            try await maps.shutdown()
        } catch {
            for role in roles { print("--- \(role.name) output ---\n\(role.log)") }
            for role in roles { role.stop() }
            try await http.shutdown()
            await cluster.stop()
            throw error
        }
        for role in roles { role.stop() }
        try await http.shutdown()
        await cluster.stop()
    }
}
