import Foundation
import KubeAPI
import Testing

@testable import Sandbox

/// The fake API server's protobuf reader, fed the exact bodies kubectl 1.32 sends (captured from
/// `kubectl create namespace x`, `create configmap y --from-literal=a=b -n default`, `create secret generic s
/// --from-literal=k=v`, `create serviceaccount sa` and `auth can-i list inferenceservices`) and damaged ones.
struct KubeProtobufBodyTests {
    static let namespaceBody = hex(
        "6b3873000a0f0a02763112094e616d65737061636512190a110a017812001a0022002a0032003800420012001a020a001a002200")
    static let configMapBody = hex(
        "6b3873000a0f0a0276311209436f6e6669674d617012220a180a017912001a0764656661756c7422002a003200380042001206"
            + "0a01611201621a002200")
    static let secretBody = hex(
        "6b3873000a0c0a0276311206536563726574121d0a110a017312001a0022002a0032003800420012060a016b1201761a001a00"
            + "2200")
    static let serviceAccountBody = hex(
        "6b3873000a140a027631120e536572766963654163636f756e7412140a120a02736112001a0022002a003200380042001a0022"
            + "00")
    static let accessReviewBody = hex(
        "6b3873000a320a17617574686f72697a6174696f6e2e6b38732e696f2f7631121753656c665375626a65637441636365737352"
            + "6576696577124a0a100a0012001a0022002a00320038004200122c0a2a0a0764656661756c7412046c6973741a0022002a11"
            + "696e666572656e6365736572766963657332003a001a08080012001a0020001a002200")

    static func hex(_ text: String) -> [UInt8] {
        var bytes: [UInt8] = []
        var index = text.startIndex
        while index < text.endIndex {
            let next = text.index(index, offsetBy: 2)
            bytes.append(UInt8(text[index..<next], radix: 16)!)
            index = next
        }
        return bytes
    }

    static func kind(_ name: String) -> FakeKubeResourceKind {
        FakeKubeResourceKind.standardKinds.first { $0.kind == name }!
    }

    static func decode(_ body: [UInt8], as kindName: String) throws(FakeKubeFailure) -> JSONValue {
        try FakeKubeProtobufBody.decode(body, for: kind(kindName))
    }

    /// The message of the 400 a body gets, or nil when it decodes.
    static func failure(_ body: [UInt8], as kindName: String) -> FakeKubeFailure? {
        do {
            _ = try decode(body, as: kindName)
            return nil
        } catch {
            return error
        }
    }

    // MARK: - What kubectl sends

    @Test func kubectlsNamespaceBodyBecomesTheObjectItsJSONFormWouldBe() throws {
        let object = try Self.decode(Self.namespaceBody, as: "Namespace")
        #expect(
            object == ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": "x"], "spec": [:], "status": [:]])
    }

    @Test func kubectlsConfigMapBodyKeepsItsDataAndNamespace() throws {
        let object = try Self.decode(Self.configMapBody, as: "ConfigMap")
        #expect(object["metadata"] == ["name": "y", "namespace": "default"])
        #expect(object["data"] == ["a": "b"])
        #expect(object["binaryData"] == nil)
        #expect(object["immutable"] == nil)
    }

    @Test func kubectlsSecretBodyHasItsBytesInBase64() throws {
        let object = try Self.decode(Self.secretBody, as: "Secret")
        #expect(object["data"] == ["k": "dg=="])
        #expect(object["metadata"]?["name"] == "s")
    }

    @Test func kubectlsServiceAccountBodyDecodes() throws {
        let object = try Self.decode(Self.serviceAccountBody, as: "ServiceAccount")
        #expect(object == ["apiVersion": "v1", "kind": "ServiceAccount", "metadata": ["name": "sa"]])
    }

