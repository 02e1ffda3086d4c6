import KubeAPI

/// An API error the fake server answers with a real `Status` body, as the API server would.
struct FakeKubeFailure: Error, Sendable {
    var status: KubeStatus
    var httpStatus: Int { status.code ?? 500 }
    var retryAfterSeconds: Int?

    init(code: Int, reason: String, message: String, details: KubeStatus.Details? = nil) {
        // Go leaves an empty reason out (an unclassified error has none).
        status = KubeStatus(
            status: "Failure", message: message, reason: reason.isEmpty ? nil : reason, details: details, code: code)
    }

    static func notFound(_ kind: FakeKubeResourceKind, _ name: String) -> FakeKubeFailure {
        FakeKubeFailure(
            code: 404, reason: "NotFound", message: "\(kind.qualifiedName) \"\(name)\" not found",
            details: .init(name: name, group: kind.group.isEmpty ? nil : kind.group, kind: kind.plural))
    }

    static func namespaceNotFound(_ namespace: String) -> FakeKubeFailure {
        FakeKubeFailure(
            code: 404, reason: "NotFound", message: "namespaces \"\(namespace)\" not found",
            details: .init(name: namespace, kind: "namespaces"))
    }

    static func alreadyExists(_ kind: FakeKubeResourceKind, _ name: String) -> FakeKubeFailure {
        FakeKubeFailure(
            code: 409, reason: "AlreadyExists", message: "\(kind.qualifiedName) \"\(name)\" already exists",
            details: .init(name: name, group: kind.group.isEmpty ? nil : kind.group, kind: kind.plural))
    }

    static func conflict(_ kind: FakeKubeResourceKind, _ name: String) -> FakeKubeFailure {
        FakeKubeFailure(
            code: 409, reason: "Conflict",
            message: "Operation cannot be fulfilled on \(kind.qualifiedName) \"\(name)\": the object has been "
                + "modified; please apply your changes to the latest version and try again",
            details: .init(name: name, group: kind.group.isEmpty ? nil : kind.group, kind: kind.plural))
    }

    /// 422 `Invalid` as `errors.NewInvalid` builds it: one cause per field error, and the message
    /// `<Kind>[.<group>] "<name>" is invalid: <errors>`.
    static func invalid(_ kind: FakeKubeResourceKind, _ name: String, _ errors: [FakeKubeFieldError])
        -> FakeKubeFailure
    {
        let qualifiedKind = kind.group.isEmpty ? kind.kind : "\(kind.kind).\(kind.group)"
        return FakeKubeFailure(
            code: 422, reason: "Invalid",
            message: "\(qualifiedKind) \"\(name)\" is invalid: \(FakeKubeFieldError.aggregate(errors))",
            details: .init(
                name: name, group: kind.group.isEmpty ? nil : kind.group, kind: kind.kind,
                causes: errors.map(\.cause)))
    }

    /// 400 for a body the typed decoder refuses, worded as the API server's `transformDecodeError`.
    static func undecodable(_ kind: FakeKubeResourceKind, _ problem: String) -> FakeKubeFailure {
        badRequest("\(kind.kind) in version \"\(kind.version)\" cannot be handled as a \(kind.kind): \(problem)")
    }

    /// 422 for a patch whose result the typed decoder refuses: the API server reports it on the field `patch`
    /// with an empty kind and name (` "" is invalid: patch: Invalid value: …`).
    static func undecodablePatch(rendered: String, _ problem: String) -> FakeKubeFailure {
        let error = FakeKubeFieldError(type: .invalid, field: "patch", value: .raw(rendered), detail: problem)
        return FakeKubeFailure(
            code: 422, reason: "Invalid", message: " \"\" is invalid: \(error)",
            details: .init(causes: [error.cause]))
    }

    static func badRequest(_ message: String) -> FakeKubeFailure {
        FakeKubeFailure(code: 400, reason: "BadRequest", message: message)
    }

    static func expired(_ message: String) -> FakeKubeFailure {
        FakeKubeFailure(code: 410, reason: "Expired", message: message)
    }

    static func methodNotAllowed(_ method: String, _ path: String) -> FakeKubeFailure {
        FakeKubeFailure(
            code: 405, reason: "MethodNotAllowed",
            message: "the server does not allow this method on the requested "
                + "resource (\(method) \(path))")
    }

    static func unsupportedMediaType(_ contentType: String) -> FakeKubeFailure {
        FakeKubeFailure(
            code: 415, reason: "UnsupportedMediaType",
            message: "the body of the request was in an unknown format - "
                + "accepted media types include: application/json, application/merge-patch+json"
        )
        .withMessage("the media type \"\(contentType)\" is not supported here")
    }

    static func pathNotFound(_ path: String) -> FakeKubeFailure {
        FakeKubeFailure(code: 404, reason: "NotFound", message: "the server could not find the requested resource")
            .withDetails(KubeStatus.Details(name: path))
    }

    func withMessage(_ message: String) -> FakeKubeFailure {
        var copy = self
        copy.status.message = message
        return copy
    }

    func withDetails(_ details: KubeStatus.Details) -> FakeKubeFailure {
        var copy = self
        copy.status.details = details
        return copy
    }
}
