import KubeAPI

/// Server-side field validation, as the API server does it for the `fieldValidation` query parameter of POST, PUT
/// and PATCH: fields the kind's schema does not declare are an error under `Strict`, a `Warning` header under `Warn`
/// (the default), and silently dropped under `Ignore`. In every mode they are not stored.
///
/// kubectl 1.32 relies on this: when `/openapi/v3` shows that a kind's PATCH takes `fieldValidation`, it skips its
/// own schema check and sends `fieldValidation=Strict`.
///
/// ```swift
/// let checked = try FakeKubeFieldValidation.check(body, kind: kind, query: request.query, operation: .create)
/// store.create(kind, namespace: ns, object: checked.object)    // checked.warnings → Warning headers
/// ```
enum FakeKubeFieldValidation {
    /// What a body was sent for: a decoded object (POST, PUT) or a merge patch, whose errors read differently.
    enum Operation {
        case create, update, patch
    }

    /// The body with unknown fields dropped, and the warnings to send back.
    struct Result {
        var object: JSONValue
        var warnings: [String]
    }

    static func check(
        _ body: JSONValue, kind: FakeKubeResourceKind, query: [String: String], operation: Operation
    ) throws(FakeKubeFailure) -> Result {
        let directive = try directive(query["fieldValidation"], operation: operation)
        guard let schema = FakeKubeSchemas.schema(for: kind) else { return Result(object: body, warnings: []) }
        var unknown: [String] = []
        let pruned = prune(body, schema: schema, path: "", unknown: &unknown)
        guard !unknown.isEmpty else { return Result(object: body, warnings: []) }
        let errors = unknown.sorted().map { "unknown field \"\($0)\"" }
        switch directive {
        case "Strict":
            let message = "strict decoding error: " + errors.joined(separator: ", ")
            if operation == .patch { throw .badRequest(message) }
            let version = kind.version
            throw .badRequest("\(kind.kind) in version \"\(version)\" cannot be handled as a \(kind.kind): \(message)")
        case "Warn":
            return Result(object: pruned, warnings: errors)
        default:
            return Result(object: pruned, warnings: [])
        }
    }

    /// The directive, defaulted to `Warn`; anything else than the three values is a 422 on the options object.
    private static func directive(_ value: String?, operation: Operation) throws(FakeKubeFailure) -> String {
        let value = value ?? ""
        if value.isEmpty { return "Warn" }
        if ["Ignore", "Warn", "Strict"].contains(value) { return value }
        let options: String
        switch operation {
        case .create: options = "CreateOptions"
        case .update: options = "UpdateOptions"
        case .patch: options = "PatchOptions"
        }
        let message = "Unsupported value: \"\(value)\": supported values: \"\", \"Ignore\", \"Strict\", \"Warn\""
        throw FakeKubeFailure(
            code: 422, reason: "Invalid",
            message: "\(options).meta.k8s.io \"\" is invalid: fieldValidation: \(message)",
            details: .init(
                group: "meta.k8s.io", kind: options,
                causes: [KubeStatus.Cause(reason: "FieldValueNotSupported", message: message, field: "fieldValidation")]
            ))
    }

    /// `value` without the members `schema` does not declare; their paths (`spec.foo`, `items[0].bar`) go to
    /// `unknown`. Values of the wrong JSON type are left for the store's validation.
    static func prune(_ value: JSONValue, schema: FakeKubeSchema, path: String, unknown: inout [String]) -> JSONValue {
        switch (schema, value) {
        case (.object(let properties, let preserveUnknown), .object(let members)):
            var kept: [String: JSONValue] = [:]
            for (key, member) in members {
                let memberPath = path.isEmpty ? key : "\(path).\(key)"
                if let property = properties[key] {
                    kept[key] = prune(member, schema: property, path: memberPath, unknown: &unknown)
                } else if preserveUnknown || key.hasPrefix("$") {
                    // `$patch`-style directives belong to strategic merge patches, not to the object.
                    kept[key] = member
                } else {
                    unknown.append(memberPath)
                }
            }
            return .object(kept)
        case (.map(let values), .object(let members)):
            var kept: [String: JSONValue] = [:]
            for (key, member) in members {
                kept[key] = prune(member, schema: values, path: "\(path).\(key)", unknown: &unknown)
            }
            return .object(kept)
        case (.list(let items, _), .array(let elements)):
            return .array(
                elements.enumerated().map { index, element in
                    prune(element, schema: items, path: "\(path)[\(index)]", unknown: &unknown)
                })
        default:
            return value
        }
    }
}
