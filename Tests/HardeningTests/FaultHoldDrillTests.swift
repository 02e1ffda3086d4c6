import Foundation
import KubeAPI
import Logging
import ModelbridgeTesting
import RegistryAPI
import Sandbox
import Testing

/// Drill 4, held: every sandbox fault plan (`POST /sandbox/faults`) in force for a minute
/// against the real `modelbridge` binary as three processes, wired as in the pod, with the
/// sandbox's emulated Developer Hub reading location. Each fault runs once in steady state and
/// once with a resync requested every second. While it lasts, no entity Developer Hub held
/// before leaves it and no URI location listed before leaves `/list`; a model and an
/// InferenceService arrive during the fault; the roles log what went wrong; and once the plan
/// expires (the sandbox ends it itself, as `durationSeconds` says) both arrivals are served
/// within one probe interval.
///
/// `MODELBRIDGE_FAULT_SECONDS` (60) sets how long each fault is held; `MODELBRIDGE_FAULTS` (a
/// part of a fault's name, such as `409`) holds only the faults it names.
@Suite(.serialized) struct FaultHoldDrillTests {
    static let faultSeconds = Int(ProcessInfo.processInfo.environment["MODELBRIDGE_FAULT_SECONDS"] ?? "") ?? 60
    /// The faults to hold: all of them, or those whose name contains `MODELBRIDGE_FAULTS`.
    static let selectedFaults: [Fault] = {
        guard let only = ProcessInfo.processInfo.environment["MODELBRIDGE_FAULTS"], !only.isEmpty else { return faults }
        return faults.filter { $0.name.range(of: only, options: .caseInsensitive) != nil }
    }()
    /// The normalizer's `PROBE_INTERVAL` in this drill.
    static let probeInterval: Duration = .seconds(5)
    /// Generated models on top of the demo scenario: 120 per registry, so every registry's
    /// model list has a second page for the failing-page fault.
    static let generatedModels = 240

    /// What the bridge may take after the next probe to read, store and push what changed (a
    /// debug build on 2 shared cores): recovery is due within `probeInterval + processing`.
    static let processing: Duration = .seconds(3)

    struct Fault: Sendable {
        var name: String
        var plan: SandboxFaultPlan
        /// A line logged while the fault lasts must contain all of these (case-insensitive).
        var logged: [String]
    }

    /// Every kind of fault the sandbox injects. Counted Kubernetes faults get a count no minute
    /// exhausts, so they last as long as the plan. The latency stays below the registry client's
    /// 30 s timeout (a request sent just before the end would otherwise still be waiting after
    /// it); latency past a timeout is in the cycle-driven matrix (`FaultMatrixTests`). Watch
    /// drops and expired history heal by themselves, so they are `info` lines, not warnings.
    static let faults: [Fault] = [
        Fault(
            name: "registry 503 on every request", plan: SandboxFaultPlan(registryErrorRate: 1),
            logged: ["error", "registry read failed", "answered 503"]),
        Fault(
            name: "registry 503 on 30 % of requests", plan: SandboxFaultPlan(registryErrorRate: 0.3),
            logged: ["error", "registry read failed", "answered 503"]),
        Fault(
            name: "registry HTML 502 page", plan: SandboxFaultPlan(registryProxyErrorRate: 1),
            logged: ["error", "registry read failed", "502 with a non-API body"]),
        Fault(
            name: "registry latency 3 s", plan: SandboxFaultPlan(registryLatencyMilliseconds: 3_000),
            logged: ["warning", "registry answered slowly"]),
        Fault(
            name: "registry model list page 2 fails",
            plan: SandboxFaultPlan(failingPage: .init(page: 2, status: 500, pathContains: "registered_models")),
            logged: ["error", "registry read failed", "answered 500"]),
        Fault(
            name: "catalog 503", plan: SandboxFaultPlan(catalogOutage: true),
            logged: ["warning", "model cards could not be read", "answered 503"]),
        Fault(
            name: "watches dropped every 2 s", plan: SandboxFaultPlan(kubeWatchDropSeconds: 2),
            logged: ["info", "closed by the server early"]),
        Fault(
            name: "history compacted every 5 s (410)", plan: SandboxFaultPlan(kubeExpireSeconds: 5),
            logged: ["info", "expired", "relisting"]),
        Fault(
            name: "ConfigMap writes 409", plan: SandboxFaultPlan(kubeConflicts: 1_000_000),
            logged: ["error", "409 Conflict"]),
        Fault(
            name: "every Kubernetes request 429",
            plan: SandboxFaultPlan(kubeTooManyRequests: 1_000_000, kubeRetryAfterSeconds: 1),
            logged: ["warning", "throttled the request (429)"]),
    ]

