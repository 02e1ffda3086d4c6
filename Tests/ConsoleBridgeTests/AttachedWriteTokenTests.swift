import AsyncHTTPClient
import ConsoleBridge
import Foundation
import Hummingbird
import HummingbirdTesting
import KubeAPI
import Logging
import Sandbox
import Testing

/// The attached console's writes carry the sidecars' `BRIDGE_TOKEN` so that a sidecar's mutation guard accepts a
/// caller from outside the pod: by URL as `Authorization: Bearer`, and by pod in `X-Bridge-Token`, because the API
/// server's `pods/proxy` removes `Authorization` once it has authenticated the user. Reads carry no token by pod.
@Suite struct AttachedWriteTokenTests {
    /// A stand-in sidecar that answers every request with the token headers it received.
    static func sidecar() -> Application<RouterResponder<BasicRequestContext>> {
        let router = Router()
        for method in [HTTPRequest.Method.get, .post] {
            router.on("/echo", method: method) { request, _ in
                "\(request.method) authorization=\(request.headers[.authorization] ?? "-") "
                    + "x-bridge-token=\(request.headers.first { $0.name.canonicalName == "x-bridge-token" }?.value ?? "-")"
            }
        }
        return Application(router: router)
    }

    @Test func byPodTheTokenTravelsInXBridgeTokenOnWritesOnly() async throws {
        let quiet = {
            var logger = Logger(label: "test.write-token")
            logger.logLevel = .critical
            return logger
        }()
        try await Self.sidecar().test(.live) { client in
            let port = try #require(client.port)
            let server = FakeKubeServer(configuration: .init(namespaces: ["rhdh"]), logger: quiet)
            try await server.start()
            let kubelet = FakeKubeletController(store: server.store)
            let running = Task { await kubelet.run() }
            let kube = try KubeClient(
                config: KubeConfig(server: server.url, namespace: "rhdh", credentials: .token("operator-token")),
                logger: quiet)
            do {
                _ = try await kube.create(
                    Pod(
                        metadata: ObjectMeta(name: "hub"),
                        spec: .init(containers: [
                            .init(name: "location", image: "modelbridge", ports: [.init(containerPort: port)])
                        ])),
                    namespace: "rhdh")
                try await poll(until: "the fake kubelet runs the pod", timeout: .seconds(10)) {
                    try await kube.get(Pod.self, name: "hub", namespace: "rhdh").isReady
                }
                let channel = PodProxySidecarChannel(
                    client: kube, namespace: "rhdh", pod: "hub", port: port, token: "s3cret")
                let write = try await channel.send(.POST, "/echo", query: [], body: Data("{}".utf8))
                #expect(write.status == 200)
                #expect(String(decoding: write.body, as: UTF8.self) == "POST authorization=- x-bridge-token=s3cret")
                let read = try await channel.send(.GET, "/echo", query: [], body: nil)
                #expect(String(decoding: read.body, as: UTF8.self) == "GET authorization=- x-bridge-token=-")
            } catch {
                Issue.record(error)
            }
            try? await kube.shutdown()
            running.cancel()
            await server.stop()
        }
    }

    @Test func byURLTheTokenIsABearerToken() async throws {
        try await Self.sidecar().test(.live) { client in
            let port = try #require(client.port)
            let http = HTTPClient(eventLoopGroupProvider: .singleton)
            let channel = URLSidecarChannel(baseURL: "http://127.0.0.1:\(port)", client: http, token: "s3cret")
            let write = try await channel.send(.POST, "/echo", query: [], body: Data("{}".utf8))
            try? await http.shutdown()
            #expect(String(decoding: write.body, as: UTF8.self) == "POST authorization=Bearer s3cret x-bridge-token=-")
        }
    }
}
