import Foundation
import KubeAPI
import Testing

@testable import Sandbox

/// The fake API server's OpenAPI documents and the server-side field validation kubectl relies on.
struct FakeKubeOpenAPITests {
    static func kind(_ name: String) -> FakeKubeResourceKind {
        FakeKubeResourceKind.standardKinds.first { $0.kind == name }!
    }

    static let openAPI = FakeKubeOpenAPI(kinds: FakeKubeResourceKind.standardKinds, serverVersion: "v1.32.0")

    static func body(_ response: FakeKubeResponse) -> JSONValue? {
        if case .json(200, let body, _) = response { return body }
        return nil
    }

    @Test func theDiscoveryListsEveryGroupVersionWithAHashedURL() throws {
        let discovery = try #require(Self.body(try Self.openAPI.response(path: "/openapi/v3", accept: nil)))
        let paths = try #require(discovery["paths"]?.objectValue)
        for groupVersion in [
            "api/v1", "apis/serving.kserve.io/v1beta1", "apis/serving.kserve.io/v1alpha1",
            "apis/route.openshift.io/v1", "apis/rbac.authorization.k8s.io/v1", "apis/coordination.k8s.io/v1",
            "apis/authorization.k8s.io/v1", "apis/apiextensions.k8s.io/v1",
        ] {
            let url = try #require(paths[groupVersion]?["serverRelativeURL"]?.stringValue, "\(groupVersion)")
            #expect(url.hasPrefix("/openapi/v3/\(groupVersion)?hash="))
        }
    }

