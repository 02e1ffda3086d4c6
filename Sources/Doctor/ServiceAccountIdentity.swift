import Foundation

/// The ServiceAccount a bearer token belongs to, read from the token itself: ServiceAccount tokens (legacy Secret
/// tokens and bound tokens alike) are JWTs whose `sub` claim is `system:serviceaccount:<namespace>:<name>`. An
/// operator's OAuth token (`sha256~…`) or an OIDC token of a person gives nil.
///
/// The signature is not verified: the doctor only uses this to decide which checks apply to whom, never to grant
/// anything.
///
/// ```swift
/// let account = ServiceAccountIdentity(token: token)
/// account?.description   // "ai-rhdh/rhdh-rhoai-connector"
/// ```
public struct ServiceAccountIdentity: Sendable, Hashable, CustomStringConvertible {
    public var namespace: String
    public var name: String

    public init(namespace: String, name: String) {
        self.namespace = namespace
        self.name = name
    }

    /// The ServiceAccount named by the `sub` claim of `token`, or nil when it is not a ServiceAccount's JWT.
    public init?(token: String) {
        let parts = token.trimmingDoctorWhitespace().split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let payload = Self.base64URLDecoded(parts[1]),
            let claims = try? JSONSerialization.jsonObject(with: payload) as? [String: Any],
            let subject = claims["sub"] as? String
        else { return nil }
        let prefix = "system:serviceaccount:"
        guard subject.hasPrefix(prefix) else { return nil }
        let names = subject.dropFirst(prefix.count).split(separator: ":", omittingEmptySubsequences: false)
        guard names.count == 2, !names[0].isEmpty, !names[1].isEmpty else { return nil }
        self.init(namespace: String(names[0]), name: String(names[1]))
    }

    /// `ai-rhdh/rhdh-rhoai-connector`.
    public var description: String { "\(namespace)/\(name)" }

    /// The ServiceAccount `deploy/rbac/service-account.yaml` creates for the three sidecars.
    public static let connectorName = "rhdh-rhoai-connector"

    /// Whether this is the connector's ServiceAccount (in whichever namespace it was installed).
    public var isConnector: Bool { name == Self.connectorName }

    private static func base64URLDecoded(_ text: Substring) -> Data? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        return Data(base64Encoded: base64)
    }
}