    /// What one held fault measured.
    struct Row: Sendable {
        var fault: String
        var resync: Bool
        var listPolls = 0
        var listUnanswered = 0
        /// Why each unanswered `/list` read failed (status and body, or the client's error), for the report.
        var listFailures: [String] = []
        var backstagePolls = 0
        var backstageFailedPolls = 0
        var removals: [String] = []
        /// Lines logged at `warning` or above while the fault lasted.
        var warnings = 0
        /// The first line logged that names the fault (``Fault/logged``).
        var namingLine: String?
        /// From the plan's end until location lists both arrivals.
        var locationRecovery: Duration?
        /// From the plan's end until the emulated Developer Hub holds both arrivals as entities.
        var backstageRecovery: Duration?
    }

    /// Everything the drill runs against.
    struct Rig: Sendable {
        var platform: SandboxPlatform
        var roles: RoleProcesses
    }

    @Test func everySandboxFaultHeldForAMinuteLosesNothingAndRecoversWithinAProbeInterval() async throws {
        var quiet = Logger(label: "drill.hold")
        quiet.logLevel = .critical
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "modelbridge-fault-hold-\(getpid())")
        let roles = try RoleProcesses(
            directory: directory,
            environment: [
                "KUBECONFIG": directory.appendingPathComponent("kubeconfig").path, "POD_NAMESPACE": "rhdh",
                "POLLING_INTERVAL": "10m",
            ],
            probeInterval: "\(Self.probeInterval.components.seconds)s", logLevel: "info")
        var configuration = SandboxConfiguration(scenario: SandboxScenario.demo.scaled(models: Self.generatedModels))
        configuration.stateDirectory = directory.path
        configuration.locationURL = roles.locationURL
        configuration.storageURL = roles.storageURL
        configuration.backstagePolls = false  // the drill polls, and checks after every poll
        configuration.readyDelay = .milliseconds(500)
        let platform = try SandboxPlatform(configuration: configuration, logger: quiet)
        try await platform.start()
        let rig = Rig(platform: platform, roles: roles)
        var rows: [Row] = []
        do {
            for role in [RoleProcesses.Role.storage, .location, .normalizer] { try roles.start(role) }
            // Two live versions of every generated model, plus the demo's own.
            try await poll(until: "location serves every generated model", timeout: .seconds(180)) {
                (await roles.listedURIs()?.count ?? 0) > Self.generatedModels * 2
            }
            try await Self.waitUntilSettled(rig)
            for (number, fault) in Self.selectedFaults.enumerated() {
                for resync in [false, true] {
                    let row = try await Self.hold(fault, resync: resync, number: number * 2 + (resync ? 1 : 0), rig)
                    print(Self.format(row))
                    rows.append(row)
                }
            }
        } catch {
            for role in RoleProcesses.Role.allCases {
                print("--- \(role.rawValue) (last lines) ---")
                for line in roles.log(role, since: 0).suffix(20) { print(line) }
            }
            Issue.record(error)
        }
        for role in RoleProcesses.Role.allCases {
            #expect(roles.isRunning(role), "\(role.rawValue) exited during the drill")
        }
        let endings = await roles.shutdown()
        for (role, ending) in endings {
            #expect(ending == "exit 0", "\(role.rawValue) did not shut down cleanly on SIGTERM: \(ending)")
        }
        await platform.stop()

