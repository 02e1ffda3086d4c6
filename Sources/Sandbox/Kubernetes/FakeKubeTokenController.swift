import Foundation
import KubeAPI
import Synchronization

/// kube-controller-manager's token controller, for the fake API server with RBAC on: every Secret of type
/// `kubernetes.io/service-account-token` whose annotation `kubernetes.io/service-account.name` names an existing
/// ServiceAccount gets `data.token` (a token the fake's authenticator accepts as that account), `data.namespace`,
/// `data.ca.crt` when the fake serves TLS, and the annotation `kubernetes.io/service-account.uid`.
///
/// A Secret applied before its ServiceAccount is filled in when the account appears. A Secret that already holds a
/// token keeps it. The controller watches the store, so clients poll the Secret as they would on a real cluster.
///
/// ```swift
/// let controller = FakeKubeTokenController(store: store, authorizer: authorizer, caPEM: nil)
/// controller.reconcileAll()                  // fill in what exists now
/// let task = Task { await controller.run() } // and whatever comes later, until cancelled
/// ```
final class FakeKubeTokenController: Sendable {
    static let secretType = "kubernetes.io/service-account-token"
    static let accountNameAnnotation = "kubernetes.io/service-account.name"
    static let accountUIDAnnotation = "kubernetes.io/service-account.uid"

    let store: FakeKubeStore
    let authorizer: FakeKubeAuthorizer
    let caPEM: [UInt8]?
    /// One reconcile at a time, so that a Secret never gets two tokens.
    private let reconciling = Mutex(())

    init(store: FakeKubeStore, authorizer: FakeKubeAuthorizer, caPEM: [UInt8]?) {
        self.store = store
        self.authorizer = authorizer
        self.caPEM = caPEM
    }

    /// Watches Secrets and ServiceAccounts until the task is cancelled.
    func run() async {
        await withDiscardingTaskGroup { group in
            group.addTask { await self.watch(kindID: "v1/secrets") }
            group.addTask { await self.watch(kindID: ServiceAccount.resource.fakeKindID) }
        }
    }

    private func watch(kindID: String) async {
        guard let kind = store.kind(id: kindID) else { return }
        while !Task.isCancelled {
            guard
                let (id, items) = try? store.startWatch(
                    kind, namespace: nil, labels: FakeKubeSelector(), fields: FakeKubeSelector(), resourceVersion: nil)
            else { return }
            for await item in items {
                guard case .event(let type, let object) = item, type != "DELETED" else { continue }
                if kindID == "v1/secrets" {
                    reconcile(secret: object)
                } else if let namespace = object["metadata"]?["namespace"]?.stringValue {
                    reconcileAll(namespace: namespace)
                }
            }
            store.finishWatcher(id, withBookmark: false)
            // The watch was dropped (a fault or a restart): watch again; the new watch replays every object.
            do { try await Task.sleep(for: .milliseconds(20)) } catch { return }
        }
    }

    /// Fills in every token Secret that can be filled now (in one namespace, or everywhere).
    func reconcileAll(namespace: String? = nil) {
        guard let kind = store.kind(id: "v1/secrets"),
            let secrets = try? store.list(
                kind, namespace: namespace, labels: FakeKubeSelector(), fields: FakeKubeSelector(), limit: nil,
                continueToken: nil)
        else { return }
        for secret in secrets.items { reconcile(secret: secret) }
    }

    /// Fills in one Secret if it is an unfilled token Secret of an existing ServiceAccount.
    func reconcile(secret seen: JSONValue) {
        guard seen["type"]?.stringValue == Self.secretType,
            let accountName = seen["metadata"]?["annotations"]?[Self.accountNameAnnotation]?.stringValue,
            let namespace = seen["metadata"]?["namespace"]?.stringValue,
            let name = seen["metadata"]?["name"]?.stringValue,
            let kind = store.kind(id: "v1/secrets")
        else { return }
        reconciling.withLock { _ in
            // Decide on the stored Secret, not the event's copy: another pass may have filled it in meanwhile.
            guard let secret = try? store.get(kind, namespace: namespace, name: name),
                (secret["data"]?["token"]?.stringValue ?? "").isEmpty,
                let token = try? authorizer.issueToken(
                    namespace: namespace, serviceAccount: accountName, secretName: name),
                let accountKind = store.kind(id: ServiceAccount.resource.fakeKindID),
                let account = try? store.get(accountKind, namespace: namespace, name: accountName)
            else { return }
            var data: [String: JSONValue] = [
                "token": .string(Data(token.utf8).base64EncodedString()),
                "namespace": .string(Data(namespace.utf8).base64EncodedString()),
            ]
            if let caPEM { data["ca.crt"] = .string(Data(caPEM).base64EncodedString()) }
            let patch: JSONValue = [
                "metadata": [
                    "annotations": [Self.accountUIDAnnotation: account["metadata"]?["uid"] ?? .string("")]
                ],
                "data": .object(data),
            ]
            _ = try? store.patch(kind, namespace: namespace, name: name, patch: patch)
        }
    }

    /// The token in the filled-in token Secret of this ServiceAccount, if there is one.
    func storedToken(namespace: String, serviceAccount: String) -> String? {
        guard let kind = store.kind(id: "v1/secrets"),
            let secrets = try? store.list(
                kind, namespace: namespace, labels: FakeKubeSelector(), fields: FakeKubeSelector(), limit: nil,
                continueToken: nil)
        else { return nil }
        for secret in secrets.items
        where secret["type"]?.stringValue == Self.secretType
            && secret["metadata"]?["annotations"]?[Self.accountNameAnnotation]?.stringValue == serviceAccount
        {
            if let encoded = secret["data"]?["token"]?.stringValue, let data = Data(base64Encoded: encoded) {
                let token = String(decoding: data, as: UTF8.self)
                if authorizer.isIssued(token) { return token }
            }
        }
        return nil
    }
}
