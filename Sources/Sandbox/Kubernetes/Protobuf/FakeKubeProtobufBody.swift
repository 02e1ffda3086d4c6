import Foundation
import KubeAPI

/// Reads a request body sent as `application/vnd.kubernetes.protobuf`, as typed Go clients (kubectl's `create
/// namespace|configmap|secret|…`, `auth can-i`) send built-in kinds, and turns it into the JSON object a JSON client
/// would have sent, so validation, storage and watches stay shared with the JSON path.
///
/// The wire form is the 4-byte magic `k8s\0` followed by a `runtime.Unknown` message: `typeMeta` (1: apiVersion
/// 1, kind 2), `raw` (2: the object's own message), `contentEncoding` (3) and `contentType` (4). A body that cannot
/// be read gets the API server's 400 answer for an undecodable body, built the way its `transformDecodeError` does.
///
/// ```swift
/// let object = try FakeKubeProtobufBody.decode(request.body, for: kind)   // ["kind": "ConfigMap", …]
/// ```
enum FakeKubeProtobufBody {
    /// `k8s\0`.
    static let magic: [UInt8] = [0x6b, 0x38, 0x73, 0x00]

    /// The JSON form of a protobuf body sent to the endpoint of `kind`.
    static func decode(_ body: [UInt8], for kind: FakeKubeResourceKind) throws(FakeKubeFailure) -> JSONValue {
        func unrecognized(_ reason: String) -> FakeKubeFailure {
            .badRequest(
                "the object provided is unrecognized (must be of type \(kind.kind)): \(reason) (\(summary(body)))")
        }
        guard !body.isEmpty else { throw unrecognized("empty data") }
        guard body.starts(with: magic) else {
            throw unrecognized(
                "provided data does not appear to be a protobuf message, expected prefix "
                    + "[\(magic.map(String.init).joined(separator: " "))]")
        }
        let envelope: Envelope
        do {
            envelope = try Envelope(body.dropFirst(magic.count))
        } catch {
            throw unrecognized(error.description)
        }
        // Missing type fields default to the endpoint's, as the server's decoder does.
        let apiVersion = envelope.apiVersion.isEmpty ? kind.apiVersion : envelope.apiVersion
        let sentKind = envelope.kind.isEmpty ? kind.kind : envelope.kind
        let version = apiVersion.split(separator: "/").last.map(String.init) ?? apiVersion
        func cannotHandle(_ reason: String) -> FakeKubeFailure {
            .badRequest("\(sentKind) in version \"\(version)\" cannot be handled as a \(kind.kind): \(reason)")
        }
        if !envelope.contentEncoding.isEmpty {
            throw cannotHandle("unsupported content encoding \"\(envelope.contentEncoding)\"")
        }
        guard let message = KubeProtobufMessages.byKind["\(apiVersion)/\(sentKind)"] else {
            if apiVersion == kind.apiVersion && sentKind == kind.kind {
                // A built-in kind the sandbox knows but whose message it does not read (CustomResourceDefinition).
                throw cannotHandle("the sandbox's fake API reads \(sentKind) only as JSON; send application/json")
            }
            throw cannotHandle(
                "no kind \"\(sentKind)\" is registered for version \"\(apiVersion)\" in scheme "
                    + "\"pkg/api/legacyscheme/scheme.go:30\"")
        }
        var object: JSONValue
        do {
            object = try message.decode(envelope.raw)
        } catch {
            throw cannotHandle(error.description)
        }
        if sentKind != kind.kind {
            let group = kind.group.isEmpty ? "core" : String(kind.group.prefix { $0 != "." })
            throw cannotHandle("converting (\(version).\(sentKind)) to (\(group).\(kind.kind)): unknown conversion")
        }
        if apiVersion != kind.apiVersion {
            throw .badRequest(
                "the API version in the data (\(apiVersion)) does not match the expected API version "
                    + "(\(kind.apiVersion))")
        }
        object["apiVersion"] = .string(apiVersion)
        object["kind"] = .string(sentKind)
        return object
    }

    /// Whether a request's `Accept` header lets the fake answer in JSON, its only encoding: no header, JSON, a
    /// wildcard, or YAML (JSON is valid YAML). kubectl sends `application/vnd.kubernetes.protobuf,application/json`.
    static func acceptsJSON(_ accept: String?) -> Bool {
        guard let accept, !accept.trimmingCharacters(in: .whitespaces).isEmpty else { return true }
        return accept.split(separator: ",").contains { entry in
            let type = entry.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            return ["application/json", "application/yaml", "*/*", "application/*"].contains(type ?? "")
        }
    }

    /// The 406 a server gives when it can encode none of the accepted types.
    static func notAcceptable() -> FakeKubeFailure {
        FakeKubeFailure(
            code: 406, reason: "NotAcceptable",
            message: "only the following media types are accepted: application/json")
    }

    /// The API server's short rendering of a body it could not read: hex, cut at 30 bytes.
    static func summary(_ body: [UInt8]) -> String {
        guard !body.isEmpty else { return "<empty>" }
        let head = body.prefix(30).map { String(format: "%02x", $0) }.joined()
        return body.count > 30 ? head + " ..." : head
    }

    /// The `runtime.Unknown` after the magic.
    struct Envelope {
        var apiVersion = ""
        var kind = ""
        var raw: ArraySlice<UInt8> = []
        var contentEncoding = ""
        var contentType = ""

        init(_ bytes: ArraySlice<UInt8>) throws(ProtobufWireError) {
            var reader = ProtobufWireReader(bytes)
            while let field = try reader.nextField() {
                switch (field.number, field.value) {
                case (1, .lengthDelimited(let typeMeta)):
                    var inner = ProtobufWireReader(typeMeta)
                    while let member = try inner.nextField() {
                        switch (member.number, member.value) {
                        case (1, .lengthDelimited(let text)): apiVersion = try Self.text(text, field: "APIVersion")
                        case (2, .lengthDelimited(let text)): kind = try Self.text(text, field: "Kind")
                        case (1, _): throw .wrongWireType(member.value.wireType, field: "APIVersion")
                        case (2, _): throw .wrongWireType(member.value.wireType, field: "Kind")
                        default: continue
                        }
                    }
                case (2, .lengthDelimited(let bytes)): raw = bytes
                case (3, .lengthDelimited(let text)): contentEncoding = try Self.text(text, field: "ContentEncoding")
                case (4, .lengthDelimited(let text)): contentType = try Self.text(text, field: "ContentType")
                case (1, _): throw .wrongWireType(field.value.wireType, field: "TypeMeta")
                case (2, _): throw .wrongWireType(field.value.wireType, field: "Raw")
                case (3, _): throw .wrongWireType(field.value.wireType, field: "ContentEncoding")
                case (4, _): throw .wrongWireType(field.value.wireType, field: "ContentType")
                default: continue
                }
            }
        }

        private static func text(_ bytes: ArraySlice<UInt8>, field: String) throws(ProtobufWireError) -> String {
            guard let text = String(validating: bytes, as: UTF8.self) else { throw .invalidUTF8(field: field) }
            return text
        }
    }
}
