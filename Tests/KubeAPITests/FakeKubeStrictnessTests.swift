import AsyncHTTPClient
import Foundation
import KubeAPI
import ModelbridgeTesting
import NIOCore
import NIOHTTP1
import Sandbox
import Testing

/// The fake must be exactly as strict as kube-apiserver v1.28: each test sends what a careless client would
/// send and expects the real server's answer (status code, reason, causes and the message's words).
@Suite struct FakeKubeStrictnessTests {
    struct Answer {
        var code: Int
        var json: JSONValue
        var status: KubeStatus? { try? json.decode(as: KubeStatus.self) }
        var message: String { json["message"]?.stringValue ?? "" }
        var causes: [KubeStatus.Cause] { status?.details?.causes ?? [] }
    }

    func send(
        _ server: FakeKubeServer, _ method: HTTPMethod, _ path: String, _ body: String? = nil,
        contentType: String = "application/json"
    ) async throws -> Answer {
        var request = HTTPClientRequest(url: server.url + path)
        request.method = method
        if let body {
            request.headers.add(name: "Content-Type", value: contentType)
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 8 << 20)
        let json = (try? KubeJSON.decoder.decode(JSONValue.self, from: Data(bytes.readableBytesView))) ?? .null
        return Answer(code: Int(response.status.code), json: json)
    }

    func json(_ value: JSONValue) throws -> String {
        String(decoding: try KubeJSON.encoder.encode(value), as: UTF8.self)
    }

    let configMaps = "/api/v1/namespaces/default/configmaps"
    let leases = "/apis/coordination.k8s.io/v1/namespaces/default/leases"
    let routes = "/apis/route.openshift.io/v1/namespaces/default/routes"

    func lease(_ name: String, renewTime: String) -> String {
        #"{"apiVersion":"coordination.k8s.io/v1","kind":"Lease","metadata":{"name":"\#(name)"},"#
            + #""spec":{"holderIdentity":"a","leaseDurationSeconds":15,"acquireTime":"\#(renewTime)","#
            + #""renewTime":"\#(renewTime)"}}"#
    }

    // MARK: - Timestamps

    @Test func aLeaseWithMillisecondsIsRefusedAsTheAPIServerRefusesIt() async throws {
        try await withFakeKube { server, _ in
            let answer = try await send(server, .POST, leases, lease("x", renewTime: "2026-12-07T00:44:24.793Z"))
            #expect(answer.code == 400)
            #expect(answer.json["kind"] == "Status" && answer.json["apiVersion"] == "v1")
            #expect(answer.json["metadata"] == .object([:]), "a real Status carries an empty metadata")
            #expect(answer.json["status"] == "Failure" && answer.json["reason"] == "BadRequest")
            #expect(answer.json["code"] == .int(400) && answer.json["details"] == nil)
            #expect(
                answer.message
                    == #"Lease in version "v1" cannot be handled as a Lease: parsing time "2026-12-07T00:44:24.793Z" "#
                    + #"as "2006-01-02T15:04:05.000000Z07:00": cannot parse ".793Z" as ".000000""#)
        }
    }

