import CatalogModel
import Foundation
import KubeAPI
import Logging
import RegistryAPI
import Sandbox
import Synchronization

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
        var phases = ResyncPhases()
        var peakMiB: Double?
        var idleRequestsPerProbe: Double?
        var changeLatencies: [Double] = []
        var readyLatencies: [Double] = []
    }

    /// When the resync reached each stage, in seconds since the process started, sampled at
    /// every poll of `/list` (so to within one poll interval), and what the polling itself cost.
    struct ResyncPhases: Sendable {
        var firstRegistryRequest: Double?
        var lastArtifactCall: Double?
        var firstDocument: Double?
        var polls = 0
        var pollSeconds = 0.0
        /// CPU seconds of the `all` child and of this process (the fakes and the polling) during the resync.
        var engineCPU: Double?
        var benchCPU: Double?

        /// One line for the figure's note.
        var summary: String {
            func seconds(_ value: Double?) -> String { value.map { String(format: "%.1f s", $0) } ?? "—" }
            return "first registry request \(seconds(firstRegistryRequest)), last artifact call "
                + "\(seconds(lastArtifactCall)), first document listed \(seconds(firstDocument)); "
                + "\(polls) /list polls took \(String(format: "%.1f", pollSeconds)) s; CPU: modelbridge all "
                + "\(seconds(engineCPU)), bench process (fakes + polling) \(seconds(benchCPU))"
        }
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
        let seeding = ContinuousClock.now
        try await platform.start()
        progress(String(format: "sandbox seeded and started in %.1f s", (ContinuousClock.now - seeding).seconds))
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
        let locationPort = try LoopbackPort.free()
        let locationURL = "http://127.0.0.1:\(locationPort)"
        let adminURL = "http://127.0.0.1:\(try LoopbackPort.free())"
        progress("starting modelbridge all; waiting until location lists \(BenchFigure.grouped(expected)) documents")
        let clock = ContinuousClock()
        let started = clock.now
        let benchCPUBefore = ProcessProbe.cpuSeconds(pid: getpid())
        let engine = try ChildProcess(
            binary: binary,
            arguments: [
                "all", "--location-address", "127.0.0.1:\(locationPort)",
                "--storage-address", "127.0.0.1:\(try LoopbackPort.free())",
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
        let recorder = PhaseRecorder()
        do {
            try await waitUntil(
                "location lists \(expected) documents", timeout: .seconds(max(60, scale / 30)),
                interval: .milliseconds(50)
            ) {
                let polled = clock.now
                let listed = await http.listCount(locationURL)
                let now = clock.now
                let elapsed = (now - started).seconds
                let requests = logs.map(\.count).reduce(0, +)
                // Only the per-version calls: the change probe also reads `/model_artifacts`.
                let artifacts = logs.map { $0.count(where: { $0.path.hasSuffix("/artifacts") }) }.reduce(0, +)
                recorder.state.withLock { state in
                    let grew = artifacts > state.artifactCalls
                    state.artifactCalls = artifacts
                    var phases = state.phases
                    defer { state.phases = phases }
                    phases.polls += 1
                    phases.pollSeconds += (now - polled).seconds
                    if requests > 0, phases.firstRegistryRequest == nil { phases.firstRegistryRequest = elapsed }
                    if grew { phases.lastArtifactCall = elapsed }
                    if (listed ?? 0) > 0, phases.firstDocument == nil { phases.firstDocument = elapsed }
                }
                return listed == expected
            }
        } catch {
            throw BenchError("\(error)\n--- modelbridge all ---\n\(engine.logTail)")
        }
        let resync = (clock.now - started).seconds
        recorder.state.withLock { state in
            state.phases.engineCPU = ProcessProbe.cpuSeconds(pid: engine.pid)
            if let before = benchCPUBefore, let after = ProcessProbe.cpuSeconds(pid: getpid()) {
                state.phases.benchCPU = after - before
            }
        }
        let records = logs.flatMap(\.records)
        var outcome = Outcome(
            expectedDocuments: expected, resyncSeconds: resync, registryRequests: records.count,
            artifactCalls: records.filter { $0.path.contains("artifacts") }.count,
            phases: recorder.state.withLock { $0.phases })
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
            var object: JSONValue = [
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

/// What the polls of one resync saw so far.
private final class PhaseRecorder: Sendable {
    let state = Mutex((phases: EngineBench.ResyncPhases(), artifactCalls: 0))
}
