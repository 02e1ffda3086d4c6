import KubeAPI

/// The API server's validation (422 `Invalid`), rule for rule and word for word, for what this project and
/// kubectl send: object names by kind, label keys and values, annotation keys and total size, finalizers, the
/// ConfigMap and Secret key syntax and 1 MiB payload, and a Lease's numbers. Messages are those of
/// kube-apiserver v1.28 (`k8s.io/apimachinery/pkg/util/validation`), the version the project was checked on.
///
/// ```swift
/// let errors = FakeKubeValidation.validate(configMapNamedBadName, kind: configMaps)
/// // [metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain must consist of …]
/// ```
enum FakeKubeValidation {
    /// The name rule each kind's validation uses.
    enum NameRule {
        /// `NameIsDNSSubdomain`: ConfigMap, Secret, ServiceAccount, Lease, custom resources, Route, CRD.
        case dns1123Subdomain
        /// `NameIsDNSLabel`: Namespace.
        case dns1123Label
        /// `NameIsDNS1035Label`: Service.
        case dns1035Label
        /// `path.IsValidPathSegmentName`: the RBAC kinds.
        case pathSegment
    }

    static func nameRule(for kind: FakeKubeResourceKind) -> NameRule {
        switch (kind.group, kind.plural) {
        case ("", "namespaces"): .dns1123Label
        case ("", "services"): .dns1035Label
        case ("rbac.authorization.k8s.io", _): .pathSegment
        default: .dns1123Subdomain
        }
    }

    /// Every validation error of `object` (already stamped with its name and namespace), in a stable order.
    static func validate(_ object: JSONValue, kind: FakeKubeResourceKind) -> [FakeKubeFieldError] {
        var errors = objectMeta(object["metadata"] ?? .object([:]), kind: kind)
        switch kind.id {
        case "v1/configmaps": errors += configMap(object)
        case "v1/secrets": errors += secret(object)
        case "v1/pods": errors += FakeKubePods.validate(object)
        case "coordination.k8s.io/v1/leases": errors += lease(object)
        case "apiextensions.k8s.io/v1/customresourcedefinitions": errors += customResourceDefinition(object)
        default: break
        }
        return errors
    }

    // MARK: - ObjectMeta (ValidateObjectMetaAccessor)

    static func objectMeta(_ metadata: JSONValue, kind: FakeKubeResourceKind) -> [FakeKubeFieldError] {
        var errors: [FakeKubeFieldError] = []
        let rule = nameRule(for: kind)
        if let generateName = metadata["generateName"]?.stringValue, !generateName.isEmpty {
            for message in name(generateName, rule: rule, prefix: true) {
                errors.append(.invalid("metadata.generateName", generateName, message))
            }
        }
        let objectName = metadata["name"]?.stringValue ?? ""
        if objectName.isEmpty {
            errors.append(.required("metadata.name", "name or generateName is required"))
        } else {
            for message in name(objectName, rule: rule, prefix: false) {
                errors.append(.invalid("metadata.name", objectName, message))
            }
        }
        let namespace = metadata["namespace"]?.stringValue ?? ""
        if kind.namespaced {
            if namespace.isEmpty {
                errors.append(.required("metadata.namespace"))
            } else {
                for message in name(namespace, rule: .dns1123Label, prefix: false) {
                    errors.append(.invalid("metadata.namespace", namespace, message))
                }
            }
        } else if !namespace.isEmpty {
            errors.append(.forbidden("metadata.namespace", "not allowed on this type"))
        }
        let labels = (metadata["labels"]?.objectValue ?? [:]).sorted { $0.key < $1.key }
        for (key, value) in labels {
            for message in qualifiedName(key) { errors.append(.invalid("metadata.labels", key, message)) }
            let text = value.stringValue ?? ""
            for message in labelValue(text) { errors.append(.invalid("metadata.labels", text, message)) }
        }
        let annotations = (metadata["annotations"]?.objectValue ?? [:]).sorted { $0.key < $1.key }
        for (key, _) in annotations {
            // Annotation keys follow the qualified-name rule, except that case does not matter.
            for message in qualifiedName(key.lowercased()) {
                errors.append(.invalid("metadata.annotations", key, message))
            }
        }
        let annotationBytes = annotations.reduce(0) {
            $0 + $1.key.utf8.count + ($1.value.stringValue?.utf8.count ?? 0)
        }
        if annotationBytes > totalAnnotationSizeLimit {
            errors.append(.tooLong("metadata.annotations", maximum: totalAnnotationSizeLimit))
        }
        for finalizer in metadata["finalizers"]?.arrayValue ?? [] {
            let text = finalizer.stringValue ?? ""
            for message in qualifiedName(text) { errors.append(.invalid("metadata.finalizers", text, message)) }
        }
        return errors
    }