    @Test func microTimeNeedsExactlySixDigitsAndAZone() async throws {
        try await withFakeKube { server, _ in
            let cases: [(String, String)] = [
                ("2026-12-07T00:44:24Z", #"cannot parse "Z" as ".000000""#),
                ("2026-12-07T00:44:24.123456789Z", #"cannot parse "789Z" as "Z07:00""#),
                ("2026-12-07T00:44:24.123456", #"cannot parse "" as "Z07:00""#),
                ("2026-12-07 00:44:24.123456Z", #"cannot parse " 00:44:24.123456Z" as "T""#),
                ("", #"cannot parse "" as "2006""#),
            ]
            for (index, (value, expected)) in cases.enumerated() {
                let answer = try await send(server, .POST, leases, lease("l\(index)", renewTime: value))
                #expect(answer.code == 400, "\(value)")
                #expect(
                    answer.message.hasSuffix(
                        #"parsing time "\#(value)" as "2006-01-02T15:04:05.000000Z07:00": \#(expected)"#),
                    "\(value): \(answer.message)")
            }
            for (index, value) in ["2026-12-07T00:44:24.793000Z", "2026-12-07T02:44:24.793000+02:00"].enumerated() {
                #expect(try await send(server, .POST, leases, lease("ok\(index)", renewTime: value)).code == 201)
            }
            let range = try await send(server, .POST, leases, lease("feb", renewTime: "2026-02-30T00:00:00.000000Z"))
            #expect(range.code == 400 && range.message.hasSuffix(#""2026-02-30T00:00:00.000000Z": day out of range"#))
        }
    }

    @Test func updatesAndPatchesAreHeldToTheSameTimeFormat() async throws {
        try await withFakeKube { server, _ in
            let created = try await send(server, .POST, leases, lease("x", renewTime: "2026-12-07T00:44:24.793000Z"))
            #expect(created.code == 201)
            let put = try await send(server, .PUT, leases + "/x", lease("x", renewTime: "2026-12-07T00:44:25.5Z"))
            #expect(put.code == 400 && put.json["reason"] == "BadRequest")
            #expect(put.message.hasSuffix(#"cannot parse ".5Z" as ".000000""#))
            // A patch result that does not decode is reported on the field `patch`, with no kind or name.
            let patch = try await send(
                server, .PATCH, leases + "/x", #"{"spec":{"renewTime":"2026-12-07T00:44:25.5Z"}}"#,
                contentType: "application/merge-patch+json")
            #expect(patch.code == 422 && patch.json["reason"] == "Invalid")
            #expect(patch.message.hasPrefix(#" "" is invalid: patch: Invalid value: "{"#))
            #expect(patch.message.hasSuffix(#"cannot parse ".5Z" as ".000000""#))
            #expect(patch.causes.map(\.reason) == ["FieldValueInvalid"] && patch.causes.map(\.field) == ["patch"])
            #expect(patch.status?.details?.name == nil && patch.status?.details?.kind == nil)
        }
    }

    @Test func metaTimeAcceptsAFractionButNotASpace() async throws {
        try await withFakeKube { server, _ in
            let fraction = try await send(
                server, .POST, configMaps, #"{"metadata":{"name":"a","creationTimestamp":"2026-12-07T00:44:24.793Z"}}"#
            )
            #expect(fraction.code == 201, "Go's RFC 3339 parser takes a fraction the layout does not name")
            // The server writes metav1.Time in whole seconds.
            let stamp = fraction.json["metadata"]?["creationTimestamp"]?.stringValue ?? ""
            #expect(stamp.count == 20 && stamp.hasSuffix("Z") && !stamp.contains("."), "\(stamp)")
            let space = try await send(
                server, .POST, configMaps, #"{"metadata":{"name":"b","creationTimestamp":"2026-12-07 00:44:24Z"}}"#)
            #expect(space.code == 400)
            #expect(
                space.message
                    == #"ConfigMap in version "v1" cannot be handled as a ConfigMap: parsing time "2026-12-07 00:44:24Z" "#
                    + #"as "2006-01-02T15:04:05Z07:00": cannot parse " 00:44:24Z" as "T""#)
        }
    }

    // MARK: - Names

    @Test func namesFollowTheRuleOfTheirKind() async throws {
        try await withFakeKube { server, _ in
            let subdomain =
                "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and "
                + "must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation "
                + #"is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"#
            let bad = try await send(server, .POST, configMaps, #"{"metadata":{"name":"Bad_Name"}}"#)
            #expect(bad.code == 422 && bad.json["reason"] == "Invalid")
            #expect(
                bad.message == #"ConfigMap "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": "#
                    + subdomain)
            #expect(bad.status?.details?.name == "Bad_Name" && bad.status?.details?.kind == "ConfigMap")
            #expect(bad.status?.details?.group == nil)
            #expect(
                bad.causes == [
                    KubeStatus.Cause(
                        reason: "FieldValueInvalid", message: #"Invalid value: "Bad_Name": "# + subdomain,
                        field: "metadata.name")
                ])

            let long = String(repeating: "a", count: 254)
            let tooLong = try await send(server, .POST, configMaps, #"{"metadata":{"name":"\#(long)"}}"#)
            #expect(
                tooLong.code == 422
                    && tooLong.causes.map(\.message) == [
                        #"Invalid value: "\#(long)": must be no more than 253 characters"#
                    ])

            let missing = try await send(server, .POST, configMaps, #"{"metadata":{}}"#)
            #expect(missing.code == 422)
            #expect(
                missing.message
                    == #"ConfigMap "" is invalid: metadata.name: Required value: name or generateName is required"#)
            #expect(missing.causes.map(\.reason) == ["FieldValueRequired"])

            let namespace = try await send(server, .POST, "/api/v1/namespaces", #"{"metadata":{"name":"team.a"}}"#)
            #expect(namespace.code == 422)
            #expect(
                namespace.message
                    == #"Namespace "team.a" is invalid: metadata.name: Invalid value: "team.a": a lowercase RFC 1123 "#
                    + "label must consist of lower case alphanumeric characters or '-', and must start and end with an "
                    + "alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is "
                    + "'[a-z0-9]([-a-z0-9]*[a-z0-9])?')")

            let service = try await send(
                server, .POST, "/api/v1/namespaces/default/services", #"{"metadata":{"name":"1-predictor"}}"#)
            #expect(service.code == 422)
            #expect(service.message.contains("a DNS-1035 label must consist of lower case alphanumeric characters"))

            let resource = try await send(
                server, .POST, "/apis/serving.kserve.io/v1beta1/namespaces/default/inferenceservices",
                #"{"metadata":{"name":"Granite"},"spec":{}}"#)
            #expect(resource.code == 422)
            #expect(resource.message.hasPrefix(#"InferenceService.serving.kserve.io "Granite" is invalid: "#))
            #expect(resource.status?.details?.group == "serving.kserve.io")
            #expect(resource.status?.details?.kind == "InferenceService")

            let role = try await send(
                server, .POST, "/apis/rbac.authorization.k8s.io/v1/namespaces/default/roles",
                #"{"metadata":{"name":"system:Reader"},"rules":[]}"#)
            #expect(role.code == 201, "RBAC names only may not be '.', '..' or hold '/' or '%'")
        }
    }

    @Test func severalErrorsAreAllReportedInBrackets() async throws {
        try await withFakeKube { server, _ in
            let answer = try await send(
                server, .POST, configMaps, #"{"metadata":{"name":"Bad_Name"},"data":{"bad key":"x"}}"#)
            #expect(answer.code == 422 && answer.causes.count == 2)
            #expect(answer.message.hasPrefix(#"ConfigMap "Bad_Name" is invalid: [metadata.name: Invalid value: "#))
            #expect(
                answer.message.contains(#", data[bad key]: Invalid value: "bad key": "#)
                    && answer.message.hasSuffix("]"))
        }
    }

    // MARK: - Labels and annotations

    @Test func labelKeysAndValuesAreQualifiedNames() async throws {
        try await withFakeKube { server, _ in
            let value = try await send(server, .POST, configMaps, #"{"metadata":{"name":"a","labels":{"team":"a b"}}}"#)
            #expect(value.code == 422)
            #expect(
                value.causes == [
                    KubeStatus.Cause(
                        reason: "FieldValueInvalid",
                        message: #"Invalid value: "a b": a valid label must be an empty string or consist of "#
                            + "alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric "
                            + "character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is "
                            + "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')", field: "metadata.labels")
                ])
            let long = String(repeating: "v", count: 64)
            let tooLong = try await send(
                server, .POST, configMaps, #"{"metadata":{"name":"b","labels":{"k":"\#(long)"}}}"#)
            #expect(
                tooLong.causes.map(\.message) == [#"Invalid value: "\#(long)": must be no more than 63 characters"#])

            let key = try await send(
                server, .POST, configMaps, #"{"metadata":{"name":"c","labels":{"app.kubernetes.io/part/of":"x"}}}"#)
            #expect(key.code == 422)
            #expect(
                key.causes.map(\.message) == [
                    #"Invalid value: "app.kubernetes.io/part/of": a qualified name must consist of alphanumeric "#
                        + "characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. "
                        + "'MyName',  or 'my.name',  or '123-abc', regex used for validation is "
                        + "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' "
                        + "(e.g. 'example.com/MyName')"
                ])
            let prefix = try await send(
                server, .POST, configMaps, #"{"metadata":{"name":"d","labels":{"Example.com/name":"x"}}}"#)
            #expect(
                prefix.causes.first?.message?.contains(#""Example.com/name": prefix part a lowercase RFC 1123"#) == true
            )
            let fine = try await send(
                server, .POST, configMaps,
                #"{"metadata":{"name":"e","labels":{"app.kubernetes.io/name":"","modelregistry.opendatahub.io/registered-model-id":"1"}}}"#
            )
            #expect(fine.code == 201)
        }
    }

    @Test func annotationsMayHoldAtMost256KiBInTotal() async throws {
        try await withFakeKube { server, _ in
            // Keys and values both count: "k" plus 262,143 bytes is exactly the limit.
            let atLimit = String(repeating: "x", count: 262_143)
            let accepted = try await send(
                server, .POST, configMaps, #"{"metadata":{"name":"a","annotations":{"k":"\#(atLimit)"}}}"#)
            #expect(accepted.code == 201)
            let over = try await send(
                server, .POST, configMaps, #"{"metadata":{"name":"b","annotations":{"k":"\#(atLimit)x"}}}"#)
            #expect(over.code == 422)
            #expect(
                over.message
                    == #"ConfigMap "b" is invalid: metadata.annotations: Too long: must have at most 262144 bytes"#)
            #expect(
                over.causes == [
                    KubeStatus.Cause(
                        reason: "FieldValueTooLong", message: "Too long: must have at most 262144 bytes",
                        field: "metadata.annotations")
                ])
            let key = try await send(
                server, .POST, configMaps, #"{"metadata":{"name":"c","annotations":{"Kubectl.Kubernetes.IO/x":"y"}}}"#)
            #expect(key.code == 201, "annotation keys are checked in lower case")
        }
    }

    // MARK: - ConfigMaps and Secrets

    @Test func configMapKeysFollowTheConfigKeyRule() async throws {
        try await withFakeKube { server, _ in
            let keyRule =
                "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or "
                + "'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')"
            let space = try await send(server, .POST, configMaps, #"{"metadata":{"name":"a"},"data":{"my key":"x"}}"#)
            #expect(space.code == 422)
            #expect(space.message == #"ConfigMap "a" is invalid: data[my key]: Invalid value: "my key": "# + keyRule)
            #expect(space.causes.map(\.field) == ["data[my key]"])

            let dots = try await send(
                server, .POST, configMaps, #"{"metadata":{"name":"b"},"binaryData":{"..x":"eA=="}}"#)
            #expect(dots.causes.map(\.message) == [#"Invalid value: "..x": must not start with '..'"#])
            #expect(dots.causes.map(\.field) == ["binaryData[..x]"])

            let long = String(repeating: "k", count: 254)
            let tooLong = try await send(
                server, .POST, configMaps, #"{"metadata":{"name":"c"},"data":{"\#(long)":"x"}}"#)
            #expect(
                tooLong.causes.map(\.message) == [#"Invalid value: "\#(long)": must be no more than 253 characters"#])

            let both = try await send(
                server, .POST, configMaps, #"{"metadata":{"name":"d"},"data":{"k":"x"},"binaryData":{"k":"eA=="}}"#)
            #expect(both.causes.map(\.message) == [#"Invalid value: "k": duplicate of key present in binaryData"#])
            #expect(both.causes.map(\.field) == ["data[k]"])
        }
    }

    @Test func configMapValuesMustHaveTheirJSONTypes() async throws {
        try await withFakeKube { server, _ in
            let number = try await send(server, .POST, configMaps, #"{"metadata":{"name":"a"},"data":{"k":1}}"#)
            #expect(number.code == 400)
            #expect(
                number.message
                    == #"ConfigMap in version "v1" cannot be handled as a ConfigMap: json: cannot unmarshal "#
                    + "number into Go struct field ConfigMap.data of type string")
            let base64 = try await send(
                server, .POST, configMaps, #"{"metadata":{"name":"b"},"binaryData":{"k":"not base64!"}}"#)
            #expect(base64.code == 400)
            #expect(base64.message.hasSuffix("cannot be handled as a ConfigMap: illegal base64 data at input byte 3"))
            let unpadded = try await send(
                server, .POST, configMaps, #"{"metadata":{"name":"c"},"binaryData":{"k":"eA"}}"#)
            #expect(unpadded.message.hasSuffix("illegal base64 data at input byte 0"), "Go requires padding")
        }
    }

    @Test func theOneMebibyteLimitCountsDecodedValuesOnly() async throws {
        try await withFakeKube { server, _ in
            let limit = ConfigMap.maximumPayloadBytes
            // A long key and exactly 1 MiB of values: keys do not count, binaryData counts decoded.
            let key = String(repeating: "k", count: 253)
            let half = Data(repeating: 0x41, count: limit / 2).base64EncodedString()
            let atLimit = try await send(
                server, .POST, configMaps,
                #"{"metadata":{"name":"a"},"data":{"\#(key)":"\#(String(repeating: "x", count: limit / 2))"},"#
                    + #""binaryData":{"b":"\#(half)"}}"#)
            #expect(atLimit.code == 201)
            let over = try await send(
                server, .POST, configMaps,
                #"{"metadata":{"name":"big"},"data":{"a":"\#(String(repeating: "x", count: limit / 2 + 1))"},"#
                    + #""binaryData":{"b":"\#(half)"}}"#)
            #expect(over.code == 422 && over.json["reason"] == "Invalid")
            #expect(over.message == #"ConfigMap "big" is invalid: []: Too long: must have at most 1048576 bytes"#)
            #expect(
                over.causes == [
                    KubeStatus.Cause(
                        reason: "FieldValueTooLong", message: "Too long: must have at most 1048576 bytes", field: "[]")
                ])
            // An update that grows it past the limit is refused the same way.
            let grow = try await send(
                server, .PATCH, configMaps + "/a", #"{"data":{"more":"x"}}"#,
                contentType: "application/merge-patch+json")
            #expect(grow.code == 422 && grow.causes.map(\.field) == ["[]"])
        }
    }

    @Test func aTokenSecretNeedsItsServiceAccountAnnotation() async throws {
        try await withFakeKube { server, _ in
            let secrets = "/api/v1/namespaces/default/secrets"
            let answer = try await send(
                server, .POST, secrets, #"{"metadata":{"name":"t"},"type":"kubernetes.io/service-account-token"}"#)
            #expect(answer.code == 422)
            #expect(
                answer.message
                    == #"Secret "t" is invalid: metadata.annotations[kubernetes.io/service-account.name]: Required value"#
            )
            let big = try await send(
                server, .POST, secrets,
                #"{"metadata":{"name":"s"},"stringData":{"a":"\#(String(repeating: "x", count: 1_048_577))"}}"#)
            #expect(big.code == 422 && big.causes.map(\.field) == ["data"])
        }
    }

    @Test func aLeaseNeedsAPositiveDuration() async throws {
        try await withFakeKube { server, _ in
            let body =
                #"{"metadata":{"name":"x"},"spec":{"holderIdentity":"a","leaseDurationSeconds":0,"leaseTransitions":-1}}"#
            let answer = try await send(server, .POST, leases, body)
            #expect(answer.code == 422)
            #expect(
                answer.message
                    == #"Lease.coordination.k8s.io "x" is invalid: [spec.leaseDurationSeconds: Invalid value: 0: must "#
                    + "be greater than 0, spec.leaseTransitions: Invalid value: -1: must be greater than or equal to 0]"
            )
        }
    }

    // MARK: - Status subresource

    @Test func statusIsDroppedOnCreateAndOnMainResourceWrites() async throws {
        try await withFakeKube { server, _ in
            let route =
                #"{"metadata":{"name":"r"},"spec":{"host":"r.apps.example.com","to":{"kind":"Service","name":"s"}},"#
                + #""status":{"ingress":[{"host":"r.apps.example.com"}]}}"#
            let created = try await send(server, .POST, routes, route)
            #expect(created.code == 201 && created.json["status"] == nil, "create drops the status")
            let version = created.json["metadata"]?["resourceVersion"]?.stringValue ?? ""
            var replaced = try KubeJSON.decoder.decode(JSONValue.self, from: Data(route.utf8))
            replaced["metadata"]?["resourceVersion"] = .string(version)
            let put = try await send(server, .PUT, routes + "/r", try json(replaced))
            #expect(put.code == 200 && put.json["status"] == nil, "a main-resource PUT ignores the status")
            let patch = try await send(
                server, .PATCH, routes + "/r", #"{"status":{"ingress":[{"host":"x"}]}}"#,
                contentType: "application/merge-patch+json")
            #expect(patch.code == 200 && patch.json["status"] == nil, "a main-resource PATCH ignores the status")
            let status = try await send(
                server, .PATCH, routes + "/r/status",
                #"{"spec":{"host":"changed.example.com"},"status":{"ingress":[{"host":"r.apps.example.com"}]}}"#,
                contentType: "application/merge-patch+json")
            #expect(status.code == 200)
            #expect(status.json["status"]?["ingress"]?.arrayValue?.count == 1, "only /status sets the status")
            #expect(status.json["spec"]?["host"] == "r.apps.example.com", "and /status changes nothing else")
        }
    }

    // MARK: - resourceVersion

    @Test func updatesAndPatchesHonourTheResourceVersion() async throws {
        try await withFakeKube { server, _ in
            let created = try await send(server, .POST, configMaps, #"{"metadata":{"name":"x"},"data":{"a":"1"}}"#)
            let first = created.json["metadata"]?["resourceVersion"]?.stringValue ?? ""
            let unconditional = try await send(
                server, .PUT, configMaps + "/x", #"{"metadata":{"name":"x"},"data":{"a":"2"}}"#)
            #expect(unconditional.code == 200, "a ConfigMap PUT without resourceVersion is unconditional")

            let stale = try await send(
                server, .PUT, configMaps + "/x", #"{"metadata":{"name":"x","resourceVersion":"\#(first)"},"data":{}}"#)
            #expect(stale.code == 409 && stale.json["reason"] == "Conflict")
            #expect(
                stale.message
                    == #"Operation cannot be fulfilled on configmaps "x": the object has been modified; please apply "#
                    + "your changes to the latest version and try again")
            #expect(stale.status?.details?.name == "x" && stale.status?.details?.kind == "configmaps")

            let stalePatch = try await send(
                server, .PATCH, configMaps + "/x", #"{"metadata":{"resourceVersion":"\#(first)"},"data":{"b":"1"}}"#,
                contentType: "application/merge-patch+json")
            #expect(
                stalePatch.code == 409 && stalePatch.json["reason"] == "Conflict", "an RV in a patch is a precondition")
            let current = unconditional.json["metadata"]?["resourceVersion"]?.stringValue ?? ""
            let goodPatch = try await send(
                server, .PATCH, configMaps + "/x", #"{"metadata":{"resourceVersion":"\#(current)"},"data":{"b":"1"}}"#,
                contentType: "application/merge-patch+json")
            #expect(goodPatch.code == 200)

            let withVersion = try await send(
                server, .POST, configMaps, #"{"metadata":{"name":"y","resourceVersion":"5"}}"#)
            #expect(withVersion.code == 500 && withVersion.json["reason"] == nil)
            #expect(withVersion.message == "resourceVersion should not be set on objects to be created")
        }
    }

    @Test func aCustomResourceUpdateMustNameItsResourceVersion() async throws {
        try await withFakeKube { server, _ in
            let path = "/apis/serving.kserve.io/v1beta1/namespaces/default/inferenceservices"
            #expect(try await send(server, .POST, path, #"{"metadata":{"name":"m"},"spec":{}}"#).code == 201)
            let answer = try await send(server, .PUT, path + "/m", #"{"metadata":{"name":"m"},"spec":{"x":1}}"#)
            #expect(answer.code == 422)
            #expect(
                answer.message
                    == #"InferenceService.serving.kserve.io "m" is invalid: metadata.resourceVersion: Invalid value: "#
                    + "0x0: must be specified for an update")
        }
    }
}
