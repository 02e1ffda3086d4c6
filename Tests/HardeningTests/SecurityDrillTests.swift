import AsyncHTTPClient
import Bridge
import CatalogModel
import Foundation
import Hummingbird
import KubeAPI
import Logging
import ModelbridgeTesting
import NIOCore
import NIOHTTP1
import RegistryAPI
import Sandbox
import Testing

@testable import Bridge

/// Drill 3: mutating endpoints refuse outsiders without a valid token, TLS is verified by
/// default, oversized bodies get 413, and no token ever reaches a log line.
@Suite(.serialized) struct SecurityDrillTests {
    // MARK: Callers outside the pod

    @Test(.enabled(if: NetworkNamespace.isAvailable, "needs root to create a network namespace (ip netns)"))
    func aCallerOnAnotherHostNeedsTheBearerTokenToMutateAndChangesNothingWithout() async throws {
        let secret = "drill-bridge-token-7f3a"
        let logs = LogCapture()
        let fixture = try await RoleFixture(
            guardian: .sharedSecret(secret), host: "0.0.0.0", bridgeToken: secret, logs: logs)
        let namespace = try NetworkNamespace(id: 1)
        defer { namespace.remove() }
        let document = DrillDocuments.registry(model: "outsider")
        let key = document.key.key
        let body = try DrillDocuments.upsertJSON(document)
        func outside(_ role: RoleFixture.Role) -> String {
            fixture.url(role).replacingOccurrences(of: "127.0.0.1", with: namespace.hostAddress)
        }
        let before = try await fixture.world()
        let mutations: [(RoleFixture.Role, String, String, [UInt8]?)] = [
            (.location, "POST", "/upsert?key=\(key)", body),
            (.location, "DELETE", "/remove?key=\(key)", nil),
            (.storage, "POST", "/upsert?key=\(key)&type=kubeflow", body),
            (.storage, "POST", "/currentkeyset?key=", nil),
            (.admin, "POST", "/resync", nil),
        ]
        for (role, method, path, payload) in mutations {
            let anonymous = try namespace.curl(method: method, url: outside(role) + path, body: payload)
            #expect(anonymous == 401, "\(role) \(method) \(path) without a token")
            let wrong = try namespace.curl(
                method: method, url: outside(role) + path, body: payload, headers: ["Authorization: Bearer nope-42"])
            #expect(wrong == 403, "\(role) \(method) \(path) with a wrong token")
            let lowercase = try namespace.curl(
                method: method, url: outside(role) + path, body: payload,
                headers: ["Authorization: bearer \(secret.uppercased())"])
            #expect(lowercase == 403, "\(role) \(method) \(path) with a token in the wrong case")
            let wrongHeader = try namespace.curl(
                method: method, url: outside(role) + path, body: payload, headers: ["X-Bridge-Token: nope-42"])
            #expect(wrongHeader == 403, "\(role) \(method) \(path) with a wrong X-Bridge-Token")
        }
        #expect(try await fixture.world() == before, "refused outsiders changed nothing")
        #expect(try namespace.curl(method: "GET", url: outside(.location) + "/list") == 200, "reads stay open")

        let accepted = try namespace.curl(
            method: "POST", url: outside(.storage) + "/upsert?key=\(key)&type=kubeflow", body: body,
            headers: ["Authorization: Bearer \(secret)"])
        #expect(accepted == 201, "the right token is accepted from outside")
        // The header a console attached through pods/proxy sends (the API server removes Authorization).
        let resync = try namespace.curl(
            method: "POST", url: outside(.admin) + "/resync", body: nil, headers: ["X-Bridge-Token: \(secret)"])
        #expect(resync == 202, "the right X-Bridge-Token is accepted from outside")
        #expect(fixture.locationIndex.snapshot().entries.map(\.key.key) == [key])
        #expect(logs.all.filter { $0.text.contains(secret) || $0.text.contains("nope-42") }.isEmpty)
        await fixture.shutdown()
    }

    // MARK: The guard itself

    func request(authorization: String?) -> Request {
        var headers = HTTPFields()
        if let authorization { headers[.authorization] = authorization }
        return Request(
            head: HTTPRequest(
                method: .post, scheme: "http", authority: "pod", path: "/upsert?key=a_b", headerFields: headers),
            body: .init(buffer: ByteBuffer()))
    }

    @Test func theGuardTreatsOnlyLoopbackAndPodAddressesAsInsiders() async throws {
        let guardian = MutationGuard.sharedSecret("s", podAddresses: ["10.1.2.3", "fd00::7"])
        let insiders = ["127.0.0.1", "127.255.0.9", "::1", "10.1.2.3", "fd00::7"]
        for address in insiders {
            let refusal = await guardian.refusal(
                request(authorization: nil), remoteAddress: try SocketAddress(ipAddress: address, port: 1))
            #expect(refusal == nil, "\(address) is inside the pod")
        }
        let outsiders = ["10.1.2.4", "0.0.0.0", "128.0.0.1", "::2", "fe80::1", "::ffff:10.1.2.4", "192.168.0.1"]
        for address in outsiders {
            let refusal = await guardian.refusal(
                request(authorization: nil), remoteAddress: try SocketAddress(ipAddress: address, port: 1))
            #expect(refusal?.status == .unauthorized, "\(address) is outside the pod")
        }
    }

