import CatalogModel
import Foundation
import KubeAPI
import Logging
import RegistryAPI
import Sandbox

/// The figures of the whole engine: the real `modelbridge all` release binary (storage in memory)
/// against an in-process ``SandboxPlatform`` with `SandboxScenario.empty.scaled(models:)`.
///
/// - full resync: from starting the process until location lists every version, with the registry
///   requests the fakes logged meanwhile;
/// - idle probe cycle: registry requests per probe once nothing changes (the admin `/metrics`
///   counts probes);
/// - registry change → served and inference service ready → served: per-trial latencies;
/// - peak memory of `all` (VmHWM) after all of that plus a short wrk load on `/list`.
struct EngineBench {
    let binary: String
    let http: BenchHTTP
    let workDirectory: String
    let probeInterval: Duration = .seconds(2)
    let logger: Logger

    /// What one engine run measured.
    struct Outcome {
        var expectedDocuments: Int
        var resyncSeconds: Double
        var registryRequests: Int
        var artifactCalls: Int
        var peakMiB: Double?
        var idleRequestsPerProbe: Double?
        var changeLatencies: [Double] = []
        var readyLatencies: [Double] = []
    }

    /// Runs one engine at `scale`; with `trials` > 0 also the idle and latency measurements.
    func run(scale: Int, trials: Int, loadSeconds: Int, progress: (String) -> Void) async throws -> Outcome {
        let scenario = SandboxScenario.empty.scaled(models: scale)
        let expected =
            scenario.registries.flatMap(\.models).flatMap(\.versions).count + scenario.inferenceServices.count
        let stateDirectory = workDirectory + "/sandbox-\(scale)"
        progress("seeding the sandbox with \(BenchFigure.grouped(scale)) models × 2 versions")
        let platform = try SandboxPlatform(
            configuration: SandboxConfiguration(
                scenario: scenario, stateDirectory: stateDirectory, readyDelay: .zero, backstagePolls: false),
            logger: logger)
        try await platform.start()
        do {
            let outcome = try await measure(
                platform: platform, stateDirectory: stateDirectory, expected: expected, scale: scale, trials: trials,
                loadSeconds: loadSeconds, progress: progress)
            await platform.stop()
            return outcome
        } catch {
            await platform.stop()
            throw error
        }
    }

