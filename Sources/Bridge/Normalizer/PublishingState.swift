/// Whether the normalizer writes documents, and if not, why: the answer to "why is the catalog empty?"
/// that `/readyz`, `/state`, the metrics and the console header all give.
///
/// ```swift
/// switch elector.publishing.mode {
/// case .publishing: break
/// case .standby, .blocked: print(elector.publishing.reason ?? "")   // "publishing nothing because …"
/// }
/// ```
public struct PublishingState: Sendable, Hashable {
    public enum Mode: String, Sendable, Hashable, CaseIterable, Codable {
        /// This normalizer writes: it holds the lease, or leader election is off.
        case publishing
        /// Another replica holds the lease; this one publishes nothing, by design.
        case standby
        /// This normalizer could not acquire or renew the lease for longer than the lease lasts: nobody
        /// may be publishing, which is a fault.
        case blocked

        /// The `reason` label of `modelbridge_publishing`.
        public var metricReason: String {
            switch self {
            case .publishing: "leader"
            case .standby: "standby"
            case .blocked: "lease_unavailable"
            }
        }
    }

    public var mode: Mode
    /// `publishing nothing because …` for ``Mode/standby`` and ``Mode/blocked``; nil while publishing.
    public var reason: String?

    public init(mode: Mode, reason: String? = nil) {
        self.mode = mode
        self.reason = reason
    }

    /// Publishing normally.
    public static let publishing = PublishingState(mode: .publishing)
}