    @Test func theGuardAcceptsOnlyTheExactTokenWhateverTheSchemeSpelling() async throws {
        let guardian = MutationGuard.sharedSecret("t0ken")
        let outsider = try SocketAddress(ipAddress: "10.9.9.9", port: 1)
        let cases: [(String?, HTTPResponse.Status?)] = [
            (nil, .unauthorized), ("Basic dDA6a2Vu", .unauthorized), ("Bearer", .unauthorized),
            ("Bearer ", .unauthorized), ("Bearer x", .forbidden), ("Bearer t0ke", .forbidden),
            ("Bearer t0ken2", .forbidden),
            ("Bearer T0KEN", .forbidden), ("Bearer t0ken", nil), ("bearer t0ken", nil), ("BEARER  t0ken ", nil),
        ]
        for (header, expected) in cases {
            let refusal = await guardian.refusal(request(authorization: header), remoteAddress: outsider)
            #expect(refusal?.status == expected, "Authorization: \(header ?? "(none)")")
        }
        let noSecret = MutationGuard.sharedSecret(nil)
        #expect(
            await noSecret.refusal(request(authorization: "Bearer x"), remoteAddress: outsider)?.status == .forbidden)
        let validator = MutationGuard(tokenValidator: { $0 == "reviewed" })
        #expect(await validator.refusal(request(authorization: "Bearer reviewed"), remoteAddress: outsider) == nil)
    }

    @Test func constantTimeComparisonAgreesWithEquality() {
        var random = SeededGenerator(seed: 99)
        for _ in 0..<2000 {
            let a = String((0..<Int.random(in: 0...6, using: &random)).map { _ in random.pick(["a", "b", "é"]) })
            let b = String((0..<Int.random(in: 0...6, using: &random)).map { _ in random.pick(["a", "b", "é"]) })
            #expect(MutationGuard.constantTimeEquals(a, b) == (a == b))
        }
    }

    // MARK: TLS towards registries

    /// A CA minted for one drill and a server certificate it signed for 127.0.0.1 / localhost.
    static func drillPKI() throws -> TestPKI {
        try TestPKI(
            caCommonName: "modelbridge drill CA", serverCommonName: "registry.drill", backdated: 600, caMaxPathLength: 0
        )
    }

    /// A fake API server over TLS whose `registered_models` list answers like a registry page.
    func withTLSRegistry(_ body: (String, TestPKI) async throws -> Void) async throws {
        let pki = try Self.drillPKI()
        var kinds = FakeKubeResourceKind.standardKinds
        kinds.append(
            FakeKubeResourceKind(
                group: "registry.drill", version: "v1", plural: "registered_models", singular: "registered_model",
                kind: "RegisteredModel", namespaced: false))
        var quiet = Logger(label: "drill.tls")
        quiet.logLevel = .critical
        let server = FakeKubeServer(
            configuration: FakeKubeServerConfiguration(
                kinds: kinds,
                tls: .init(
                    certificateChainPEM: Array(pki.serverCertificatePEM.utf8),
                    privateKeyPEM: Array(pki.serverKeyPEM.utf8))),
            logger: quiet)
        try await server.start()
        try server.store.seed(
            kind: "registry.drill/v1/registered_models",
            object: ["metadata": ["name": "mnist"], "id": "7", "name": "mnist", "state": "LIVE"])
        do {
            try await body(server.url + "/apis/registry.drill/v1", pki)
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }

    func registeredModels(baseURL: String, tls: RegistryTLS?) async throws -> [RegistryAPI.RegisteredModel] {
        // A refused handshake is retried until the connect timeout; keep it short.
        var configuration = RegistryHTTPConfiguration(connectTimeout: .seconds(1))
        if let tls { configuration.tls = tls }
        let transport = try RegistryTransport(configuration: configuration)
        do {
            let models = try await RegistryClient(key: "drill", baseURL: baseURL, token: nil, transport: transport)
                .registeredModels()
            try await transport.shutdown()
            return models
        } catch {
            try await transport.shutdown()
            throw error
        }
    }

    @Test func aRegistryWithASelfSignedCAIsRefusedByDefaultAndAcceptedWithThatCA() async throws {
        try await withTLSRegistry { baseURL, pki in
            #expect(baseURL.hasPrefix("https://"))
            do {
                _ = try await registeredModels(baseURL: baseURL, tls: nil)
                Issue.record("the default settings accepted an unknown CA")
            } catch let error as RegistryError {
                #expect(error.status == nil, "refused before any HTTP answer: \(error)")
                print("TLS drill: default settings refused the self-signed registry: \(error)")
            }
            do {
                _ = try await registeredModels(baseURL: baseURL, tls: .customCA(pem: try Self.drillPKI().caPEM))
                Issue.record("another CA was accepted")
            } catch let error as RegistryError {
                #expect(error.status == nil, "\(error)")
            }
            let models = try await registeredModels(baseURL: baseURL, tls: .customCA(pem: pki.caPEM))
            #expect(models.map(\.name) == ["mnist"])
            #expect(RegistryHTTPConfiguration().tls.verifiesCertificates)
        }
    }

    // MARK: Body size

    @Test func oversizedBodiesGet413OnEveryMutatingEndpointAndChangeNothing() async throws {
        let fixture = try await RoleFixture(bodyLimit: 32 << 10, logs: LogCapture())
        let oversized = [UInt8](repeating: UInt8(ascii: "{"), count: (32 << 10) + 1)
        let huge = [UInt8](repeating: UInt8(ascii: " "), count: 4 << 20)
        let before = try await fixture.world()
        let endpoints: [(RoleFixture.Role, HTTPMethod, String)] = [
            (.location, .POST, "/upsert?key=a_b"), (.location, .DELETE, "/remove?key=a_b"),
            (.storage, .POST, "/upsert?key=a_b&type=kubeflow"), (.storage, .POST, "/currentkeyset?key=a_b"),
            (.admin, .POST, "/resync"),
        ]
        var answers: [String: RoleFixture.Exchange] = [:]
        for (role, method, path) in endpoints {
            for body in [oversized, huge] {
                let reply = await fixture.send(method, fixture.url(role) + path, body: body)
                answers["\(role.rawValue) \(method.rawValue) \(path) \(body.count) B"] = reply
            }
        }
        for (endpoint, reply) in answers.sorted(by: { $0.key < $1.key }) {
            let answer = (reply.status.map(String.init) ?? "no answer") + (reply.error.map { " (\($0))" } ?? "")
            print("413 drill: \(endpoint) → \(answer)")
            #expect(reply.status == 413, "\(endpoint): \(answer)")
        }
        #expect(try await fixture.world() == before)
        await fixture.shutdown()
    }

    // MARK: Secrets in logs

    @Test func noTokenAppearsInAnyLogLineAtTraceLevel() async throws {
        let registryToken = "drill-registry-token-3c9d"
        let kubeToken = "drill-kube-token-81be"
        let bridgeToken = "drill-bridge-token-55aa"
        let presented = "drill-presented-token-0e0e"
        let logs = LogCapture()
        let harness = try await DrillHarness(
            registryToken: registryToken, kubeToken: kubeToken, logs: logs, logLevel: .trace)
        for index in 0..<5 { try harness.register("secret-\(index)") }
        try harness.seedInferenceService(DrillHarness.readyInferenceService(namespace: "team", name: "llama"))
        try await poll(until: "the informer sees the service") { harness.cluster.inferenceServices().count == 1 }
        await harness.cycle()
        #expect(harness.servedNames().count == 6, "the tokens work")
        harness.registry.faults.failNextRequests(3, status: 503)
        harness.registry.faults.answerWithProxyErrorPage(2)
        harness.catalog.faults.failNextRequests(2, status: 500)
        harness.kube.injectFault(.unauthorized, times: 2, pathContains: "routes")
        harness.kube.injectFault(.tooManyRequests(retryAfterSeconds: 0), times: 2, pathContains: "routes")
        for _ in 0..<4 { await harness.cycle() }
        harness.kube.store.dropAllWatches()
        try harness.register("secret-late")
        await harness.cycle()
        try await poll(until: "the normalizer recovers") {
            await harness.cycle()
            return harness.servedNames().count == 7
        }
        await harness.shutdown()

        let fixture = try await RoleFixture(guardian: .sharedSecret(bridgeToken), bridgeToken: bridgeToken, logs: logs)
        let document = DrillDocuments.registry(model: "secret-doc")
        for token in [bridgeToken, presented] {
            for (role, method, path, body) in [
                (RoleFixture.Role.storage, HTTPMethod.POST, "/upsert?key=\(document.key.key)", true),
                (.location, .POST, "/upsert?key=\(document.key.key)", true), (.admin, .POST, "/resync", false),
                (.storage, .POST, "/currentkeyset?key=\(document.key.key)", false),
            ] {
                _ = await fixture.send(
                    method, fixture.url(role) + path, body: body ? try DrillDocuments.upsertJSON(document) : nil,
                    headers: [("Authorization", "Bearer \(token)")])
            }
        }
        await fixture.controller.runCycle()
        await fixture.shutdown()

        let lines = logs.all
        print("secrets drill: scanned \(lines.count) log lines at trace level")
        #expect(lines.count > 50, "the drill produced enough logging to be meaningful")
        for token in [registryToken, kubeToken, bridgeToken, presented] {
            let leaks = lines.filter { $0.text.contains(token) || $0.label.contains(token) }
            #expect(leaks.isEmpty, "token leaked: \(leaks.first.map(\.description) ?? "")")
        }
    }
}