    private func measure(
        platform: SandboxPlatform, stateDirectory: String, expected: Int, scale: Int, trials: Int, loadSeconds: Int,
        progress: (String) -> Void
    ) async throws -> Outcome {
        let logs = platform.registries.map(\.server.requestLog) + [platform.catalog.requestLog]
        for log in logs { log.clear() }
        let locationPort = try freeLoopbackPort()
        let locationURL = "http://127.0.0.1:\(locationPort)"
        let adminURL = "http://127.0.0.1:\(try freeLoopbackPort())"
        progress("starting modelbridge all; waiting until location lists \(BenchFigure.grouped(expected)) documents")
        let clock = ContinuousClock()
        let started = clock.now
        let engine = try ChildProcess(
            binary: binary,
            arguments: [
                "all", "--location-address", "127.0.0.1:\(locationPort)",
                "--storage-address", "127.0.0.1:\(try freeLoopbackPort())",
                "--metrics-address", String(adminURL.dropFirst("http://".count)),
                "--kubeconfig", SandboxStateFiles(directory: stateDirectory).kubeconfigPath, "--log-level", "warning",
            ],
            environment: [
                "POD_NAMESPACE": "rhdh", "STORAGE_TYPE": "Memory", "NORMALIZER_FORMAT": "JsonArrayFormat",
                "PROBE_INTERVAL": "\(Int(probeInterval.seconds))s", "POLLING_INTERVAL": "30m",
            ],
            logDirectory: workDirectory)
        defer { engine.stop() }
        let http = self.http
        do {
            try await waitUntil(
                "location lists \(expected) documents", timeout: .seconds(max(60, scale / 30)),
                interval: .milliseconds(50)
            ) { await http.listCount(locationURL) == expected }
        } catch {
            throw BenchError("\(error)\n--- modelbridge all ---\n\(engine.logTail)")
        }
        let resync = (clock.now - started).seconds
        let records = logs.flatMap(\.records)
        var outcome = Outcome(
            expectedDocuments: expected, resyncSeconds: resync, registryRequests: records.count,
            artifactCalls: records.filter { $0.path.contains("artifacts") }.count)
        guard trials > 0 else {
            outcome.peakMiB = ProcessProbe.peakResidentMiB(pid: engine.pid)
            return outcome
        }

        progress("idle probe cycles (\(probeInterval) probe interval)")
        try await Task.sleep(for: probeInterval + .milliseconds(500))
        let probesBefore = try await probes(adminURL)
        let requestsBefore = logs.map(\.count).reduce(0, +)
        try await Task.sleep(for: probeInterval * 3 + .milliseconds(200))
        let probesAfter = try await probes(adminURL)
        let requestsAfter = logs.map(\.count).reduce(0, +)
        if probesAfter > probesBefore {
            outcome.idleRequestsPerProbe = Double(requestsAfter - requestsBefore) / (probesAfter - probesBefore)
        }

        progress("registry change → served, \(trials) trials")
        for trial in 0..<trials {
            let registry = platform.registries[trial % platform.registries.count]
            let name = "bench-change-\(trial)"
            let model = try registry.server.store.createRegisteredModel(
                RegistryAPI.RegisteredModel(name: name, owner: "bench"))
            let changed = clock.now
            _ = try registry.server.store.createModelVersion(
                RegistryAPI.ModelVersion(name: "v1", registeredModelId: model.id))
            let uri = ImportKey.registry(
                registry: "\(registry.scenario.namespace):\(registry.routeName)", model: name, version: "v1"
            ).uri(format: .jsonArray)
            try await waitUntil("location serves \(uri)", timeout: probeInterval * 5) {
                (try? await http.get(locationURL + uri).status) == 200
            }
            outcome.changeLatencies.append((clock.now - changed).seconds)
            // A random pause spreads the next change over the probe phase.
            try await Task.sleep(for: .milliseconds(Int.random(in: 100...1_500)))
        }

        progress("inference service ready → served, \(trials) trials")
        guard
            let kind = FakeKubeResourceKind.standardKinds.first(where: {
                $0.kind == "InferenceService" && $0.group == "serving.kserve.io"
            })
        else { throw BenchError("the fake Kubernetes API has no InferenceService kind") }
        for trial in 0..<trials {
            let name = "bench-ready-\(trial)"
            var object: KubeAPI.JSONValue = [
                "apiVersion": .string("\(kind.group)/\(kind.version)"), "kind": .string(kind.kind),
                "metadata": ["name": .string(name), "namespace": "bench-serving"],
                "spec": ["predictor": ["model": ["modelFormat": ["name": "onnx"], "storageUri": "s3://bench/model"]]],
            ]
            object["status"] = KServeStatusController.readyStatus(
                for: object, kind: kind, appsDomain: platform.configuration.appsDomain)
            let ready = clock.now
            try platform.kubernetes.store.seed(kind: KubeAPI.InferenceService.resource.fakeKindID, object: object)
            let uri = ImportKey.kserve(namespace: "bench-serving", name: name).uri(format: .jsonArray)
            try await waitUntil("location serves \(uri)", timeout: .seconds(15)) {
                (try? await http.get(locationURL + uri).status) == 200
            }
            outcome.readyLatencies.append((clock.now - ready).seconds)
            try await Task.sleep(for: .milliseconds(Int.random(in: 100...700)))
        }

        progress("wrk on /list of modelbridge all for \(loadSeconds) s (memory under load)")
        _ = try? Wrk.run(url: locationURL + "/list", connections: 32, seconds: loadSeconds)
        outcome.peakMiB = ProcessProbe.peakResidentMiB(pid: engine.pid)
        return outcome
    }

    /// `modelbridge_registry_probes_total` from the admin `/metrics`.
    private func probes(_ adminURL: String) async throws -> Double {
        let (status, body) = try await http.get(adminURL + "/metrics")
        guard status == 200 else { throw BenchError("the admin /metrics answered \(status)") }
        let line = String(buffer: body).split(separator: "\n").first {
            $0.hasPrefix("modelbridge_registry_probes_total")
        }
        guard let value = line?.split(separator: " ").last.flatMap({ Double($0) }) else {
            throw BenchError("the admin /metrics has no modelbridge_registry_probes_total")
        }
        return value
    }
}
