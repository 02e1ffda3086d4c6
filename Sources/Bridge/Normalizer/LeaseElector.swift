import Foundation
import KubeAPI
import Logging
import Synchronization

/// Leader election on a `coordination.k8s.io/v1` Lease, as client-go's leaderelection does
/// (lease 15 s, renew deadline 10 s, retry every 2 s), so that several Developer Hub replicas can
/// run the normalizer and only one writes (`LEADER_ELECT=true`).
///
/// Like client-go, a lease held by someone else expires by this process's own clock: when its
/// record has not changed for a lease duration since this process first saw it, so clock skew
/// between replicas does not matter. Times are written as `metav1.MicroTime` (six fractional
/// digits), the only form the API server accepts.
///
/// When it cannot acquire or renew the lease for longer than a lease duration (the API server
/// refuses the Lease, RBAC is missing, the server is unreachable), nobody may be publishing: it
/// says so at error level (`publishing nothing because …`), in ``publishing`` (which `/readyz`,
/// `/state` and the console show) and in the metrics `leader_election_master_status` and
/// `modelbridge_publishing`.
///
/// ```swift
/// let elector = LeaseElector(client: kube, namespace: "rhdh", identity: podName, metrics: metrics, logger: logger)
/// group.addTask { try await elector.run() }
/// if elector.isLeader { /* write */ } else { print(elector.publishing.reason ?? "") }
/// ```
public final class LeaseElector: Sendable {
    public let name: String
    public let namespace: String
    public let identity: String
    let client: KubeClient
    let leaseDuration: Duration
    let renewDeadline: Duration
    let retryPeriod: Duration
    let metrics: BridgeMetrics?
    let logger: Logger
    private let state = Mutex(State())

    /// What one attempt to acquire or renew found.
    enum Outcome: Sendable, Equatable {
        /// This process holds the lease (acquired or renewed).
        case held
        /// Another replica holds an unexpired lease, or won a race for it.
        case heldByOther(String?)
        /// The API server could not be used: the error, as text.
        case failed(String)
    }

    private struct State {
        var leader = false
        var lastRenewal: ContinuousClock.Instant?
        var started: ContinuousClock.Instant?
        /// The last attempt that reached a working API server (held, or seen held by someone else).
        var lastContact: ContinuousClock.Instant?
        var holder: String?
        var lastError: String?
        /// The other holder's record as last read, and when this process first saw it so.
        var observedRecord: Lease.Spec?
        var observedAt: ContinuousClock.Instant?
        var blockedSince: ContinuousClock.Instant?
        var lastBlockedLog: ContinuousClock.Instant?
        var wasLeader = false
    }

    public init(
        client: KubeClient, namespace: String, name: String = "modelbridge-normalizer", identity: String,
        leaseDuration: Duration = .seconds(15), renewDeadline: Duration = .seconds(10),
        retryPeriod: Duration = .seconds(2), metrics: BridgeMetrics? = nil,
        logger: Logger
    ) {
        self.client = client
        self.namespace = namespace
        self.name = name
        self.identity = identity
        self.leaseDuration = leaseDuration
        self.renewDeadline = renewDeadline
        self.retryPeriod = retryPeriod
        self.metrics = metrics
        self.logger = logger
        metrics?.recordLeadership(lease: name, isLeader: false, mode: nil)
    }

    /// Whether this process holds the lease and renewed it within the renew deadline.
    public var isLeader: Bool {
        state.withLock { Self.isLeader($0, now: ContinuousClock().now, renewDeadline: renewDeadline) }
    }

    private static func isLeader(_ state: State, now: ContinuousClock.Instant, renewDeadline: Duration) -> Bool {
        guard state.leader, let last = state.lastRenewal else { return false }
        return now - last < renewDeadline
    }

    /// Whether this process publishes, and if not, why.
    public var publishing: PublishingState {
        state.withLock { publishing($0, now: ContinuousClock().now) }
    }

    private func publishing(_ state: State, now: ContinuousClock.Instant) -> PublishingState {
        let lease = "\(namespace)/\(name)"
        if Self.isLeader(state, now: now, renewDeadline: renewDeadline) { return .publishing }
        if let since = state.blockedSince, let error = state.lastError {
            let seconds = Int((now - since).components.seconds)
            return PublishingState(
                mode: .blocked,
                reason: "publishing nothing because the lease \(lease) could not be acquired or renewed for "
                    + "\(seconds) s: \(error)")
        }
        if let holder = state.holder {
            return PublishingState(
                mode: .standby, reason: "publishing nothing because replica \(holder) holds the lease \(lease)")
        }
        if state.lastError != nil {
            return PublishingState(
                mode: .standby,
                reason: "publishing nothing because the lease \(lease) could not be renewed: retrying")
        }
        return PublishingState(
            mode: .standby, reason: "publishing nothing because the lease \(lease) has not been acquired yet")
    }

    /// Tries to acquire and then renews the lease every retry period until cancelled.
    public func run() async throws {
        while !Task.isCancelled {
            _ = await tryAcquireOrRenew()
            try await Task.sleep(for: retryPeriod)
        }
    }