    /// `TotalAnnotationSizeLimitB`: keys plus values of all annotations.
    static let totalAnnotationSizeLimit = 256 * 1024

    // MARK: - Kinds

    /// `ValidateConfigMap`: key syntax in both maps, no key in both, and at most 1 MiB of values (decoded
    /// `binaryData` bytes plus `data` bytes; keys are not counted).
    static func configMap(_ object: JSONValue) -> [FakeKubeFieldError] {
        var errors: [FakeKubeFieldError] = []
        let data = (object["data"]?.objectValue ?? [:]).sorted { $0.key < $1.key }
        let binary = object["binaryData"]?.objectValue ?? [:]
        var total = 0
        for (key, value) in data {
            for message in configMapKey(key) { errors.append(.invalid("data[\(key)]", key, message)) }
            if binary[key] != nil {
                errors.append(.invalid("data[\(key)]", key, "duplicate of key present in binaryData"))
            }
            total += value.stringValue?.utf8.count ?? 0
        }
        for (key, value) in binary.sorted(by: { $0.key < $1.key }) {
            for message in configMapKey(key) { errors.append(.invalid("binaryData[\(key)]", key, message)) }
            total += value.stringValue.flatMap { FakeKubeDecoding.goBase64DecodedCount($0) } ?? 0
        }
        if total > ConfigMap.maximumPayloadBytes {
            // The path is empty: the error is about the whole object, which Go prints as `[]`.
            errors.append(.tooLong("[]", maximum: ConfigMap.maximumPayloadBytes))
        }
        return errors
    }

    /// `ValidateSecret`: the ConfigMap key rule on `data` (with `stringData` merged in, as the conversion does),
    /// 1 MiB of decoded values on field `data`, and the service-account annotation a token Secret needs.
    static func secret(_ object: JSONValue) -> [FakeKubeFieldError] {
        var errors: [FakeKubeFieldError] = []
        var sizes: [String: Int] = [:]
        for (key, value) in object["data"]?.objectValue ?? [:] {
            sizes[key] = value.stringValue.flatMap { FakeKubeDecoding.goBase64DecodedCount($0) } ?? 0
        }
        for (key, value) in object["stringData"]?.objectValue ?? [:] {
            sizes[key] = value.stringValue?.utf8.count ?? 0
        }
        for key in sizes.keys.sorted() {
            for message in configMapKey(key) { errors.append(.invalid("data[\(key)]", key, message)) }
        }
        if sizes.values.reduce(0, +) > ConfigMap.maximumPayloadBytes {
            errors.append(.tooLong("data", maximum: ConfigMap.maximumPayloadBytes))
        }
        if object["type"]?.stringValue == "kubernetes.io/service-account-token" {
            let annotation = "kubernetes.io/service-account.name"
            if (object["metadata"]?["annotations"]?[annotation]?.stringValue ?? "").isEmpty {
                errors.append(.required("metadata.annotations[\(annotation)]"))
            }
        }
        return errors
    }

