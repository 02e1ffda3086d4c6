import KubeAPI

/// What the API server's typed JSON decoder refuses before validation runs (400 `BadRequest`,
/// `<Kind> in version "<v>" cannot be handled as a <Kind>: <Go error>`): timestamps that Go's `time.Parse`
/// rejects for their type (`metav1.Time`, `metav1.MicroTime`), values of the wrong JSON type, and
/// `binaryData`/`data` that is not standard padded base64. Custom resources are decoded without a Go type,
/// so none of this applies to them.
///
/// ```swift
/// FakeKubeDecoding.problem(lease, kind: leaseKind)
/// // parsing time "2026-12-07T00:44:24.793Z" as "2006-01-02T15:04:05.000000Z07:00": cannot parse ".793Z" as ".000000"
/// ```
enum FakeKubeDecoding {
    /// Where a kind has timestamps, as paths (`*` is every element of an array) and the layout each is read with.
    static func timeFields(for kind: FakeKubeResourceKind) -> [(path: [String], layout: FakeKubeGoTime.Layout)] {
        var fields: [([String], FakeKubeGoTime.Layout)] = [
            (["metadata", "creationTimestamp"], .rfc3339), (["metadata", "deletionTimestamp"], .rfc3339),
            (["metadata", "managedFields", "*", "time"], .rfc3339),
        ]
        switch kind.id {
        case "coordination.k8s.io/v1/leases":
            fields += [(["spec", "acquireTime"], .rfc3339Micro), (["spec", "renewTime"], .rfc3339Micro)]
        case "v1/namespaces", "v1/services", "apiextensions.k8s.io/v1/customresourcedefinitions":
            fields.append((["status", "conditions", "*", "lastTransitionTime"], .rfc3339))
        case "v1/pods":
            fields += [
                (["status", "startTime"], .rfc3339), (["status", "conditions", "*", "lastTransitionTime"], .rfc3339),
                (["status", "conditions", "*", "lastProbeTime"], .rfc3339),
                (["status", "containerStatuses", "*", "state", "running", "startedAt"], .rfc3339),
            ]
        case "route.openshift.io/v1/routes":
            fields.append((["status", "ingress", "*", "conditions", "*", "lastTransitionTime"], .rfc3339))
        default:
            break
        }
        return fields
    }

    /// The Go decoder's error for `object`, or nil when a typed decode would succeed.
    static func problem(_ object: JSONValue, kind: FakeKubeResourceKind) -> String? {
        // Routes are served by openshift-apiserver as a Go type; the other custom kinds are CRDs.
        if kind.isCustomResource && kind.group != "route.openshift.io" { return nil }
        for (name, goType) in [("labels", "map[string]string"), ("annotations", "map[string]string")] {
            if let problem = stringMap(
                object["metadata"]?[name], structName: "ObjectMeta", field: "metadata.\(name)", mapType: goType,
                valueType: "string")
            {
                return problem
            }
        }
        for (path, layout) in timeFields(for: kind) {
            for value in values(at: path[...], in: object) {
                switch value {
                case .null: continue
                case .string(let text):
                    if let error = FakeKubeGoTime.parseError(text, layout: layout) { return error }
                default:
                    return "json: cannot unmarshal \(jsonType(value)) into Go value of type string"
                }
            }
        }
        switch kind.id {
        case "v1/configmaps":
            if let problem = stringMap(
                object["data"], structName: "ConfigMap", field: "data", mapType: "map[string]string",
                valueType: "string")
            {
                return problem
            }
            return base64Map(object["binaryData"], structName: "ConfigMap", field: "binaryData")
        case "v1/secrets":
            if let problem = stringMap(
                object["stringData"], structName: "Secret", field: "stringData", mapType: "map[string]string",
                valueType: "string")
            {
                return problem
            }
            return base64Map(object["data"], structName: "Secret", field: "data")
        default:
            return nil
        }
    }

