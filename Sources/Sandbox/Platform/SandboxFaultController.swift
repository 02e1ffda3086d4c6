import Foundation
import Logging
import Synchronization

/// Applies a ``SandboxFaultPlan`` through the fakes' own fault hooks, and keeps rate-based and
/// periodic faults going while the plan lasts:
///
/// - error rates: the fakes queue faults per request, so decisions are drawn ahead for the next
///   ``lookahead`` requests and one more after every request served; the observed rate matches
///   the plan, though failures may come in short bursts;
/// - catalog outage: a rate of 1 on the catalog;
/// - latency and failing pages: set once on the fakes;
/// - Kubernetes 409 and 429 storms: counted faults on the fake API; watch drops and 410s
///   (history compaction plus dropped watches) repeat on their period.
///
/// ```swift
/// let faults = SandboxFaultController(kube: kube, registries: [("public", registry)], catalog: catalog)
/// try faults.apply(SandboxFaultPlan(registryErrorRate: 1))
/// faults.clear()
/// ```
public final class SandboxFaultController: Sendable {
    private struct State {
        var plan: SandboxFaultPlan?
        var targets: [String] = []
        var appliedAt = ContinuousClock.now
        var observedRequests: [String: Int] = [:]
        var observedCatalogRequests = 0
        var lastWatchDrop = ContinuousClock.now
        var lastExpiry = ContinuousClock.now
    }

    /// How many requests ahead fault decisions are drawn (a burst this long within one driver tick
    /// still sees the plan's rate).
    public static let lookahead = 8

    private let kube: FakeKubeServer
    private let registries: [(name: String, server: FakeRegistryServer)]
    private let catalog: FakeCatalogServer
    private let state = Mutex(State())
    private let logger: Logger

    public init(
        kube: FakeKubeServer, registries: [(name: String, server: FakeRegistryServer)], catalog: FakeCatalogServer,
        logger: Logger? = nil
    ) {
        self.kube = kube
        self.registries = registries
        self.catalog = catalog
        self.logger = logger ?? Logger(label: "modelbridge.sandbox.faults")
    }

    /// The plan in force, if any.
    public var activePlan: SandboxFaultPlan? { state.withLock { $0.plan } }

    /// Replaces the faults in force with `plan`.
    public func apply(_ plan: SandboxFaultPlan) throws(SandboxFaultError) {
        if let problem = plan.problem { throw SandboxFaultError(problem) }
        let names = Set(plan.registries ?? [])
        let unknown = names.subtracting(registries.map(\.name))
        if !unknown.isEmpty {
            throw SandboxFaultError(
                "unknown registries \(unknown.sorted()); known: \(registries.map(\.name).sorted())")
        }
        state.withLock { state in
            resetFakes()
            let targets = registries.filter { names.isEmpty || names.contains($0.name) }
            state = State(plan: plan, targets: targets.map(\.name))
            let latency = plan.registryLatencyMilliseconds.map { Duration.milliseconds($0) }
            for target in targets {
                state.observedRequests[target.name] = target.server.requestLog.count
                target.server.faults.setLatency(latency)
                if let page = plan.failingPage {
                    target.server.faults.failPage(
                        page.page, status: page.status ?? 500, pathContaining: page.pathContains)
                }
                draw(for: target.server, plan: plan, count: Self.lookahead)
            }
            catalog.faults.setLatency(latency)
            state.observedCatalogRequests = catalog.requestLog.count
            if plan.catalogOutage == true { catalog.faults.failNextRequests(Self.lookahead, status: 503) }
            if let conflicts = plan.kubeConflicts, conflicts > 0 {
                let conflict = FakeKubeFault.status(
                    code: 409, reason: "Conflict",
                    message: "Operation cannot be fulfilled: the object has been modified; please apply your "
                        + "changes to the latest version and try again (injected by the sandbox)")
                for method in ["PUT", "PATCH"] {
                    kube.injectFault(conflict, times: conflicts, method: method, pathContains: "/configmaps")
                }
            }
            if let throttled = plan.kubeTooManyRequests, throttled > 0 {
                kube.injectFault(
                    .tooManyRequests(retryAfterSeconds: plan.kubeRetryAfterSeconds ?? 1), times: throttled)
            }
        }
        logger.notice("faults applied", metadata: ["plan": "\(plan)"])
    }

    /// Removes every fault (including faults injected into the fakes by other means).
    public func clear() {
        state.withLock { state in
            state = State()
            resetFakes()
        }
        logger.notice("faults cleared")
    }

    /// Keeps rate-based and periodic faults going, and ends timed plans, until cancelled.
    public func run() async {
        while !Task.isCancelled {
            let active = tick(now: .now)
            do {
                try await Task.sleep(for: active ? .milliseconds(10) : .milliseconds(100))
            } catch {
                return
            }
        }
    }

    /// One step of the driver; returns whether a plan is in force.
    @discardableResult
    func tick(now: ContinuousClock.Instant) -> Bool {
        let expired = state.withLock { state -> Bool in
            guard let plan = state.plan else { return false }
            if let seconds = plan.durationSeconds, now - state.appliedAt >= .milliseconds(Int64(seconds * 1000)) {
                state = State()
                resetFakes()
                return true
            }
            for target in registries where state.targets.contains(target.name) {
                let count = target.server.requestLog.count
                let seen = state.observedRequests[target.name] ?? count
                state.observedRequests[target.name] = count
                if count > seen { draw(for: target.server, plan: plan, count: count - seen) }
            }
            let catalogCount = catalog.requestLog.count
            if plan.catalogOutage == true, catalogCount > state.observedCatalogRequests {
                catalog.faults.failNextRequests(catalogCount - state.observedCatalogRequests, status: 503)
            }
            state.observedCatalogRequests = catalogCount
            if let seconds = plan.kubeWatchDropSeconds,
                now - state.lastWatchDrop >= .milliseconds(Int64(seconds * 1000))
            {
                state.lastWatchDrop = now
                kube.store.dropAllWatches()
            }
            if let seconds = plan.kubeExpireSeconds, now - state.lastExpiry >= .milliseconds(Int64(seconds * 1000)) {
                state.lastExpiry = now
                kube.store.compact()
                kube.store.dropAllWatches()
            }
            return false
        }
        if expired { logger.notice("faults expired") }
        return activePlan != nil
    }

    /// Queues the faults `count` draws decide for the next requests of one registry.
    private func draw(for server: FakeRegistryServer, plan: SandboxFaultPlan, count: Int) {
        let errorRate = plan.registryErrorRate ?? 0
        let proxyRate = plan.registryProxyErrorRate ?? 0
        guard errorRate > 0 || proxyRate > 0 else { return }
        for _ in 0..<count {
            let roll = Double.random(in: 0..<1)
            if roll < errorRate {
                server.faults.failNextRequests(1, status: plan.registryErrorStatus ?? 503)
            } else if roll < errorRate + proxyRate {
                server.faults.answerWithProxyErrorPage(1, status: 502)
            }
        }
    }

    private func resetFakes() {
        for target in registries { target.server.faults.reset() }
        catalog.faults.reset()
        kube.clearFaults()
    }
}

/// A fault plan that cannot be applied.
public struct SandboxFaultError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
