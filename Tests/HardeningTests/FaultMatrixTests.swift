import Bridge
import CatalogModel
import Foundation
import KubeAPI
import Logging
import ModelbridgeTesting
import RegistryAPI
import Sandbox
import Testing

/// Drill 4: every injectable fault, in steady state and during a resync, driven cycle by
/// cycle. No document of a live model ever leaves location, the fault is logged, and once it
/// ends the bridge catches up (a model registered during the fault appears) within one
/// probe interval.
@Suite(.serialized) struct FaultMatrixTests {
    /// Models in the registry: more than one page (the client asks for 100 per page).
    static let models = 110
    /// Probe cycles run while the fault is active.
    static let faultCycles = 3
    /// The production default of `PROBE_INTERVAL`: the most a recovery may take.
    static let probeInterval: Duration = .seconds(10)

    enum Fault: String, CaseIterable, Sendable, CustomStringConvertible {
        case registry5xx = "registry 503"
        case registryProxyPage = "registry HTML 502 page"
        case registryFailingPage = "registry page 2 fails"
        case registryLatency = "registry latency > timeout"
        case catalogOutage = "catalog 503"
        case kubeWatchDrop = "watch drop + 502 on re-watch"
        case kubeGone = "watch 410 (compacted)"
        case kubeConflictStorm = "ConfigMap 409 storm"
        case kubeThrottled = "429 on ISVCs and ConfigMaps"

        var description: String { rawValue }

        var store: DrillHarness.StoreKind {
            switch self {
            case .kubeConflictStorm, .kubeThrottled: return .configMaps
            default: return .memory
            }
        }

        /// Starts the fault (called before every faulted cycle, so repeating faults persist).
        func inject(_ harness: DrillHarness) {
            switch self {
            case .registry5xx:
                harness.registry.faults.reset()
                harness.registry.faults.failNextRequests(10_000, status: 503)
            case .registryProxyPage:
                harness.registry.faults.reset()
                harness.registry.faults.answerWithProxyErrorPage(10_000)
            case .registryFailingPage:
                harness.registry.faults.reset()
                harness.registry.faults.failPage(2, pathContaining: "registered_models")
            case .registryLatency:
                harness.registry.faults.setLatency(.milliseconds(700))
            case .catalogOutage:
                harness.catalog.faults.reset()
                harness.catalog.faults.failNextRequests(10_000, status: 503)
            case .kubeWatchDrop:
                harness.kube.clearFaults()
                harness.kube.injectFault(.htmlBadGateway, times: 10_000, pathContains: "inferenceservices")
                harness.kube.store.dropAllWatches()
            case .kubeGone:
                harness.kube.setExpiredWatchAsHTTPStatus(true)
                harness.kube.store.compact()
                harness.kube.store.dropAllWatches()
            case .kubeConflictStorm:
                harness.kube.clearFaults()
                for method in ["PUT", "PATCH", "POST"] {
                    harness.kube.injectFault(
                        .status(code: 409, reason: "Conflict", message: "the object has been modified"), times: 10_000,
                        method: method, pathContains: "configmaps")
                }
            case .kubeThrottled:
                harness.kube.clearFaults()
                harness.kube.injectFault(
                    .tooManyRequests(retryAfterSeconds: 1), times: 10_000, pathContains: "inferenceservices")
                harness.kube.injectFault(
                    .tooManyRequests(retryAfterSeconds: 1), times: 10_000, pathContains: "configmaps")
                harness.kube.store.dropAllWatches()
            }
        }

        func clear(_ harness: DrillHarness) {
            harness.registry.faults.reset()
            harness.catalog.faults.reset()
            harness.kube.clearFaults()
            harness.kube.setExpiredWatchAsHTTPStatus(false)
        }
    }

    /// What one run of the matrix measured.
    struct Row: Sendable {
        var fault: Fault
        var duringResync: Bool
        var minimumServed: Int
        var expected: Int
        var warnings: Int
        var firstWarning: String
        var recoveryCycles: Int
        var recovery: Duration
    }