    /// `ValidateLeaseSpec`: a positive duration and a non-negative transition count.
    static func lease(_ object: JSONValue) -> [FakeKubeFieldError] {
        var errors: [FakeKubeFieldError] = []
        if let duration = object["spec"]?["leaseDurationSeconds"]?.intValue, duration <= 0 {
            errors.append(.invalid("spec.leaseDurationSeconds", number: duration, "must be greater than 0"))
        }
        if let transitions = object["spec"]?["leaseTransitions"]?.intValue, transitions < 0 {
            errors.append(
                .invalid("spec.leaseTransitions", number: transitions, "must be greater than or equal to 0"))
        }
        return errors
    }

    /// The part of `ValidateCustomResourceDefinition` that names depend on: the name is `<plural>.<group>`.
    static func customResourceDefinition(_ object: JSONValue) -> [FakeKubeFieldError] {
        let name = object["metadata"]?["name"]?.stringValue ?? ""
        let plural = object["spec"]?["names"]?["plural"]?.stringValue ?? ""
        let group = object["spec"]?["group"]?.stringValue ?? ""
        guard !name.isEmpty, name != plural + "." + group else { return [] }
        return [.invalid("metadata.name", name, "must be spec.names.plural+\".\"+spec.group")]
    }

    // MARK: - Name rules (k8s.io/apimachinery/pkg/util/validation)

    static let dns1123LabelFormat = "[a-z0-9]([-a-z0-9]*[a-z0-9])?"
    static let dns1123SubdomainFormat = dns1123LabelFormat + "(\\." + dns1123LabelFormat + ")*"
    static let dns1035LabelFormat = "[a-z]([-a-z0-9]*[a-z0-9])?"
    static let qualifiedNameFormat = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"
    static let labelValueFormat = "(" + qualifiedNameFormat + ")?"
    static let configMapKeyFormat = "[-._a-zA-Z0-9]+"

    /// The messages of a name (or of a `generateName` prefix, whose trailing dash is allowed).
    static func name(_ value: String, rule: NameRule, prefix: Bool) -> [String] {
        if rule == .pathSegment {
            if !prefix, value == "." || value == ".." { return ["may not be '\(value)'"] }
            return ["/", "%"].filter { value.contains($0) }.map { "may not contain '\($0)'" }
        }
        var masked = value
        if prefix, masked.count > 1, masked.hasSuffix("-") { masked = String(masked.dropLast()) + "a" }
        switch rule {
        case .dns1123Label: return dns1123Label(masked)
        case .dns1035Label: return dns1035Label(masked)
        default: return dns1123Subdomain(masked)
        }
    }

    static func dns1123Label(_ value: String) -> [String] {
        var messages: [String] = []
        if value.utf8.count > 63 { messages.append(maxLength(63)) }
        if !isLabel(value, firstMayBeDigit: true) {
            messages.append(
                regexError(
                    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must "
                        + "start and end with an alphanumeric character", dns1123LabelFormat, ["my-name", "123-abc"]))
        }
        return messages
    }

    static func dns1123Subdomain(_ value: String) -> [String] {
        var messages: [String] = []
        if value.utf8.count > 253 { messages.append(maxLength(253)) }
        let labels = value.split(separator: ".", omittingEmptySubsequences: false)
        if !labels.allSatisfy({ isLabel(String($0), firstMayBeDigit: true) }) {
            messages.append(
                regexError(
                    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', "
                        + "and must start and end with an alphanumeric character", dns1123SubdomainFormat,
                    ["example.com"]))
        }
        return messages
    }

    static func dns1035Label(_ value: String) -> [String] {
        var messages: [String] = []
        if value.utf8.count > 63 { messages.append(maxLength(63)) }
        if !isLabel(value, firstMayBeDigit: false) {
            messages.append(
                regexError(
                    "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an "
                        + "alphabetic character, and end with an alphanumeric character", dns1035LabelFormat,
                    ["my-name", "abc-123"]))
        }
        return messages
    }

