import AsyncHTTPClient
import Bridge
import Foundation
import NIOHTTP1

/// How the attached console reaches one sidecar: by URL (a port-forward, loopback inside the pod),
/// or through the API server's `pods/proxy` subresource with the user's kubeconfig
/// (``PodProxySidecarChannel``). The console sends the same requests either way.
public protocol SidecarChannel: Sendable {
    /// Where the sidecar is, for the header and messages: a URL, or `pod NAMESPACE/NAME:PORT`.
    var address: String { get }

    /// One request to the sidecar: the status and body of its answer, whatever the status. Throws
    /// ``ConsoleEngineError`` when nothing answered.
    func send(_ method: HTTPMethod, _ path: String, query: [(String, String)], body: Data?) async throws
        -> (status: Int, body: Data)
}

/// A sidecar at a URL.
public struct URLSidecarChannel: SidecarChannel {
    let service: ServiceHTTPClient

    /// `token`, when set, is sent as `Authorization: Bearer` (the sidecars' `BRIDGE_TOKEN`).
    public init(baseURL: String, client: HTTPClient, token: String? = nil) {
        service = ServiceHTTPClient(baseURL: baseURL, client: client, token: token, timeout: .seconds(10))
    }

    public var address: String { service.base.text }

    public func send(_ method: HTTPMethod, _ path: String, query: [(String, String)], body: Data?) async throws
        -> (status: Int, body: Data)
    {
        do {
            let reply = try await service.send(method, service.base.url(path, query: query), body: body)
            return (reply.status, reply.body)
        } catch {
            throw ConsoleEngineError(error.detail)
        }
    }
}
