import Foundation
import KubeAPI
import Logging
import Synchronization

/// Leader election on a `coordination.k8s.io/v1` Lease, as client-go's leaderelection does
/// (lease 15 s, renew every 2 s, give up after 10 s without a renewal), so that several
/// Developer Hub replicas can run the normalizer and only one writes (`LEADER_ELECT=true`).
public final class LeaseElector: Sendable {
    public let name: String
    public let namespace: String
    public let identity: String
    let client: KubeClient
    let leaseDuration: Duration
    let renewDeadline: Duration
    let retryPeriod: Duration
    let logger: Logger
    private let state = Mutex(State())

    private struct State {
        var leader = false
        var lastRenewal: ContinuousClock.Instant?
    }

    public init(
        client: KubeClient, namespace: String, name: String = "modelbridge-normalizer", identity: String,
        leaseDuration: Duration = .seconds(15), renewDeadline: Duration = .seconds(10),
        retryPeriod: Duration = .seconds(2),
        logger: Logger
    ) {
        self.client = client
        self.namespace = namespace
        self.name = name
        self.identity = identity
        self.leaseDuration = leaseDuration
        self.renewDeadline = renewDeadline
        self.retryPeriod = retryPeriod
        self.logger = logger
    }

    /// Whether this process holds the lease and renewed it within the renew deadline.
    public var isLeader: Bool {
        state.withLock { state in
            guard state.leader, let last = state.lastRenewal else { return false }
            return ContinuousClock().now - last < renewDeadline
        }
    }

    /// Tries to acquire and then renews the lease every retry period until cancelled.
    public func run() async throws {
        while !Task.isCancelled {
            let held = await tryAcquireOrRenew()
            let changed = state.withLock { state -> Bool in
                let was = state.leader
                state.leader = held
                if held { state.lastRenewal = ContinuousClock().now }
                return was != held
            }
            if changed {
                logger.notice(
                    held ? "became leader; writing" : "lost leadership; reading only",
                    metadata: ["lease": "\(namespace)/\(name)", "identity": "\(identity)"])
            }
            try await Task.sleep(for: retryPeriod)
        }
    }

    func tryAcquireOrRenew() async -> Bool {
        let now = Date()
        let stamp = Self.microTime(now)
        do {
            var lease: Lease
            do {
                lease = try await client.get(Lease.self, name: name, namespace: namespace)
            } catch let error as KubeAPIError where error.isNotFound {
                let created = Lease(
                    metadata: ObjectMeta(name: name, namespace: namespace),
                    spec: .init(
                        holderIdentity: identity, leaseDurationSeconds: Int(leaseDuration.components.seconds),
                        acquireTime: stamp, renewTime: stamp, leaseTransitions: 0))
                _ = try await client.create(created, namespace: namespace)
                return true
            }
            var spec = lease.spec ?? .init()
            if spec.holderIdentity != identity {
                let renewed = spec.renewTime.flatMap(Self.parseMicroTime) ?? .distantPast
                let duration = TimeInterval(spec.leaseDurationSeconds ?? Int(leaseDuration.components.seconds))
                if let holder = spec.holderIdentity, !holder.isEmpty, renewed.addingTimeInterval(duration) > now {
                    return false
                }
                spec.leaseTransitions = (spec.leaseTransitions ?? 0) + 1
                spec.acquireTime = stamp
            }
            spec.holderIdentity = identity
            spec.renewTime = stamp
            spec.leaseDurationSeconds = Int(leaseDuration.components.seconds)
            lease.spec = spec
            // The resourceVersion read above makes this conditional: a concurrent taker gets 409.
            _ = try await client.update(lease)
            return true
        } catch {
            logger.warning(
                "cannot acquire or renew the lease", metadata: ["lease": "\(namespace)/\(name)", "error": "\(error)"])
            return false
        }
    }

    static func microTime(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }

    static func parseMicroTime(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }
}
