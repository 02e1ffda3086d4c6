import Bridge
import Foundation
import KubeAPI
import NIOHTTP1

/// A sidecar of a running pod, reached through the API server's `pods/proxy` subresource with the
/// user's kubeconfig (`/api/v1/namespaces/NS/pods/NAME:PORT/proxy/PATH`): no port-forward. The API
/// server authorizes each request as `get` (GET) or `create` (POST) on `pods/proxy`.
///
/// The sidecar sees the API server as the caller, not loopback, so its mutation guard wants the
/// sidecars' `BRIDGE_TOKEN` for a write. The API server removes `Authorization` once it has authenticated
/// the user, so the token travels in `X-Bridge-Token` (``MutationGuard/tokenHeader``), on writes only.
public struct PodProxySidecarChannel: SidecarChannel {
    let client: KubeClient
    public let namespace: String
    public let pod: String
    public let port: Int
    let token: String?

    public init(client: KubeClient, namespace: String, pod: String, port: Int, token: String? = nil) {
        self.client = client
        self.namespace = namespace
        self.pod = pod
        self.port = port
        self.token = token
    }

    public var address: String { "pod \(namespace)/\(pod):\(port)" }

    public func send(_ method: HTTPMethod, _ path: String, query: [(String, String)], body: Data?) async throws
        -> (status: Int, body: Data)
    {
        do {
            let reply = try await client.proxy(
                method, namespace: namespace, pod: pod, port: port, path: path, query: query,
                body: body.map { Array($0) }, contentType: body == nil ? nil : "application/json",
                headers: [("Accept", "application/json")]
                    + (method == .GET ? [] : token.map { [(MutationGuard.tokenHeader.rawName, $0)] } ?? []))
            return (reply.status, Data(reply.body))
        } catch let error as PodProxyError {
            throw ConsoleEngineError(error.description)
        } catch {
            throw ConsoleEngineError("\(address): \(error)")
        }
    }
}

/// `modelbridge console --pod NAME` / `--selector LABELS`: which pod, and the ports of its three sidecars.
public struct PodAttachment: Sendable {
    public var namespace: String
    public var pod: String
    public var locationPort: Int
    public var storagePort: Int
    public var normalizerPort: Int

    /// The label of Developer Hub's pods (the operator's and the Helm chart's), used when neither
    /// `--pod` nor `--selector` names one.
    public static let defaultSelector = "rhdh.redhat.com/app=backstage-developer-hub"

    /// The pod named `pod`, or the one running pod that `selector` matches, with each sidecar's port
    /// from its container's first declared port (`location`, `storage-rest`, `rhoai-normalizer`),
    /// else the port it listens on by default (9090, 7070, 8081).
    public static func resolve(client: KubeClient, namespace: String, pod: String?, selector: String?)
        async throws -> PodAttachment
    {
        let found: Pod
        if let pod {
            found = try await client.get(Pod.self, name: pod, namespace: namespace)
        } else {
            let selector = selector ?? defaultSelector
            let running = try await client.listPods(namespace: namespace, labelSelector: selector).filter {
                $0.status?.phase == "Running" && $0.metadata.deletionTimestamp == nil
            }
            guard let first = running.sorted(by: { $0.metadata.name < $1.metadata.name }).first else {
                throw ConsoleEngineError("no running pod in namespace \(namespace) matches \(selector)")
            }
            found = first
        }
        func port(_ container: String, _ fallback: Int) -> Int {
            found.spec?.containers.first { $0.name == container }?.ports?.first?.containerPort ?? fallback
        }
        return PodAttachment(
            namespace: namespace, pod: found.metadata.name, locationPort: port("location", 9090),
            storagePort: port("storage-rest", 7070), normalizerPort: port("rhoai-normalizer", 8081))
    }

    /// The three channels; `token` (the sidecars' `BRIDGE_TOKEN`) goes with writes.
    public func channels(client: KubeClient, token: String? = nil) -> (
        location: PodProxySidecarChannel, storage: PodProxySidecarChannel, normalizer: PodProxySidecarChannel
    ) {
        (
            PodProxySidecarChannel(client: client, namespace: namespace, pod: pod, port: locationPort, token: token),
            PodProxySidecarChannel(client: client, namespace: namespace, pod: pod, port: storagePort, token: token),
            PodProxySidecarChannel(client: client, namespace: namespace, pod: pod, port: normalizerPort, token: token)
        )
    }

    /// Reads each sidecar's `/state` once, so that a refused permission (`pods/proxy`) or an unreachable
    /// sidecar stops the console before it takes the terminal, saying what is missing.
    public func check(client: KubeClient) async throws {
        let (location, storage, normalizer) = channels(client: client)
        for channel in [location, storage, normalizer] {
            let reply = try await channel.send(.GET, "/state", query: [], body: nil)
            guard reply.status == 200 else {
                throw ConsoleEngineError(
                    "\(channel.address) answered GET /state with \(reply.status): "
                        + String(decoding: reply.body.prefix(200), as: UTF8.self))
            }
        }
    }
}