    static func run(_ fault: Fault, duringResync: Bool) async throws -> Row {
        let logs = LogCapture()
        let harness = try await DrillHarness(
            store: fault.store, requestTimeout: .milliseconds(300), logs: logs, logLevel: .info)
        harness.catalog.store.addSource(RegistryAPI.CatalogSource(id: "redhat", name: "Red Hat"))
        for index in 0..<Self.models {
            let (_, versionID) = try harness.register("model-\(index)")
            if index < 3 {
                _ = try harness.catalog.store.putModel(
                    CatalogModelEntry(name: "group/model-\(index)", readme: "# Card \(index)"), source: "redhat")
                let artifact = try #require(harness.registry.store.artifacts(ofVersion: versionID).first)
                _ = try harness.registry.store.updateArtifact(
                    id: artifact.id!,
                    RegistryAPI.ModelArtifact(
                        modelSourceClass: "redhat", modelSourceGroup: "group", modelSourceName: "model-\(index)"))
            }
        }
        try harness.seedInferenceService(DrillHarness.readyInferenceService(namespace: "team", name: "served-isvc"))
        try await poll(until: "the informer sees the service") { harness.cluster.inferenceServices().count == 1 }
        await harness.cycle()
        let live = harness.servedKeys()
        let cards = harness.index.snapshot().cards.count
        #expect(live.count == Self.models + 1, "\(fault): steady state serves every model")
        #expect(cards == 3, "\(fault): steady state serves the cards")

        logs.clear()
        var minimumServed = live.count
        for cycle in 0..<Self.faultCycles {
            fault.inject(harness)
            if cycle == 1 {
                try harness.register("arrival")
                try harness.seedInferenceService(
                    DrillHarness.readyInferenceService(namespace: "team", name: "arrival-isvc"))
            }
            if duringResync { await harness.controller.requestResync() }
            await harness.cycle()
            let served = harness.servedKeys()
            minimumServed = min(minimumServed, served.intersection(live).count)
            #expect(served.isSuperset(of: live), "\(fault) cycle \(cycle): a live model left location")
            #expect(harness.index.snapshot().cards.count >= cards, "\(fault) cycle \(cycle): a card was lost")
        }
        // A slow read (over a second on a busy machine) is worth a warning, but not one that names
        // the fault under test.
        let warnings = logs.lines(atLeast: .warning).filter { !$0.text.contains("answered slowly") }
        fault.clear(harness)
        harness.registry.faults.setLatency(nil)

        let clock = ContinuousClock()
        let started = clock.now
        var cycles = 0
        while clock.now - started < Self.probeInterval + .seconds(5) {
            await harness.cycle()
            cycles += 1
            let served = harness.servedNames()
            if served.contains("arrival-v1") && served.contains("team-arrival-isvc") { break }
            try await Task.sleep(for: .milliseconds(50))  // paces the probe loop, as the real interval does
        }
        let recovery = clock.now - started
        let final = harness.servedKeys()
        #expect(final.isSuperset(of: live), "\(fault): after the fault every live model is served")
        #expect(
            harness.servedNames().isSuperset(of: ["arrival-v1", "team-arrival-isvc"]),
            "\(fault): what arrived during the fault is served after it")
        await harness.shutdown()
        return Row(
            fault: fault, duringResync: duringResync, minimumServed: minimumServed, expected: live.count,
            warnings: warnings.count, firstWarning: warnings.first.map { String($0.text.prefix(110)) } ?? "-",
            recoveryCycles: cycles, recovery: recovery)
    }

    @Test func everyFaultInSteadyStateAndDuringAResyncLosesNothingAndRecovers() async throws {
        var rows: [Row] = []
        for fault in Fault.allCases {
            for duringResync in [false, true] {
                rows.append(try await Self.run(fault, duringResync: duringResync))
            }
        }
        print("fault                          phase    served(min/expected) warnings recovery        first warning")
        for row in rows {
            let phase = row.duringResync ? "resync " : "steady "
            let recovery = "\(row.recoveryCycles) cycles \(row.recovery.formatted(.units(allowed: [.milliseconds])))"
            print(
                row.fault.rawValue.padding(toLength: 31, withPad: " ", startingAt: 0) + phase + "  "
                    + "\(row.minimumServed)/\(row.expected)".padding(toLength: 21, withPad: " ", startingAt: 0)
                    + "\(row.warnings)".padding(toLength: 9, withPad: " ", startingAt: 0)
                    + recovery.padding(toLength: 16, withPad: " ", startingAt: 0) + row.firstWarning)
        }
        for row in rows {
            #expect(row.minimumServed == row.expected, "\(row.fault): wrongful removal")
            #expect(row.warnings > 0, "\(row.fault) (resync: \(row.duringResync)): no log line said what went wrong")
            #expect(row.recovery <= Self.probeInterval, "\(row.fault): recovery took \(row.recovery)")
        }
    }
}