    @Test func kubectlsAccessReviewBodyCarriesTheQuestion() throws {
        let object = try Self.decode(Self.accessReviewBody, as: "SelfSubjectAccessReview")
        #expect(object["apiVersion"] == "authorization.k8s.io/v1")
        #expect(
            object["spec"]?["resourceAttributes"]
                == ["namespace": "default", "verb": "list", "resource": "inferenceservices"])
        #expect(object["status"] == [:])
    }

    // MARK: - Types kubectl's imperative commands do not exercise

    @Test func leaseTimesServicePortsAndPointersDecodeAsGoWritesThemInJSON() throws {
        let renew = WireBytes.message(4, WireBytes.varint(1, 1_700_000_000) + WireBytes.varint(2, 172_000_000))
        let spec = WireBytes.string(1, "bridge-0") + WireBytes.varint(2, 15) + renew + WireBytes.varint(5, 0)
        let lease = WireBytes.envelope(
            apiVersion: "coordination.k8s.io/v1", kind: "Lease",
            raw: WireBytes.message(1, WireBytes.string(1, "leader")) + WireBytes.message(2, spec))
        let object = try Self.decode(lease, as: "Lease")
        #expect(
            object["spec"]
                == [
                    "holderIdentity": "bridge-0", "leaseDurationSeconds": 15,
                    "renewTime": "2023-11-14T22:13:20.172000Z", "leaseTransitions": 0,
                ])

        let named = WireBytes.message(
            1,
            WireBytes.string(1, "http") + WireBytes.varint(3, 80)
                + WireBytes.message(4, WireBytes.varint(1, 1) + WireBytes.string(3, "web")))
        let numbered = WireBytes.message(1, WireBytes.varint(3, 443) + WireBytes.message(4, WireBytes.varint(2, 8443)))
        let selector = WireBytes.message(2, WireBytes.string(1, "app") + WireBytes.string(2, "demo"))
        let service = WireBytes.envelope(
            apiVersion: "v1", kind: "Service",
            raw: WireBytes.message(1, WireBytes.string(1, "svc")) + WireBytes.message(2, named + numbered + selector))
        let decoded = try Self.decode(service, as: "Service")
        #expect(
            decoded["spec"]?["ports"]
                == [["name": "http", "port": 80, "targetPort": "web"], ["port": 443, "targetPort": 8443]])
        #expect(decoded["spec"]?["selector"] == ["app": "demo"])
    }

    @Test func packedRepeatedNumbersAndUnknownFieldsAreRead() throws {
        // Field 99 is unknown to ConfigMap and skipped, as the Go decoder skips it.
        let raw =
            WireBytes.message(1, WireBytes.string(1, "cm")) + WireBytes.string(99, "future")
            + WireBytes.varint(4, 1)
        let object = try Self.decode(WireBytes.envelope(apiVersion: "v1", kind: "ConfigMap", raw: raw), as: "ConfigMap")
        #expect(object == ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "cm"], "immutable": true])

        var reader = ProtobufWireReader(WireBytes.message(7, [0x01, 0x96, 0x01, 0x7f])[...])
        guard case .lengthDelimited(let packed)? = try reader.nextField()?.value else {
            Issue.record("no packed field")
            return
        }
        var inner = ProtobufWireReader(packed)
        var numbers: [UInt64] = []
        while !inner.isAtEnd { numbers.append(try inner.readVarint()) }
        #expect(numbers == [1, 150, 127])
    }

    // MARK: - Damaged bodies

    @Test func everyTruncationOfAKubectlBodyIsABadRequestNeverACrash() {
        for body in [Self.namespaceBody, Self.configMapBody, Self.accessReviewBody] {
            for length in 0..<body.count {
                let failure = Self.failure(Array(body.prefix(length)), as: "Namespace")
                // A few prefixes end on a field boundary and still decode; the rest must be a 400.
                if let failure { #expect(failure.httpStatus == 400, "\(failure.status)") }
            }
        }
        let prefix = Array(Self.configMapBody.prefix(40))
        #expect(
            Self.failure(prefix, as: "ConfigMap")?.status.message
                == "the object provided is unrecognized (must be of type ConfigMap): unexpected EOF "
                + "(\(FakeKubeProtobufBody.summary(prefix)))")
        #expect(FakeKubeProtobufBody.summary(prefix).hasSuffix(" ..."))
    }

    @Test func randomlyDamagedBodiesAreBadRequestsNeverACrash() {
        var seed: UInt64 = 0x9e37_79b9_7f4a_7c15
        func next() -> UInt64 {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return seed >> 33
        }
        let bodies: [([UInt8], String)] = [
            (Self.namespaceBody, "Namespace"), (Self.configMapBody, "ConfigMap"), (Self.secretBody, "Secret"),
            (Self.serviceAccountBody, "ServiceAccount"), (Self.accessReviewBody, "SelfSubjectAccessReview"),
        ]
        for _ in 0..<3000 {
            let (original, kind) = bodies[Int(next() % UInt64(bodies.count))]
            var body = original
            for _ in 0...(next() % 3) {
                body[4 + Int(next() % UInt64(body.count - 4))] = UInt8(truncatingIfNeeded: next())
            }
            if let failure = Self.failure(body, as: kind) {
                #expect(failure.httpStatus == 400, "\(failure.status)")
            }
        }
    }

    @Test func malformedWireDataNamesWhatIsWrong() {
        func error(_ bytes: [UInt8]) -> ProtobufWireError? {
            var reader = ProtobufWireReader(bytes)
            do {
                while try reader.nextField() != nil {}
                return nil
            } catch {
                return error
            }
        }
        #expect(error([0x08] + Array(repeating: 0xff, count: 10) + [0x01]) == .integerOverflow)
        #expect(error([0x08, 0x80]) == .unexpectedEndOfInput)
        #expect(error([0x0a, 0x05, 0x61]) == .unexpectedEndOfInput)
        #expect(error([0x0f]) == .illegalWireType(7, field: 1))
        #expect(error([0x00, 0x00]) == .illegalTag(number: 0, wireType: 0))
        #expect(error([0x0d, 0x01, 0x02]) == .unexpectedEndOfInput)
        #expect(error([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f]) == .negativeLength)
        #expect(error([0x09] + Array(repeating: 0, count: 8) + [0x15, 1, 2, 3, 4]) == nil)
    }

    @Test func aBodyWithoutTheMagicOrEmptyGetsTheServersAnswer() {
        let json = Array(#"{"kind":"Namespace"}"#.utf8)
        #expect(
            Self.failure(json, as: "Namespace")?.status.message
                == "the object provided is unrecognized (must be of type Namespace): provided data does not appear "
                + "to be a protobuf message, expected prefix [107 56 115 0] (7b226b696e64223a224e616d657370616365227d)")
        #expect(
            Self.failure([], as: "Namespace")?.status.message
                == "the object provided is unrecognized (must be of type Namespace): empty data (<empty>)")
    }

    @Test func aFieldOfTheWrongWireTypeIsABadRequestNamingTheField() {
        let raw = WireBytes.message(1, WireBytes.varint(1, 7))
        let failure = Self.failure(WireBytes.envelope(apiVersion: "v1", kind: "Namespace", raw: raw), as: "Namespace")
        #expect(failure?.httpStatus == 400)
        #expect(
            failure?.status.message
                == "Namespace in version \"v1\" cannot be handled as a Namespace: proto: wrong wireType = 0 for field Name"
        )
    }

    @Test func aKindTheSandboxDoesNotDecodeOrAnotherKindIsABadRequest() {
        let crd = WireBytes.envelope(
            apiVersion: "apiextensions.k8s.io/v1", kind: "CustomResourceDefinition", raw: [])
        let notRead = Self.failure(crd, as: "CustomResourceDefinition")
        #expect(notRead?.httpStatus == 400)
        #expect(
            notRead?.status.message?.hasPrefix(
                "CustomResourceDefinition in version \"v1\" cannot be handled as a CustomResourceDefinition: ") == true)

        let misplaced = Self.failure(Self.configMapBody, as: "Namespace")
        #expect(
            misplaced?.status.message
                == "ConfigMap in version \"v1\" cannot be handled as a Namespace: converting (v1.ConfigMap) to "
                + "(core.Namespace): unknown conversion")

        let unknown = WireBytes.envelope(apiVersion: "v1", kind: "Pod", raw: [])
        #expect(
            Self.failure(unknown, as: "Namespace")?.status.message?.contains("no kind \"Pod\" is registered") == true)
    }

    @Test func onlyClientsThatAcceptNothingButProtobufAreRefused() {
        #expect(FakeKubeProtobufBody.acceptsJSON(nil))
        #expect(FakeKubeProtobufBody.acceptsJSON("application/vnd.kubernetes.protobuf,application/json"))
        #expect(FakeKubeProtobufBody.acceptsJSON("application/json;as=Table;v=v1;g=meta.k8s.io,application/json"))
        #expect(FakeKubeProtobufBody.acceptsJSON("*/*"))
        #expect(!FakeKubeProtobufBody.acceptsJSON("application/vnd.kubernetes.protobuf"))
        #expect(!FakeKubeProtobufBody.acceptsJSON("application/com.github.proto-openapi.spec.v2@v1.0+protobuf"))
    }
}

/// A minimal protobuf writer for building test bodies.
enum WireBytes {
    static func rawVarint(_ value: UInt64) -> [UInt8] {
        var value = value
        var bytes: [UInt8] = []
        repeat {
            var byte = UInt8(value & 0x7f)
            value >>= 7
            if value != 0 { byte |= 0x80 }
            bytes.append(byte)
        } while value != 0
        return bytes
    }
    static func varint(_ field: Int, _ value: UInt64) -> [UInt8] { rawVarint(UInt64(field << 3)) + rawVarint(value) }
    static func message(_ field: Int, _ bytes: [UInt8]) -> [UInt8] {
        rawVarint(UInt64(field << 3 | 2)) + rawVarint(UInt64(bytes.count)) + bytes
    }
    static func string(_ field: Int, _ text: String) -> [UInt8] { message(field, Array(text.utf8)) }
    static func envelope(apiVersion: String, kind: String, raw: [UInt8]) -> [UInt8] {
        FakeKubeProtobufBody.magic + message(1, string(1, apiVersion) + string(2, kind)) + message(2, raw)
            + string(3, "") + string(4, "")
    }
}
