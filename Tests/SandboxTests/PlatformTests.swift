import Foundation
import KubeAPI
import ModelbridgeTesting
import RegistryAPI
import Synchronization
import Testing

@testable import Sandbox

/// The whole platform: scenarios, state files, kubeconfig, faults.
@Suite(.serialized) struct PlatformTests {
    /// Starts a platform, runs `body`, and always stops it.
    func withPlatform<T>(
        _ scenario: SandboxScenario, stateDirectory: String? = nil, _ body: (SandboxPlatform) async throws -> T
    ) async throws -> T {
        let platform = try SandboxPlatform(
            configuration: SandboxConfiguration(
                scenario: scenario, stateDirectory: stateDirectory, readyDelay: .zero, backstagePolls: false,
                locationURL: "http://127.0.0.1:1"),
            logger: quietLogger())
        try await platform.start()
        do {
            let result = try await body(platform)
            await platform.stop()
            return result
        } catch {
            await platform.stop()
            throw error
        }
    }

    func objects(_ platform: SandboxPlatform, _ kindID: String) throws -> [JSONValue] {
        let store = platform.kubernetes.store
        return try store.list(
            store.kind(id: kindID)!, namespace: nil, labels: FakeKubeSelector(), fields: FakeKubeSelector(), limit: nil,
            continueToken: nil
        ).items
    }

    @Test func theDemoScenarioHoldsWhatItPromises() {
        let counts = SandboxScenarioLoader.counts(of: .demo)
        #expect(counts.registries == 2)
        #expect(counts.models >= 12)
        #expect(counts.archivedModels == 1)
        #expect(counts.archivedVersions >= 1)
        #expect(counts.versions > counts.models)
        #expect(counts.artifactsWithModelCards >= 4)
        #expect(counts.deployed >= 1)
        #expect(counts.neverReady == 1)
        #expect(Set(SandboxScenario.demo.inferenceServices.map(\.namespace)).count >= 2)
        let names = SandboxScenario.demo.registries.flatMap(\.models).map(\.name)
        #expect(names.contains { $0.contains("_") })
        #expect(names.contains { $0.contains(".") })
        #expect(names.contains { $0 != $0.lowercased() })
    }

    @Test func theEmptyScenarioKeepsRegistriesAndCatalogButNoModels() {
        let counts = SandboxScenarioLoader.counts(of: .empty)
        #expect(counts.registries == 2)
        #expect(counts.models == 0)
        #expect(counts.kserveServices == 0)
        #expect(counts.modelCards >= 4)
    }

