import Foundation
import KubeAPI

/// The OpenAPI documents of the fake API server, built from its kinds and ``FakeKubeSchemas``:
///
/// - `GET /openapi/v3`: the discovery document, `{"paths": {"api/v1": {"serverRelativeURL":
///   "/openapi/v3/api/v1?hash=…"}, "apis/serving.kserve.io/v1beta1": …}}`;
/// - `GET /openapi/v3/api/v1`, `/openapi/v3/apis/{group}/{version}`: one OpenAPI 3.0 document per group-version,
///   with the kinds' schemas under `components.schemas` (tagged `x-kubernetes-group-version-kind`) and their paths,
///   whose POST, PUT and PATCH take `fieldValidation`, so kubectl validates on the server;
/// - `GET /openapi/v2`: the same in one Swagger 2.0 document, in JSON only (a client that accepts only the protobuf
///   form gets 406).
///
/// ```swift
/// let openAPI = FakeKubeOpenAPI(kinds: Array(store.kinds.values), serverVersion: "v1.32.0")
/// let response = try openAPI.response(path: "/openapi/v3", accept: "application/json")
/// ```
struct FakeKubeOpenAPI {
    let kinds: [FakeKubeResourceKind]
    let serverVersion: String

    init(kinds: [FakeKubeResourceKind], serverVersion: String) {
        self.kinds = kinds.sorted { $0.id < $1.id }
        self.serverVersion = serverVersion
    }

    func response(path: String, accept: String?) throws(FakeKubeFailure) -> FakeKubeResponse {
        guard FakeKubeProtobufBody.acceptsJSON(accept) else { throw FakeKubeProtobufBody.notAcceptable() }
        if path == "/openapi/v2" { return .json(code: 200, body: version2()) }
        if path == "/openapi/v3" || path == "/openapi/v3/" { return .json(code: 200, body: discovery()) }
        let prefix = "/openapi/v3/"
        guard path.hasPrefix(prefix) else { throw .pathNotFound(path) }
        let groupVersion = String(path.dropFirst(prefix.count))
        guard let members = groupVersions()[groupVersion] else { throw .pathNotFound(path) }
        return .json(code: 200, body: version3(groupVersion: groupVersion, kinds: members))
    }

    // MARK: - Documents

    /// `api/v1` or `apis/{group}/{version}` → its kinds.
    func groupVersions() -> [String: [FakeKubeResourceKind]] {
        Dictionary(grouping: kinds) { $0.group.isEmpty ? "api/\($0.version)" : "apis/\($0.group)/\($0.version)" }
    }

    func discovery() -> JSONValue {
        var paths: [String: JSONValue] = [:]
        for (groupVersion, members) in groupVersions() {
            let document = version3(groupVersion: groupVersion, kinds: members)
            let data = (try? KubeJSON.encoder.encode(document)) ?? Data()
            paths[groupVersion] = ["serverRelativeURL": .string("/openapi/v3/\(groupVersion)?hash=\(Self.hash(data))")]
        }
        return ["paths": .object(paths)]
    }

    func version3(groupVersion: String, kinds members: [FakeKubeResourceKind]) -> JSONValue {
        var schemas: [String: JSONValue] = [Self.patchSchemaName: ["type": "object"]]
        var paths: [String: JSONValue] = [:]
        for kind in members {
            schemas[Self.schemaName(kind)] = schemaDocument(kind, openAPIVersion: 3)
            for (path, item) in pathItems(kind, openAPIVersion: 3) { paths[path] = item }
        }
        return [
            "openapi": "3.0.0", "info": ["title": "Kubernetes", "version": .string(serverVersion)],
            "paths": .object(paths), "components": ["schemas": .object(schemas)],
        ]
    }

    func version2() -> JSONValue {
        var definitions: [String: JSONValue] = [Self.patchSchemaName: ["type": "object"]]
        var paths: [String: JSONValue] = [:]
        for kind in kinds {
            definitions[Self.schemaName(kind)] = schemaDocument(kind, openAPIVersion: 2)
            for (path, item) in pathItems(kind, openAPIVersion: 2) { paths[path] = item }
        }
        return [
            "swagger": "2.0", "info": ["title": "Kubernetes", "version": .string(serverVersion)],
            "paths": .object(paths), "definitions": .object(definitions),
        ]
    }

    // MARK: - Schemas

    /// `io.k8s.api.core.v1.ConfigMap`, `io.kserve.serving.v1beta1.InferenceService`, as real servers name them.
    static func schemaName(_ kind: FakeKubeResourceKind) -> String {
        let group: String
        switch kind.group {
        case "": group = "io.k8s.api.core"
        case "apiextensions.k8s.io": group = "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions"
        case "route.openshift.io": group = "com.github.openshift.api.route"
        case let name where name.hasSuffix(".k8s.io"):
            group = "io.k8s.api." + name.dropLast(".k8s.io".count).split(separator: ".").first.map(String.init)!
        default: group = kind.group.split(separator: ".").reversed().joined(separator: ".")
        }
        return "\(group).\(kind.version).\(kind.kind)"
    }

    static let patchSchemaName = "io.k8s.apimachinery.pkg.apis.meta.v1.Patch"

    private func schemaDocument(_ kind: FakeKubeResourceKind, openAPIVersion: Int) -> JSONValue {
        var document = (FakeKubeSchemas.schema(for: kind) ?? .open()).rendered(openAPIVersion: openAPIVersion)
        document["x-kubernetes-group-version-kind"] = [
            ["group": .string(kind.group), "kind": .string(kind.kind), "version": .string(kind.version)]
        ]
        return document
    }