    @Test func eachKindsPatchTakesFieldValidationAndItsSchemaIsTagged() throws {
        let document = try #require(
            Self.body(try Self.openAPI.response(path: "/openapi/v3/apis/serving.kserve.io/v1beta1", accept: nil)))
        let patch = try #require(
            document["paths"]?["/apis/serving.kserve.io/v1beta1/namespaces/{namespace}/inferenceservices/{name}"]?[
                "patch"])
        #expect(patch["x-kubernetes-group-version-kind"]?["kind"] == "InferenceService")
        #expect(
            patch["parameters"]?.arrayValue?.contains { $0["name"] == "fieldValidation" && $0["in"] == "query" } == true
        )
        // A custom resource takes no strategic merge patch.
        #expect(patch["requestBody"]?["content"]?["application/strategic-merge-patch+json"] == nil)
        let schema = try #require(
            document["components"]?["schemas"]?["io.kserve.serving.v1beta1.InferenceService"])
        #expect(schema["x-kubernetes-group-version-kind"]?.arrayValue?.first?["version"] == "v1beta1")
        #expect(schema["properties"]?["spec"]?["properties"]?["predictor"]?["properties"]?["model"] != nil)

        let core = try #require(Self.body(try Self.openAPI.response(path: "/openapi/v3/api/v1", accept: nil)))
        let configMapPatch = core["paths"]?["/api/v1/namespaces/{namespace}/configmaps/{name}"]?["patch"]
        #expect(configMapPatch?["requestBody"]?["content"]?["application/strategic-merge-patch+json"] != nil)
    }

    @Test func unknownDocumentsAre404AndProtobufOnlyClientsAre406() throws {
        #expect(throws: FakeKubeFailure.self) {
            try Self.openAPI.response(path: "/openapi/v3/apis/nope/v1", accept: nil)
        }
        do {
            _ = try Self.openAPI.response(
                path: "/openapi/v2", accept: "application/com.github.proto-openapi.spec.v2@v1.0+protobuf")
            Issue.record("a protobuf-only client got JSON")
        } catch {
            #expect(error.httpStatus == 406)
        }
        let swagger = try #require(
            Self.body(try Self.openAPI.response(path: "/openapi/v2", accept: "application/json")))
        #expect(swagger["definitions"]?["io.k8s.api.core.v1.ConfigMap"] != nil)
    }

    // MARK: - Field validation

    static let isvc: JSONValue = [
        "apiVersion": "serving.kserve.io/v1beta1", "kind": "InferenceService", "metadata": ["name": "m"],
        "spec": ["predictor": ["model": ["modelFormat": ["name": "onnx"], "storageUri": "s3://b/m", "bogus": 1]]],
    ]

    @Test func strictRejectsAnUnknownFieldAsTheServerDoes() {
        do {
            _ = try FakeKubeFieldValidation.check(
                Self.isvc, kind: Self.kind("InferenceService"), query: ["fieldValidation": "Strict"],
                operation: .create)
            Issue.record("an unknown field passed strict validation")
        } catch {
            #expect(error.httpStatus == 400)
            #expect(
                error.status.message
                    == "InferenceService in version \"v1beta1\" cannot be handled as a InferenceService: strict "
                    + "decoding error: unknown field \"spec.predictor.model.bogus\"")
        }
        do {
            _ = try FakeKubeFieldValidation.check(
                ["data": ["a": "b"], "datas": ["a": "b"]], kind: Self.kind("ConfigMap"),
                query: ["fieldValidation": "Strict"], operation: .patch)
            Issue.record("an unknown field passed strict validation of a patch")
        } catch {
            #expect(error.status.message == "strict decoding error: unknown field \"datas\"")
        }
    }

    @Test func warnAndIgnoreDropTheUnknownFieldAndOnlyWarnSaysSo() throws {
        let warned = try FakeKubeFieldValidation.check(
            Self.isvc, kind: Self.kind("InferenceService"), query: [:], operation: .create)
        #expect(warned.warnings == ["unknown field \"spec.predictor.model.bogus\""])
        #expect(warned.object["spec"]?["predictor"]?["model"]?["bogus"] == nil)
        #expect(warned.object["spec"]?["predictor"]?["model"]?["storageUri"] == "s3://b/m")

        let ignored = try FakeKubeFieldValidation.check(
            Self.isvc, kind: Self.kind("InferenceService"), query: ["fieldValidation": "Ignore"], operation: .create)
        #expect(ignored.warnings.isEmpty)
        #expect(ignored.object == warned.object)
    }

    @Test func validObjectsOfEveryKindPassStrictUntouched() throws {
        let objects: [String: JSONValue] = [
            "ConfigMap": [
                "metadata": ["name": "c", "labels": ["a": "b"]], "data": ["k": "v"], "binaryData": ["b": "AA=="],
            ],
            "Secret": ["metadata": ["name": "s"], "type": "Opaque", "stringData": ["k": "v"]],
            "Namespace": ["metadata": ["name": "n"], "spec": ["finalizers": ["kubernetes"]]],
            "ServiceAccount": ["metadata": ["name": "sa"], "automountServiceAccountToken": false],
            "Lease": ["metadata": ["name": "l"], "spec": ["holderIdentity": "h", "leaseDurationSeconds": 15]],
            "Route": [
                "metadata": ["name": "r"],
                "spec": ["host": "h", "to": ["kind": "Service", "name": "s"], "tls": ["termination": "edge"]],
            ],
            "InferenceService": [
                "metadata": ["name": "i", "annotations": ["serving.kserve.io/deploymentMode": "RawDeployment"]],
                "spec": [
                    "predictor": [
                        "minReplicas": 1, "serviceAccountName": "sa",
                        "model": [
                            "modelFormat": ["name": "vLLM"], "runtime": "vllm", "storageUri": "oci://x",
                            "resources": ["limits": ["nvidia.com/gpu": "1", "memory": "8Gi"]],
                            "env": [["name": "A", "value": "b"]], "args": ["--x"],
                        ],
                    ]
                ],
                "status": ["url": "http://x", "anything": ["kept": true]],
            ],
            "LLMInferenceService": [
                "metadata": ["name": "l"],
                "spec": ["model": ["uri": "hf://x"], "replicas": 1, "router": ["route": [:]]],
            ],
            "ClusterRole": [
                "metadata": ["name": "c"], "rules": [["apiGroups": [""], "resources": ["services"], "verbs": ["get"]]],
            ],
            "RoleBinding": [
                "metadata": ["name": "b"],
                "roleRef": ["apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "r"],
                "subjects": [["kind": "ServiceAccount", "name": "sa", "namespace": "ns"]],
            ],
        ]
        for (name, object) in objects {
            let checked = try FakeKubeFieldValidation.check(
                object, kind: Self.kind(name), query: ["fieldValidation": "Strict"], operation: .create)
            #expect(checked.object == object, "\(name)")
        }
    }

    @Test func anUnsupportedDirectiveIsRefused() {
        do {
            _ = try FakeKubeFieldValidation.check(
                [:], kind: Self.kind("ConfigMap"), query: ["fieldValidation": "Loud"], operation: .create)
            Issue.record("fieldValidation=Loud was accepted")
        } catch {
            #expect(error.httpStatus == 422)
            #expect(
                error.status.message?.hasPrefix("CreateOptions.meta.k8s.io \"\" is invalid: fieldValidation") == true)
        }
    }
}