    @Test func theDemoScenarioLoadsIntoRunningFakes() async throws {
        try await withPlatform(.demo) { platform in
            let models = platform.registries.map { $0.server.store.registeredModels().count }
            #expect(models.reduce(0, +) == SandboxScenarioLoader.counts(of: .demo).models)
            #expect(models.allSatisfy { $0 > 0 })
            let routes = try objects(platform, Route.resource.fakeKindID)
            #expect(routes.count == 3)
            #expect(routes.contains { $0["metadata"]?["name"]?.stringValue?.contains("catalog") == true })
            #expect(
                routes.allSatisfy {
                    $0["metadata"]?["labels"]?["app.kubernetes.io/managed-by"] == "model-registry-operator"
                        && $0["status"]?["ingress"]?.arrayValue?.first?["host"]?.stringValue?.hasPrefix("127.0.0.1:")
                            == true
                        && $0["spec"]?["tls"] == nil
                })
            let isvcs = try objects(platform, KubeAPI.InferenceService.resource.fakeKindID)
            let deployed = isvcs.filter {
                $0["metadata"]?["labels"]?["modelregistry.opendatahub.io/inference-service-id"] != nil
            }
            #expect(deployed.count == SandboxScenarioLoader.counts(of: .demo).deployed)
            try await eventually("every service but the broken one is Ready") {
                let statuses = try objects(platform, KubeAPI.InferenceService.resource.fakeKindID).map {
                    KServeStatusController.condition("Ready", of: $0)
                }
                return statuses.filter { $0 == "True" }.count == statuses.count - 1
            }
            let card = try await send(
                "GET", platform.catalog.baseURL + "/sources/redhat_ai_models/models/rhelai1/granite-3.1-8b-instruct")
            #expect(card.status == 200)
            #expect(card.text.contains("readme"))
        }
    }

    @Test func aScaledScenarioOfAThousandModelsLoads() async throws {
        try await withPlatform(SandboxScenario.empty.scaled(models: 1000)) { platform in
            let stores = platform.registries.map(\.server.store)
            #expect(stores.map { $0.registeredModels().count }.reduce(0, +) == 1000)
            #expect(stores.map { $0.modelVersions().count }.reduce(0, +) == 2000)
            let page = try await send("GET", platform.registries[0].server.baseURL + "/registered_models?pageSize=5")
            #expect(page.status == 200)
        }
    }

    @Test func theFaultsEndpointAppliesAndClearsARegistryErrorFault() async throws {
        try await withPlatform(.empty) { platform in
            let registry = platform.registries[0].server.baseURL + "/registered_models"
            #expect(try await send("GET", registry).status == 200)
            let applied = try await send(
                "POST", platform.backstageURL + "/sandbox/faults", json: #"{"registryErrorRate": 1}"#)
            #expect(applied.status == 200)
            #expect(try await send("GET", registry).status == 503)
            #expect(try await send("GET", registry).status == 503)
            let status = try await send("GET", platform.backstageURL + "/sandbox/status")
            #expect(status.text.contains("registryErrorRate"))
            #expect(try await send("DELETE", platform.backstageURL + "/sandbox/faults").status == 200)
            #expect(try await send("GET", registry).status == 200)
            #expect(platform.faults.activePlan == nil)
        }
    }

    @Test func aCatalogOutageAnswers503UntilCleared() async throws {
        try await withPlatform(.demo) { platform in
            let sources = platform.catalog.baseURL + "/sources"
            try platform.faults.apply(SandboxFaultPlan(catalogOutage: true))
            #expect(try await send("GET", sources).status == 503)
            #expect(try await send("GET", sources).status == 503)
            platform.faults.clear()
            #expect(try await send("GET", sources).status == 200)
        }
    }

    @Test func aTimedFaultPlanEndsByItself() async throws {
        try await withPlatform(.empty) { platform in
            try platform.faults.apply(SandboxFaultPlan(registryErrorRate: 1, durationSeconds: 0.05))
            try await eventually("the plan expires") { platform.faults.activePlan == nil }
            #expect(try await send("GET", platform.registries[0].server.baseURL + "/registered_models").status == 200)
        }
    }

    @Test func anInvalidFaultPlanIsRefused() async throws {
        try await withPlatform(.empty) { platform in
            let refused = try await send(
                "POST", platform.backstageURL + "/sandbox/faults", json: #"{"registryErrorRate": 2}"#)
            #expect(refused.status == 400)
            #expect(platform.faults.activePlan == nil)
        }
    }

    @Test func pushModeLocationsCanBeAddedReadAndDeleted() async throws {
        try await withPlatform(.empty) { platform in
            let base = platform.backstageURL + "/api/catalog/locations"
            let created = try await send("POST", base, json: #"{"type":"rhdh-rhoai-bridge","target":"http://x/m/v"}"#)
            #expect(created.status == 201)
            let id = try #require(platform.locations.all.first?.id)
            #expect(created.text.contains(id))
            #expect(
                try await send("POST", base, json: #"{"type":"rhdh-rhoai-bridge","target":"http://x/m/v"}"#).status
                    == 409)
            #expect(try await send("GET", base + "/" + id).status == 200)
            #expect(try await send("GET", base + "/unknown").status == 404)
            #expect(try await send("DELETE", base + "/" + id).status == 204)
            #expect(try await send("GET", base + "/" + id).status == 404)
            #expect(try await send("GET", platform.backstageURL + "/api/catalog/entities").text == "[]")
        }
    }

    @Test func theStateFilesAreWrittenAndTheKubeconfigWorks() async throws {
        let directory = try TemporaryDirectory(prefix: "sandbox-tests-")
        try await withPlatform(.demo, stateDirectory: directory.path) { platform in
            let files = SandboxStateFiles(directory: directory.path)
            let json = try Data(contentsOf: URL(fileURLWithPath: files.descriptionPath))
            let description = try JSONDecoder().decode(SandboxDescription.self, from: json)
            #expect(description.kubernetes == platform.kubernetes.url)
            #expect(description.registries.count == 2)
            #expect(description.backstage == platform.backstageURL)
            let environment = try String(contentsOfFile: files.sidecarEnvironmentPath, encoding: .utf8)
            for key in [
                "KUBECONFIG=\(files.kubeconfigPath)", "STORAGE_TYPE=ConfigMap", "POD_NAMESPACE=rhdh", "STORAGE_URL=",
                "BRIDGE_URL=http://127.0.0.1:1", "PROBE_INTERVAL=", "POLLING_INTERVAL=",
                "NORMALIZER_FORMAT=JsonArrayFormat", "MR_ROUTE=",
            ] {
                #expect(environment.split(separator: "\n").contains { $0.hasPrefix(key) }, "sidecars.env lacks \(key)")
            }

            let config = try KubeConfig.fromKubeconfig(paths: [files.kubeconfigPath])
            #expect(config.namespace == "rhdh")
            let client = try KubeClient(config: config, logger: quietLogger())
            do {
                let isvcs = try await client.listAll(KubeAPI.InferenceService.self)
                let stored = try objects(platform, KubeAPI.InferenceService.resource.fakeKindID)
                #expect(isvcs.items.count == stored.count)
                let routes = try await client.listAll(
                    Route.self, options: ListOptions(labelSelector: RegistryDiscovery.labelSelector))
                #expect(routes.items.count == 3)
                try await client.shutdown()
            } catch {
                try? await client.shutdown()
                throw error
            }
            try await Self.kubectlLists(kubeconfig: files.kubeconfigPath, cache: directory.path + "/cache")
        }
    }

    /// `kubectl get inferenceservices -A` through the written kubeconfig, when kubectl is installed
    /// (required under CI).
    static func kubectlLists(kubeconfig: String, cache: String) async throws {
        let path = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
            .map { "\($0)/kubectl" }.first { FileManager.default.isExecutableFile(atPath: $0) }
        guard let path else {
            if ProcessInfo.processInfo.environment["CI"] != nil {
                Issue.record("kubectl is not on PATH, and CI is set: install kubectl")
            }
            return
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = ["--kubeconfig", kubeconfig, "--cache-dir", cache, "get", "inferenceservices", "-A"]
        let output = Pipe()
        let collected = Mutex(Data())
        output.fileHandleForReading.readabilityHandler = { handle in
            let chunk = handle.availableData
            collected.withLock { $0.append(chunk) }
        }
        process.standardOutput = output
        process.standardError = output
        try process.run()
        try await eventually(timeout: .seconds(60), "kubectl exits") { !process.isRunning }
        // The handler may still be delivering the last bytes written before exit.
        try await eventually(timeout: .seconds(5), "kubectl's output is read") {
            collected.withLock { !$0.isEmpty }
        }
        output.fileHandleForReading.readabilityHandler = nil
        let text = collected.withLock { String(decoding: $0, as: UTF8.self) }
        #expect(process.terminationStatus == 0, "kubectl failed: \(text)")
        #expect(text.contains("mnist-serverless"), "kubectl output: \(text)")
        #expect(text.contains("granite-instruct"), "kubectl output: \(text)")
    }
}

extension PlatformTests {
    @Test func theDemoDeploymentLabelsMatchNoModelOfTheOtherRegistry() async throws {
        try await withPlatform(.demo) { platform in
            for (index, registry) in platform.registries.enumerated() {
                let deployed = registry.server.store.inferenceServices().filter { $0.desiredState != .undeployed }
                for record in deployed {
                    for (otherIndex, other) in platform.registries.enumerated() where otherIndex != index {
                        let clash = other.server.store.modelVersions().contains {
                            $0.id == record.modelVersionId && $0.registeredModelId == record.registeredModelId
                        }
                        #expect(
                            !clash, "\(registry.scenario.name) record \(record.id ?? "") matches \(other.scenario.name)"
                        )
                    }
                }
            }
        }
    }
}