    /// Every value at `path` (`*` stepping into each element of an array), skipping what is absent.
    static func values(at path: ArraySlice<String>, in value: JSONValue) -> [JSONValue] {
        guard let step = path.first else { return [value] }
        if step == "*" {
            return (value.arrayValue ?? []).flatMap { values(at: path.dropFirst(), in: $0) }
        }
        guard let child = value[step] else { return [] }
        return values(at: path.dropFirst(), in: child)
    }

    static func jsonType(_ value: JSONValue) -> String {
        switch value {
        case .null: "null"
        case .bool: "bool"
        case .int, .double: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }

    /// A `map[string]string` field: an object of strings (null members decode to "").
    static func stringMap(
        _ value: JSONValue?, structName: String, field: String, mapType: String, valueType: String
    ) -> String? {
        guard let value, value != .null else { return nil }
        guard let members = value.objectValue else {
            return "json: cannot unmarshal \(jsonType(value)) into Go struct field \(structName).\(field) of type "
                + mapType
        }
        for (_, member) in members.sorted(by: { $0.key < $1.key }) {
            switch member {
            case .string, .null: continue
            default:
                return "json: cannot unmarshal \(jsonType(member)) into Go struct field \(structName).\(field) of "
                    + "type \(valueType)"
            }
        }
        return nil
    }

    /// A `map[string][]byte` field: an object of standard, padded base64 strings.
    static func base64Map(_ value: JSONValue?, structName: String, field: String) -> String? {
        if let problem = stringMap(
            value, structName: structName, field: field, mapType: "map[string][]uint8", valueType: "[]uint8")
        {
            return problem
        }
        for (_, member) in (value?.objectValue ?? [:]).sorted(by: { $0.key < $1.key }) {
            guard let text = member.stringValue else { continue }
            if case .failure(let corrupt) = goBase64Decode(text) {
                return "illegal base64 data at input byte \(corrupt.offset)"
            }
        }
        return nil
    }

    /// How many bytes Go's `base64.StdEncoding` decodes from `text`, or nil if it refuses it.
    static func goBase64DecodedCount(_ text: String) -> Int? {
        if case .success(let count) = goBase64Decode(text) { return count }
        return nil
    }

    struct CorruptInput: Error {
        var offset: Int
    }

    /// Go's `base64.StdEncoding.Decode`, quantum by quantum: `\r` and `\n` are skipped, padding is required,
    /// and the error names the offset Go names.
    static func goBase64Decode(_ text: String) -> Result<Int, CorruptInput> {
        let source = Array(text.utf8)
        func isAlphabet(_ byte: UInt8) -> Bool {
            FakeKubeValidation.isAlphanumeric(byte) || byte == 43 || byte == 47
        }
        func isNewline(_ byte: UInt8) -> Bool { byte == 10 || byte == 13 }
        var index = 0
        var count = 0
        while index < source.count {
            var have = 0
            var quantumLength = 4
            var trailing: CorruptInput?
            quantum: while have < 4 {
                if index == source.count {
                    if have == 0 { return .success(count) }
                    return .failure(CorruptInput(offset: index - have))
                }
                let byte = source[index]
                index += 1
                if isAlphabet(byte) {
                    have += 1
                    continue
                }
                if isNewline(byte) { continue }
                guard byte == 61 else { return .failure(CorruptInput(offset: index - 1)) }
                // Padding: only after two or three symbols, and "==" after two.
                switch have {
                case 0, 1:
                    return .failure(CorruptInput(offset: index - 1))
                case 2:
                    while index < source.count, isNewline(source[index]) { index += 1 }
                    if index == source.count { return .failure(CorruptInput(offset: source.count)) }
                    guard source[index] == 61 else { return .failure(CorruptInput(offset: index - 1)) }
                    index += 1
                default:
                    break
                }
                while index < source.count, isNewline(source[index]) { index += 1 }
                if index < source.count { trailing = CorruptInput(offset: index) }
                quantumLength = have
                break quantum
            }
            count += quantumLength - 1
            if let trailing { return .failure(trailing) }
        }
        return .success(count)
    }
}