    private func reference(_ name: String, openAPIVersion: Int) -> JSONValue {
        .string(openAPIVersion == 3 ? "#/components/schemas/\(name)" : "#/definitions/\(name)")
    }

    // MARK: - Paths

    private func pathItems(_ kind: FakeKubeResourceKind, openAPIVersion: Int) -> [String: JSONValue] {
        let base = kind.group.isEmpty ? "/api/\(kind.version)" : "/apis/\(kind.group)/\(kind.version)"
        let collection = kind.namespaced ? "\(base)/namespaces/{namespace}/\(kind.plural)" : "\(base)/\(kind.plural)"
        let item = "\(collection)/{name}"
        let namespaceParameter = parameter("namespace", in: "path", openAPIVersion: openAPIVersion)
        let nameParameter = parameter("name", in: "path", openAPIVersion: openAPIVersion)
        let scope = kind.namespaced ? [namespaceParameter] : []

        var result: [String: JSONValue] = [:]
        var collectionItem: [String: JSONValue] = ["parameters": .array(scope)]
        if kind.verbs.contains("list") { collectionItem["get"] = operation(kind, "list", openAPIVersion) }
        if kind.verbs.contains("create") { collectionItem["post"] = operation(kind, "post", openAPIVersion) }
        if collectionItem.count > 1 { result[collection] = .object(collectionItem) }

        var single: [String: JSONValue] = ["parameters": .array(scope + [nameParameter])]
        if kind.verbs.contains("get") { single["get"] = operation(kind, "get", openAPIVersion) }
        if kind.verbs.contains("update") { single["put"] = operation(kind, "put", openAPIVersion) }
        if kind.verbs.contains("patch") { single["patch"] = operation(kind, "patch", openAPIVersion) }
        if kind.verbs.contains("delete") { single["delete"] = operation(kind, "delete", openAPIVersion) }
        if single.count > 1 { result[item] = .object(single) }

        if kind.namespaced && kind.verbs.contains("list") {
            result["\(base)/\(kind.plural)"] = ["get": operation(kind, "list", openAPIVersion)]
        }
        return result
    }

    private func operation(_ kind: FakeKubeResourceKind, _ action: String, _ openAPIVersion: Int) -> JSONValue {
        let schemaName = Self.schemaName(kind)
        var parameters: [JSONValue] = []
        if ["post", "put", "patch"].contains(action) {
            for name in ["dryRun", "fieldManager", "fieldValidation"] {
                parameters.append(parameter(name, in: "query", openAPIVersion: openAPIVersion))
            }
        }
        if action == "patch" { parameters.append(parameter("force", in: "query", openAPIVersion: openAPIVersion)) }
        if action == "list" {
            for name in ["labelSelector", "fieldSelector", "limit", "continue", "resourceVersion", "watch"] {
                parameters.append(parameter(name, in: "query", openAPIVersion: openAPIVersion))
            }
        }
        var operation: [String: JSONValue] = [
            "operationId": .string(action + kind.kind),
            "x-kubernetes-action": .string(action),
            "x-kubernetes-group-version-kind": [
                "group": .string(kind.group), "kind": .string(kind.kind), "version": .string(kind.version),
            ],
            "parameters": .array(parameters),
        ]
        let responseSchema: JSONValue =
            action == "list"
            ? ["type": "object", "x-kubernetes-preserve-unknown-fields": true]
            : ["$ref": reference(schemaName, openAPIVersion: openAPIVersion)]
        let bodyTypes: [String]
        switch action {
        case "post", "put": bodyTypes = ["application/json", "application/yaml"]
        case "patch":
            bodyTypes =
                ["application/apply-patch+yaml", "application/json-patch+json", "application/merge-patch+json"]
                + (kind.isCustomResource ? [] : ["application/strategic-merge-patch+json"])
        default: bodyTypes = []
        }
        let bodySchema: JSONValue = [
            "$ref": reference(action == "patch" ? Self.patchSchemaName : schemaName, openAPIVersion: openAPIVersion)
        ]
        if openAPIVersion == 3 {
            operation["responses"] = [
                "200": ["description": "OK", "content": ["application/json": ["schema": responseSchema]]]
            ]
            if !bodyTypes.isEmpty {
                var content: [String: JSONValue] = [:]
                for type in bodyTypes { content[type] = ["schema": bodySchema] }
                operation["requestBody"] = ["content": .object(content), "required": true]
            }
        } else {
            operation["responses"] = ["200": ["description": "OK", "schema": responseSchema]]
            operation["produces"] = ["application/json"]
            if !bodyTypes.isEmpty {
                operation["consumes"] = .array(bodyTypes.map { .string($0) })
                parameters.append(["name": "body", "in": "body", "required": true, "schema": bodySchema])
                operation["parameters"] = .array(parameters)
            }
        }
        return .object(operation)
    }

    private func parameter(_ name: String, in location: String, openAPIVersion: Int) -> JSONValue {
        let type: String
        switch name {
        case "limit": type = "integer"
        case "watch", "force": type = "boolean"
        default: type = "string"
        }
        var result: [String: JSONValue] = ["name": .string(name), "in": .string(location)]
        if location == "path" { result["required"] = true }
        if openAPIVersion == 3 {
            result["schema"] = ["type": .string(type), "uniqueItems": true]
        } else {
            result["type"] = .string(type)
            result["uniqueItems"] = true
        }
        return .object(result)
    }

    /// An opaque, stable hash of a document (64-bit FNV-1a), as the `hash` query parameter of the discovery.
    static func hash(_ data: Data) -> String {
        var value: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in data {
            value ^= UInt64(byte)
            value = value &* 0x0000_0100_0000_01b3
        }
        return String(format: "%016llX", value)
    }
}
