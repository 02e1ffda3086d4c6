import Foundation
import KubeAPI
import ModelbridgeTesting
import Sandbox
import Synchronization
import Testing

@Suite struct KubeClientTests {
    @Test func listAllFollowsContinueTokensAcrossThreeOrMorePages() async throws {
        try await withFakeKube { server, client in
            for index in 0..<7 { _ = try await client.create(configMap("cm-\(index)")) }
            let all = try await client.listAll(ConfigMap.self, namespace: "default", options: ListOptions(limit: 3))
            #expect(all.items.map(\.metadata.name) == (0..<7).map { "cm-\($0)" })
            #expect(all.metadata.resourceVersion == String(server.store.currentResourceVersion))
            let pages = server.recordedRequests.filter {
                $0.method == "GET" && $0.path == "/api/v1/namespaces/default/configmaps"
            }
            #expect(pages.count == 3)
            #expect(pages.map { $0.query["limit"] } == ["3", "3", "3"])
            #expect(pages[0].query["continue"] == nil && pages[1].query["continue"] != nil)
        }
    }

    @Test func anExpiredContinueTokenIsTheTypedExpiredError() async throws {
        try await withFakeKube { server, client in
            for index in 0..<4 { _ = try await client.create(configMap("cm-\(index)")) }
            let first = try await client.list(ConfigMap.self, namespace: "default", options: ListOptions(limit: 2))
            server.store.compact()
            await #expect {
                _ = try await client.list(
                    ConfigMap.self, namespace: "default",
                    options: ListOptions(limit: 2, continueToken: first.metadata.continue))
            } throws: { ($0 as? KubeAPIError)?.isExpired == true }
        }
    }

    @Test func labelAndFieldSelectorsArePercentEncodedAndFilter() async throws {
        try await withFakeKube { server, client in
            let key = "app.kubernetes.io/managed-by"
            _ = try await client.create(configMap("match", labels: [key: "model-registry-operator", "tier": "a"]))
            _ = try await client.create(configMap("other", labels: [key: "someone-else"]))
            let selector = LabelSelector().equals(key, "model-registry-operator").isIn("tier", ["a", "b"]).rendered
            let found = try await client.listAll(ConfigMap.self, options: ListOptions(labelSelector: selector))
            #expect(found.items.map(\.metadata.name) == ["match"])
            let byName = try await client.listAll(
                ConfigMap.self, options: ListOptions(fieldSelector: "metadata.name=other"))
            #expect(byName.items.map(\.metadata.name) == ["other"])
            let seen = server.recordedRequests.last { $0.query["labelSelector"] != nil }
            #expect(seen?.query["labelSelector"] == selector, "the server decoded exactly what was sent")
        }
    }

    @Test func getOfAMissingObjectIsATypedNotFoundWithContext() async throws {
        try await withFakeKube { _, client in
            do {
                _ = try await client.get(ConfigMap.self, name: "absent")
                Issue.record("expected 404")
            } catch let error as KubeAPIError {
                #expect(error.isNotFound)
                #expect(error.reason == "NotFound")
                #expect(error.context.url.hasSuffix("/api/v1/namespaces/default/configmaps/absent"))
                #expect(error.context.resource == "configmaps default/absent")
            }
        }
    }

    @Test func creatingTwiceIsAlreadyExistsAndCreateSetsServerFields() async throws {
        try await withFakeKube { _, client in
            let created = try await client.create(configMap("twice", data: ["a": "1"]))
            #expect(created.metadata.uid != nil && created.metadata.creationTimestamp != nil)
            #expect(created.metadata.resourceVersion != nil)
            await #expect {
                _ = try await client.create(configMap("twice"))
            } throws: { ($0 as? KubeAPIError)?.isAlreadyExists == true }
        }
    }

    @Test func aStaleUpdateConflictsAndUpdateWithRetryReappliesTheMutation() async throws {
        try await withFakeKube { server, client in
            let original = try await client.create(configMap("shared", data: ["count": "0"]))
            var stale = original
            _ = try await client.mergePatch(ConfigMap.self, name: "shared", patch: ["data": ["other": "writer"]])
            stale.data?["count"] = "1"
            await #expect {
                _ = try await client.update(stale)
            } throws: { ($0 as? KubeAPIError)?.isConflict == true }

            // The first attempt races with another writer; the helper re-reads and wins on the second.
            let attempts = Mutex(0)
            let result = try await client.updateWithRetry(ConfigMap.self, name: "shared") { map in
                let attempt = attempts.withLock { value -> Int in
                    value += 1
                    return value
                }
                if attempt == 1 {
                    // A concurrent write lands between this read and our PUT.
                    try server.store.seed(
                        kind: ConfigMap.resource.fakeKindID,
                        object: [
                            "metadata": ["name": "shared", "namespace": "default"],
                            "data": ["count": "0", "other": "writer", "race": "1"],
                        ])
                }
                map.data?["count"] = "2"
            }
            #expect(attempts.withLock { $0 } == 2)
            #expect(result.data?["race"] == "1", "the retry re-read the object before re-applying")
            #expect(result.data?["count"] == "2")
            #expect(result.data?["other"] == "writer")
            let final = try await client.get(ConfigMap.self, name: "shared")
            #expect(final.data?["count"] == "2")
        }
    }

    @Test func mergePatchNullRemovesAKeyAndAStaleVersionInThePatchConflicts() async throws {
        try await withFakeKube { _, client in
            var map = configMap("patched")
            map.binaryData = ["k1": Data("one".utf8), "k2": Data("two".utf8)]
            let created = try await client.create(map)
            let patched = try await client.mergePatch(
                ConfigMap.self, name: "patched",
                patch: ["binaryData": ["k1": .null, "k3": .string(Data("three".utf8).base64EncodedString())]])
            #expect(Set(patched.binaryData?.keys.map { $0 } ?? []) == ["k2", "k3"])
            await #expect {
                try await client.mergePatch(
                    ConfigMap.self, name: "patched",
                    patch: [
                        "metadata": ["resourceVersion": .string(created.metadata.resourceVersion!)], "data": ["x": "y"],
                    ])
            } throws: { ($0 as? KubeAPIError)?.isConflict == true }
        }
    }

    @Test func aConfigMapOverOneMebibyteIsRejectedWith422() async throws {
        try await withFakeKube { _, client in
            var map = configMap("big")
            map.binaryData = ["blob": Data(repeating: 7, count: ConfigMap.maximumPayloadBytes + 1)]
            do {
                _ = try await client.create(map)
                Issue.record("expected 422")
            } catch let error as KubeAPIError {
                #expect(error.httpStatus == 422)
                #expect(error.reason == "Invalid")
                guard case .status(let status, _, _) = error else { throw error }
                #expect(status.details?.causes?.first?.reason == "FieldValueTooLong")
            }
            map.binaryData = ["blob": Data(repeating: 7, count: ConfigMap.maximumPayloadBytes)]
            _ = try await client.create(map)
        }
    }

    @Test func tooManyRequestsIsRetriedAfterRetryAfter() async throws {
        let sleeps = SleepRecorder()
        try await withFakeKube(options: KubeClientOptions(sleep: sleeps.sleep)) { server, client in
            server.injectFault(.tooManyRequests(retryAfterSeconds: 2), times: 2)
            let namespaces = try await client.listAll(Namespace.self)
            #expect(namespaces.items.contains { $0.metadata.name == "default" })
            #expect(sleeps.recorded == [.seconds(2), .seconds(2)])
        }
    }

    @Test func tooManyRequestsGivesUpAfterTheBoundedRetries() async throws {
        let sleeps = SleepRecorder()
        var options = KubeClientOptions(sleep: sleeps.sleep)
        options.maxTooManyRequestsRetries = 2
        options.maxRetryAfter = .seconds(5)
        try await withFakeKube(options: options) { server, client in
            server.injectFault(.tooManyRequests(retryAfterSeconds: 600), times: 5)
            await #expect {
                _ = try await client.get(Namespace.self, name: "default")
            } throws: { ($0 as? KubeAPIError)?.httpStatus == 429 }
            #expect(sleeps.recorded == [.seconds(5), .seconds(5)], "Retry-After is capped")
        }
    }

    @Test func a401ReReadsTheTokenFileOnceAndSucceeds() async throws {
        let folder = try TemporaryDirectory()
        let tokenFile = try folder.write("token", "old-token")
        try await withFakeKube(
            FakeKubeServerConfiguration(acceptedTokens: ["old-token"]), credentials: .tokenFile(tokenFile)
        ) { server, client in
            _ = try await client.get(Namespace.self, name: "default")
            // The kubelet rotates the token; the server stops accepting the old one.
            _ = try folder.write("token", "new-token")
            server.setAcceptedTokens(["new-token"])
            let namespace = try await client.get(Namespace.self, name: "default")
            #expect(namespace.metadata.name == "default")
            let statuses = server.recordedRequests.suffix(2).map(\.path)
            #expect(statuses == ["/api/v1/namespaces/default", "/api/v1/namespaces/default"])
        }
    }

    @Test func aWrongFixedTokenIsATyped401WithoutEndlessRetries() async throws {
        try await withFakeKube(FakeKubeServerConfiguration(acceptedTokens: ["right"]), credentials: .token("wrong")) {
            server, client in
            await #expect {
                _ = try await client.get(Namespace.self, name: "default")
            } throws: { ($0 as? KubeAPIError)?.httpStatus == 401 && ($0 as? KubeAPIError)?.reason == "Unauthorized" }
            #expect(server.recordedRequests.count == 1)
        }
    }

    @Test func anHTMLErrorPageFromAProxyBecomesATypedErrorKeepingCodeAndExcerpt() async throws {
        try await withFakeKube { server, client in
            server.injectFault(.htmlBadGateway)
            do {
                _ = try await client.listAll(InferenceService.self)
                Issue.record("expected an error")
            } catch let error as KubeAPIError {
                guard case .unexpectedResponse(let code, let contentType, let excerpt, let context) = error else {
                    Issue.record("expected unexpectedResponse, got \(error)")
                    return
                }
                #expect(code == 502)
                #expect(contentType == "text/html")
                #expect(excerpt.contains("502 Bad Gateway"))
                #expect(context.resource == "inferenceservices.serving.kserve.io in all namespaces")
            }
        }
    }

    @Test func garbageFromTheServerIsATypedErrorNeverACrash() async throws {
        try await withFakeKube { server, client in
            let bodies = ["{not json", "[]", #"{"items":"nope"}"#, "", "\u{FEFF}<xml/>"]
            for body in bodies {
                server.injectFault(.rawBody(code: 200, contentType: "application/json", body: body))
                await #expect(throws: KubeAPIError.self) { _ = try await client.list(ConfigMap.self) }
                server.injectFault(.rawBody(code: 500, contentType: "application/json", body: body))
                await #expect {
                    _ = try await client.get(ConfigMap.self, name: "x")
                } throws: { ($0 as? KubeAPIError)?.httpStatus == 500 }
            }
        }
    }

    @Test func aConnectionRefusedIsATransportErrorWithTheURL() async throws {
        let client = try KubeClient(
            config: KubeConfig(server: "http://127.0.0.1:1"), options: KubeClientOptions(connectTimeout: .seconds(1)),
            logger: quietLogger())
        do {
            _ = try await client.get(Namespace.self, name: "default")
            Issue.record("expected a transport error")
        } catch let error as KubeAPIError {
            guard case .transport(_, let context) = error else {
                Issue.record("expected transport, got \(error)")
                try await client.shutdown()
                return
            }
            #expect(context.url == "http://127.0.0.1:1/api/v1/namespaces/default")
        }
        try await client.shutdown()
    }

    @Test func selfSubjectAccessReviewReflectsTheDenyRules() async throws {
        try await withFakeKube { server, client in
            server.deny(FakeKubeAccessRule(verb: "list", resource: "routes"))
            let denied = try await client.create(
                SelfSubjectAccessReview(verb: "list", resource: "routes", group: "route.openshift.io"))
            #expect(denied.status?.allowed == false)
            let allowed = try await client.create(SelfSubjectAccessReview(verb: "get", resource: "routes"))
            #expect(allowed.status?.allowed == true)
            await #expect {
                _ = try await client.listAll(Route.self)
            } throws: { ($0 as? KubeAPIError)?.httpStatus == 403 }
        }
    }

    @Test func theCRDCheckAndTypedResourcesWorkEndToEnd() async throws {
        try await withFakeKube { server, client in
            let crd = try await client.get(CustomResourceDefinition.self, name: "inferenceservices.serving.kserve.io")
            #expect(crd.spec?.names?.kind == "InferenceService")
            try server.seed(Namespace(metadata: ObjectMeta(name: "ns1")))
            let isvc = InferenceService(
                metadata: ObjectMeta(name: "mnist", namespace: "ns1", labels: ["a": "b"]),
                spec: .init(predictor: .init(model: .init(storageUri: "s3://m", modelFormat: .init(name: "onnx")))))
            _ = try await client.create(isvc)
            _ = try await client.create(
                Route(
                    metadata: ObjectMeta(name: "r", namespace: "ns1"), spec: .init(host: "r.apps.example.com"),
                    status: .init(ingress: [.init(host: "r.apps.example.com")])))
            _ = try await client.create(
                KubeService(
                    metadata: ObjectMeta(name: "mnist-predictor", namespace: "ns1"),
                    spec: .init(ports: [.init(port: 80, targetPort: .int(8080))])))
            _ = try await client.create(
                Lease(metadata: ObjectMeta(name: "leader", namespace: "ns1"), spec: .init(holderIdentity: "me")))
            _ = try await client.create(ServiceAccount(metadata: ObjectMeta(name: "sa", namespace: "ns1")))
            _ = try await client.create(
                LLMInferenceService(
                    metadata: ObjectMeta(name: "llm", namespace: "ns1"), spec: ["model": ["uri": "hf://x"]]))
            let read = try await client.get(InferenceService.self, name: "mnist", namespace: "ns1")
            #expect(read.spec?.predictor?.model?.modelFormat?.name == "onnx")
            #expect(
                try await client.get(LLMInferenceService.self, name: "llm", namespace: "ns1").spec?["model"]?["uri"]
                    == "hf://x")
            #expect(
                try await client.listAll(KubeService.self, namespace: "ns1").items.first?.spec?.ports?.first?.targetPort
                    == .int(8080))
            // A route's status is a subresource: a create cannot set it, as on a real server.
            let route = try await client.get(Route.self, name: "r", namespace: "ns1")
            #expect(route.spec?.host == "r.apps.example.com")
            #expect(route.status == nil)
            try await client.delete(InferenceService.self, name: "mnist", namespace: "ns1")
            await #expect {
                _ = try await client.get(InferenceService.self, name: "mnist", namespace: "ns1")
            } throws: { ($0 as? KubeAPIError)?.isNotFound == true }
        }
    }
}