    /// `IsQualifiedName`: an optional DNS-subdomain prefix and `/`, then a name of at most 63 characters.
    static func qualifiedName(_ value: String) -> [String] {
        let parts = value.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        let nameMessage =
            "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
            + "alphanumeric character"
        let examples = ["MyName", "my.name", "123-abc"]
        var messages: [String] = []
        let name: String
        switch parts.count {
        case 1:
            name = parts[0]
        case 2:
            name = parts[1]
            if parts[0].isEmpty {
                messages.append("prefix part must be non-empty")
            } else {
                messages += dns1123Subdomain(parts[0]).map { "prefix part " + $0 }
            }
        default:
            return [
                "a qualified name " + regexError(nameMessage, qualifiedNameFormat, examples)
                    + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"
            ]
        }
        if name.isEmpty {
            messages.append("name part must be non-empty")
        } else if name.utf8.count > 63 {
            messages.append("name part " + maxLength(63))
        }
        if !isQualifiedNamePart(name) {
            messages.append("name part " + regexError(nameMessage, qualifiedNameFormat, examples))
        }
        return messages
    }

    /// `IsValidLabelValue`: empty, or a qualified-name part of at most 63 characters.
    static func labelValue(_ value: String) -> [String] {
        var messages: [String] = []
        if value.utf8.count > 63 { messages.append(maxLength(63)) }
        if !value.isEmpty && !isQualifiedNamePart(value) {
            messages.append(
                regexError(
                    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', "
                        + "and must start and end with an alphanumeric character", labelValueFormat,
                    ["MyValue", "my_value", "12345"]))
        }
        return messages
    }

    /// `IsConfigMapKey`: `[-._a-zA-Z0-9]+`, at most 253 characters, and not `.`, `..` or `..`-prefixed.
    static func configMapKey(_ value: String) -> [String] {
        var messages: [String] = []
        if value.utf8.count > 253 { messages.append(maxLength(253)) }
        let valid = !value.isEmpty && value.utf8.allSatisfy { isAlphanumeric($0) || $0 == 45 || $0 == 46 || $0 == 95 }
        if !valid {
            messages.append(
                regexError(
                    "a valid config key must consist of alphanumeric characters, '-', '_' or '.'", configMapKeyFormat,
                    ["key.name", "KEY_NAME", "key-name"]))
        }
        if value == "." {
            messages.append("must not be '.'")
        } else if value == ".." {
            messages.append("must not be '..'")
        } else if value.hasPrefix("..") {
            messages.append("must not start with '..'")
        }
        return messages
    }

    // MARK: - Helpers

    static func maxLength(_ length: Int) -> String { "must be no more than \(length) characters" }

    /// Go's `RegexError`, including its doubled space before each "or".
    static func regexError(_ message: String, _ format: String, _ examples: [String]) -> String {
        var text = message + " (e.g. "
        for (index, example) in examples.enumerated() {
            if index > 0 { text += " or " }
            text += "'\(example)', "
        }
        return text + "regex used for validation is '\(format)')"
    }

    static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (48...57).contains(byte) || (65...90).contains(byte) || (97...122).contains(byte)
    }

    /// A DNS label: lower-case letters, digits and `-`, starting and ending with a letter or digit (or, for
    /// DNS-1035, starting with a letter).
    static func isLabel(_ value: String, firstMayBeDigit: Bool) -> Bool {
        let bytes = Array(value.utf8)
        guard let first = bytes.first, let last = bytes.last else { return false }
        func lowerAlphanumeric(_ byte: UInt8) -> Bool { (48...57).contains(byte) || (97...122).contains(byte) }
        guard firstMayBeDigit ? lowerAlphanumeric(first) : (97...122).contains(first), lowerAlphanumeric(last) else {
            return false
        }
        return bytes.allSatisfy { lowerAlphanumeric($0) || $0 == 45 }
    }

    /// `([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]`
    static func isQualifiedNamePart(_ value: String) -> Bool {
        let bytes = Array(value.utf8)
        guard let first = bytes.first, let last = bytes.last, isAlphanumeric(first), isAlphanumeric(last) else {
            return false
        }
        return bytes.allSatisfy { isAlphanumeric($0) || $0 == 45 || $0 == 95 || $0 == 46 }
    }
}
