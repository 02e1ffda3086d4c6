import Foundation
import KubeAPI
import Testing

@Suite struct ResourceDecodingTests {
    @Test func anInferenceServiceDecodesTheFieldsTheBridgeReadsAndIgnoresTheRest() throws {
        let json = #"""
            {"apiVersion":"serving.kserve.io/v1beta1","kind":"InferenceService",
             "metadata":{"name":"mnist","namespace":"ns1","labels":{"a":"b"},"resourceVersion":"5",
                         "ownerReferences":[{"kind":"X","name":"y","uid":"u"}],"unknownField":1},
             "spec":{"predictor":{"model":{"modelFormat":{"name":"onnx","version":"1"},"runtime":"ovms",
                     "storageUri":"s3://b/m","storage":{"path":"p","key":"k"}},"minReplicas":1}},
             "status":{"url":"https://mnist-ns1.apps.example.com","address":{"url":"http://mnist.ns1.svc.cluster.local"},
                       "conditions":[{"type":"Ready","status":"True","lastTransitionTime":"2024-05-01T10:00:00Z"}],
                       "modelStatus":{"transitionStatus":"UpToDate","states":{"activeModelState":"Loaded"}},
                       "components":{"predictor":{"url":"http://p","restUrl":"http://r"}}}}
            """#
        let isvc = try JSONDecoder().decode(InferenceService.self, from: Data(json.utf8))
        #expect(isvc.metadata.name == "mnist")
        #expect(isvc.metadata.ownerReferences?.first?.kind == "X")
        #expect(isvc.spec?.predictor?.model?.modelFormat?.name == "onnx")
        #expect(isvc.spec?.predictor?.model?.storage?.path == "p")
        #expect(isvc.status?.address?.url == "http://mnist.ns1.svc.cluster.local")
        #expect(isvc.status?.conditions?.first?.isTrue == true)
        #expect(isvc.status?.modelStatus?.transitionStatus == "UpToDate")
        #expect(isvc.status?.components?["predictor"]?.restUrl == "http://r")
    }

    @Test func listItemsWithoutKindOrApiVersionAndNullItemsDecode() throws {
        let json =
            #"{"kind":"ServiceList","metadata":{"resourceVersion":"9"},"items":[{"metadata":{"name":"s"},"spec":{"ports":[{"port":80,"targetPort":"http"},{"port":81,"targetPort":8081}]}}]}"#
        let list = try JSONDecoder().decode(ObjectList<KubeService>.self, from: Data(json.utf8))
        #expect(list.metadata.resourceVersion == "9")
        #expect(list.items.first?.kind == nil)
        #expect(list.items.first?.spec?.ports?[0].targetPort == .string("http"))
        #expect(list.items.first?.spec?.ports?[1].targetPort?.intValue == 8081)
        let empty = try JSONDecoder().decode(ObjectList<KubeService>.self, from: Data(#"{"items":null}"#.utf8))
        #expect(empty.items.isEmpty)
    }

    @Test func configMapBinaryDataRoundTripsAsStandardBase64() throws {
        var map = ConfigMap(metadata: ObjectMeta(name: "bac-import-model", namespace: "ns"))
        map.binaryData = ["k": Data([0xFF, 0x00, 0x10])]
        let encoded = try KubeJSON.encoder.encode(map)
        #expect(String(decoding: encoded, as: UTF8.self).contains(#""binaryData":{"k":"/wAQ"}"#))
        let decoded = try JSONDecoder().decode(ConfigMap.self, from: encoded)
        #expect(decoded.binaryData?["k"] == Data([0xFF, 0x00, 0x10]))
        #expect(decoded.payloadBytes == 3)
    }

    @Test func mergePatchFollowsRFC7386() {
        let target: JSONValue = ["a": "b", "c": ["d": "e", "f": "g"], "list": [1, 2]]
        let patch: JSONValue = ["a": "z", "c": ["f": .null], "list": [3], "new": true]
        let expected: JSONValue = ["a": "z", "c": ["d": "e"], "list": [3], "new": true]
        #expect(target.applyingMergePatch(patch) == expected)
    }

    @Test func selectorsArePercentEncodedAsOneQueryValue() {
        let selector = LabelSelector().equals("app.kubernetes.io/managed-by", "model-registry-operator")
            .isIn("tier", ["a", "b"]).doesNotExist("legacy").rendered
        #expect(selector == "app.kubernetes.io/managed-by=model-registry-operator,tier in (a,b),!legacy")
        #expect(
            InferenceService.resource.collectionPath(namespace: "ns1")
                == "/apis/serving.kserve.io/v1beta1/namespaces/ns1/inferenceservices")
        #expect(ConfigMap.resource.objectPath(name: "x", namespace: "n") == "/api/v1/namespaces/n/configmaps/x")
    }

    @Test func watchBackoffFollowsClientGoNumbers() {
        var backoff = WatchBackoff()
        let start = ContinuousClock.now
        let delays = (0..<8).map { step in backoff.nextDelay(now: start + .seconds(step), random: 0) }
        #expect(
            delays.prefix(4) == [.milliseconds(800), .milliseconds(1600), .milliseconds(3200), .milliseconds(6400)])
        #expect(delays.last == .seconds(30))
        #expect(backoff.nextDelay(now: start + .seconds(8), random: 1) == .seconds(60))
        // Two minutes without failures start over.
        #expect(backoff.nextDelay(now: start + .seconds(300), random: 0) == .milliseconds(800))
    }
}