    /// One attempt, recorded: returns whether this process holds the lease now.
    func tryAcquireOrRenew() async -> Bool {
        let clock = ContinuousClock()
        state.withLock { if $0.started == nil { $0.started = clock.now } }
        let outcome = await attempt()
        record(outcome, now: clock.now)
        return outcome == .held
    }

    /// Updates the state, the metrics and the log from one attempt's outcome.
    private func record(_ outcome: Outcome, now: ContinuousClock.Instant) {
        let lease = "\(namespace)/\(name)"
        enum Line {
            case becameLeader, lostLeadership
            case blocked(String)
            case stillBlocked(String)
            case unblocked
            case failed(String)
        }
        let (lines, leading, reported) = state.withLock { state -> ([Line], Bool, PublishingState) in
            var lines: [Line] = []
            switch outcome {
            case .held:
                state.leader = true
                state.lastRenewal = now
                state.lastContact = now
                state.holder = nil
                state.lastError = nil
            case .heldByOther(let holder):
                state.leader = false
                state.lastContact = now
                state.holder = holder ?? state.holder
                state.lastError = nil
            case .failed(let error):
                state.lastError = error
                lines.append(.failed(error))
            }
            // Blocked: the last attempt failed and nothing has worked for a whole lease duration.
            let since = state.lastContact ?? state.started ?? now
            if state.lastError != nil, now - since >= leaseDuration {
                if state.blockedSince == nil {
                    state.blockedSince = since
                    state.lastBlockedLog = now
                    lines.append(.blocked(publishing(state, now: now).reason ?? ""))
                } else if let last = state.lastBlockedLog, now - last >= .seconds(60) {
                    state.lastBlockedLog = now
                    lines.append(.stillBlocked(publishing(state, now: now).reason ?? ""))
                }
            } else if state.lastError == nil, state.blockedSince != nil {
                state.blockedSince = nil
                lines.append(.unblocked)
            }
            let leader = Self.isLeader(state, now: now, renewDeadline: renewDeadline)
            if leader != state.wasLeader {
                lines.append(leader ? .becameLeader : .lostLeadership)
                state.wasLeader = leader
            }
            return (lines, leader, publishing(state, now: now))
        }
        metrics?.recordLeadership(lease: name, isLeader: leading, mode: reported.mode)
        let metadata: Logger.Metadata = ["lease": "\(lease)", "identity": "\(identity)"]
        for line in lines {
            switch line {
            case .becameLeader:
                logger.notice("became leader; writing", metadata: metadata)
            case .lostLeadership:
                logger.notice("lost leadership; reading only", metadata: metadata)
            case .blocked(let reason), .stillBlocked(let reason):
                logger.error("\(reason)", metadata: metadata)
            case .unblocked:
                logger.notice("the lease can be used again", metadata: metadata)
            case .failed(let error):
                // Once blocked, the error line above says it all; the retries go to debug.
                let level: Logger.Level = state.withLock { $0.blockedSince == nil } ? .warning : .debug
                logger.log(
                    level: level, "cannot acquire or renew the lease; retrying in \(retryPeriod)",
                    metadata: metadata.merging(["error": "\(error)"]) { first, _ in first })
            }
        }
    }

    /// One read-modify-write of the Lease, as client-go's `tryAcquireOrRenew`.
    func attempt() async -> Outcome {
        let clock = ContinuousClock()
        let stamp = KubeTime.microTime(Date())
        // The API field is whole seconds and must be positive.
        let durationSeconds = max(
            1,
            Int((Double(leaseDuration.components.attoseconds) / 1e18).rounded(.up))
                + Int(leaseDuration.components.seconds))
        do {
            var lease: Lease
            do {
                lease = try await client.get(Lease.self, name: name, namespace: namespace)
            } catch let error as KubeAPIError where error.isNotFound {
                let created = Lease(
                    metadata: ObjectMeta(name: name, namespace: namespace),
                    spec: .init(
                        holderIdentity: identity, leaseDurationSeconds: durationSeconds, acquireTime: stamp,
                        renewTime: stamp, leaseTransitions: 0))
                _ = try await client.create(created, namespace: namespace)
                return .held
            }
            var spec = lease.spec ?? .init()
            if spec.holderIdentity != identity {
                let now = clock.now
                let expired = state.withLock { state -> Bool in
                    if state.observedRecord != spec || state.observedAt == nil {
                        state.observedRecord = spec
                        state.observedAt = now
                    }
                    let duration = spec.leaseDurationSeconds.map { Duration.seconds($0) } ?? leaseDuration
                    return now - (state.observedAt ?? now) >= duration
                }
                if let holder = spec.holderIdentity, !holder.isEmpty, !expired {
                    return .heldByOther(holder)
                }
                spec.leaseTransitions = (spec.leaseTransitions ?? 0) + 1
                spec.acquireTime = stamp
            }
            spec.holderIdentity = identity
            spec.renewTime = stamp
            spec.leaseDurationSeconds = durationSeconds
            lease.spec = spec
            // The resourceVersion read above makes this conditional: a concurrent taker gets 409.
            _ = try await client.update(lease)
            return .held
        } catch let error as KubeAPIError where error.isConflict || error.isAlreadyExists {
            return .heldByOther(nil)  // another replica wrote first: the API server works, the lease is theirs
        } catch {
            return .failed("\(error)")
        }
    }
}
