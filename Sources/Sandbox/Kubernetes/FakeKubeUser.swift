/// Who a request to the fake API server comes from, as kube-apiserver's authenticators name it: a user name and
/// its groups.
///
/// ```swift
/// let connector = FakeKubeUser.serviceAccount(namespace: "ai-rhdh", name: "rhdh-rhoai-connector")
/// connector.name     // "system:serviceaccount:ai-rhdh:rhdh-rhoai-connector"
/// connector.groups   // ["system:serviceaccounts", "system:serviceaccounts:ai-rhdh", "system:authenticated"]
/// ```
public struct FakeKubeUser: Sendable, Hashable, CustomStringConvertible {
    public var name: String
    public var groups: [String]

    public init(name: String, groups: [String]) {
        self.name = name
        self.groups = groups
    }

    /// The group kube-apiserver lets do everything, before and whatever RBAC says.
    public static let superuserGroup = "system:masters"

    /// The sandbox's administrator (a configured admin token, or no token where none is required).
    public static let admin = FakeKubeUser(name: "system:admin", groups: [superuserGroup, "system:authenticated"])

    /// The identity of every request when RBAC is off; it only shows in the messages of explicit deny rules.
    public static let sandboxBridge = serviceAccount(namespace: "sandbox", name: "bridge")

    /// What a ServiceAccount's token authenticates as.
    public static func serviceAccount(namespace: String, name: String) -> FakeKubeUser {
        FakeKubeUser(
            name: "system:serviceaccount:\(namespace):\(name)",
            groups: ["system:serviceaccounts", "system:serviceaccounts:\(namespace)", "system:authenticated"])
    }

    /// Whether this user is in `system:masters`.
    public var isSuperuser: Bool { groups.contains(Self.superuserGroup) }

    /// The ServiceAccount's namespace and name, when this user is one.
    public var serviceAccount: (namespace: String, name: String)? {
        let prefix = "system:serviceaccount:"
        guard name.hasPrefix(prefix) else { return nil }
        let parts = name.dropFirst(prefix.count).split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { return nil }
        return (String(parts[0]), String(parts[1]))
    }

    public var description: String { name }
}