        print("\nheld \(Self.faultSeconds) s each, probe interval \(Self.probeInterval):")
        print(Self.header)
        for row in rows { print(Self.format(row)) }
        #expect(!Self.selectedFaults.isEmpty, "MODELBRIDGE_FAULTS names no fault")
        #expect(rows.count == Self.selectedFaults.count * 2)
        for row in rows {
            let what = "\(row.fault) (\(row.resync ? "resync" : "steady"))"
            #expect(row.removals.isEmpty, "\(what): \(row.removals.prefix(3))")
            #expect(
                row.listUnanswered == 0,
                "\(what): location did not answer /list \(row.listUnanswered) times: \(row.listFailures.prefix(3))")
            #expect(row.namingLine != nil, "\(what): no log line said what went wrong")
            let recovery = try #require(row.locationRecovery, "\(what): the arrivals were never served")
            #expect(
                recovery <= Self.probeInterval + Self.processing, "\(what): location caught up after \(recovery)")
            #expect(row.backstageRecovery != nil, "\(what): Developer Hub never showed the arrivals")
        }
    }

    /// Waits until a probe interval passes with no change to what location lists, so the
    /// next fault starts from a steady state (not from the tail of the previous recovery).
    static func waitUntilSettled(_ rig: Rig) async throws {
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(120)
        var last: Set<String> = []
        var since = clock.now
        while clock.now < deadline {
            let listed = Set(await rig.roles.listedURIs() ?? [])
            if listed != last || listed.isEmpty {
                last = listed
                since = clock.now
            } else if clock.now - since > probeInterval + .seconds(1) {
                return
            }
            try await Task.sleep(for: .milliseconds(250))  // paces the check, not a synchronisation
        }
        throw DeadlinePassed(description: "location never settled")
    }

    static func hold(_ fault: Fault, resync: Bool, number: Int, _ rig: Rig) async throws -> Row {
        let platform = rig.platform
        let roles = rig.roles
        let clock = ContinuousClock()
        let listed = Set(try #require(await roles.listedURIs(), "location answers /list before \(fault.name)"))
        let cycle = await platform.backstage.pollNow()
        try #require(cycle.outcome == .applied, "Developer Hub read location before \(fault.name)")
        let entities = Set(await platform.backstage.entities.map(\.ref))
        let offsets = RoleProcesses.Role.allCases.map { ($0, roles.logSize($0)) }
        let row = SharedBox(Row(fault: fault.name, resync: resync))
        let model = "arrival-\(number)"
        let service = "arrival-isvc-\(number)"

        var plan = fault.plan
        plan.durationSeconds = Double(faultSeconds)
        try platform.faults.apply(plan)
        let observers = Task {
            await withDiscardingTaskGroup { group in
                group.addTask {  // location, as often as a busy Developer Hub would read it
                    while !Task.isCancelled {
                        let read = await roles.listRead()
                        // The drill cancels its observers when the row ends; a read cut short by that
                        // (CancellationError) is the drill's doing, not location's.
                        if Task.isCancelled { break }
                        row.withLock { row in
                            row.listPolls += 1
                            guard case .success(let uris) = read else {
                                row.listUnanswered += 1
                                if case .failure(let failure) = read { row.listFailures.append("\(failure)") }
                                return
                            }
                            let gone = listed.subtracting(uris)
                            if !gone.isEmpty {
                                row.removals.append(
                                    "location /list lost \(gone.count), e.g. \(gone.sorted().prefix(2))")
                            }
                        }
                        try? await Task.sleep(for: .milliseconds(250))
                    }
                }
                group.addTask {  // the emulated Developer Hub, checked after every poll
                    while !Task.isCancelled {
                        let cycle = await platform.backstage.pollNow()
                        let now = Set(await platform.backstage.entities.map(\.ref))
                        row.withLock { row in
                            row.backstagePolls += 1
                            if cycle.outcome != .applied { row.backstageFailedPolls += 1 }
                            let gone = entities.subtracting(now)
                            if !gone.isEmpty {
                                row.removals.append("Developer Hub lost \(gone.count), e.g. \(gone.sorted().prefix(2))")
                            }
                        }
                        try? await Task.sleep(for: .milliseconds(500))
                    }
                }
                if resync {
                    group.addTask {
                        while !Task.isCancelled {
                            _ = await roles.post(roles.adminURL + "/resync")
                            try? await Task.sleep(for: .seconds(1))
                        }
                    }
                }
            }
        }
        // The arrivals come a quarter into the fault, written to the fakes' stores directly
        // (the injected faults answer HTTP requests, and this is the platform changing).
        try await Task.sleep(for: .seconds(faultSeconds) / 4)
        let registry = platform.registries[0].server.store
        let created = try registry.createRegisteredModel(
            RegistryAPI.RegisteredModel(name: model, owner: "drill", state: ModelState(rawValue: "LIVE")))
        let version = try registry.createModelVersion(
            RegistryAPI.ModelVersion(name: "v1", registeredModelId: created.id, state: ModelState(rawValue: "LIVE")))
        _ = try registry.upsertVersionArtifact(
            versionId: version.id!, RegistryAPI.ModelArtifact(name: "\(model)-v1", uri: "s3://drill/\(model)"))
        try platform.kubernetes.store.seed(
            kind: "serving.kserve.io/v1beta1/inferenceservices",
            object: DrillHarness.readyInferenceService(namespace: "team-a", name: service))

        try await poll(until: "the sandbox ends the plan", timeout: .seconds(faultSeconds + 10)) {
            platform.faults.activePlan == nil
        }
        let ended = clock.now
        let modelPrefix = "/\(model)/v1."
        let servicePath = "/team-a/\(service)/model-catalog.json"
        // Waits well past the bound, so a late recovery is measured rather than reported as never.
        try? await poll(until: "location lists the arrivals", timeout: .seconds(60)) {
            let uris = await roles.listedURIs() ?? []
            return uris.contains { $0.hasPrefix(modelPrefix) } && uris.contains(servicePath)
        }
        if let uris = await roles.listedURIs(), uris.contains(where: { $0.hasPrefix(modelPrefix) }),
            uris.contains(servicePath)
        {
            let recovery = clock.now - ended
            row.withLock { $0.locationRecovery = recovery }
        }
        let refs: Set<String> = ["resource:default/\(model)-v1", "component:default/team-a-\(service)"]
        try? await poll(until: "Developer Hub holds the arrivals", timeout: .seconds(60)) {
            Set(await platform.backstage.entities.map(\.ref)).isSuperset(of: refs)
        }
        if Set(await platform.backstage.entities.map(\.ref)).isSuperset(of: refs) {
            let recovery = clock.now - ended
            row.withLock { $0.backstageRecovery = recovery }
        }
        observers.cancel()
        await observers.value

        var logged: [String] = []
        for (role, offset) in offsets {
            logged += roles.log(role, since: offset).map { "\(role.rawValue): \($0)" }
        }
        // `2026-12-02T22:51:10+0000 warning modelbridge.storage: …`: the level is the second word.
        let warnings = logged.filter { line in
            let level = line.split(separator: " ").dropFirst(2).first ?? ""
            return ["warning", "error", "critical"].contains(level)
        }
        let naming = logged.first { line in
            fault.logged.allSatisfy { line.range(of: $0, options: .caseInsensitive) != nil }
        }
        row.withLock { row in
            row.warnings = warnings.count
            row.namingLine = naming.map { String($0.prefix(160)) }
        }
        try await waitUntilSettled(rig)
        return row.withLock { $0 }
    }

    static let header =
        "fault                               phase   /list polls (no answer)  DH polls (failed)  removals  warnings   "
        + "location / DH caught up after the end   first line naming the fault"

    static func format(_ row: Row) -> String {
        func pad(_ text: String, _ width: Int) -> String { text.padding(toLength: width, withPad: " ", startingAt: 0) }
        func seconds(_ duration: Duration?) -> String {
            duration.map {
                String(format: "%.1f s", Double($0.components.attoseconds) / 1e18 + Double($0.components.seconds))
            }
                ?? "never"
        }
        return pad(row.fault, 36) + pad(row.resync ? "resync" : "steady", 8)
            + pad("\(row.listPolls) (\(row.listUnanswered))", 25)
            + pad("\(row.backstagePolls) (\(row.backstageFailedPolls))", 19) + pad("\(row.removals.count)", 10)
            + pad("\(row.warnings)", 11)
            + pad("\(seconds(row.locationRecovery)) / \(seconds(row.backstageRecovery))", 40)
            + (row.namingLine ?? "NONE")
    }
}
