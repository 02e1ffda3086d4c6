import RegistryAPI

/// An error the fake registry or catalog answers with: an HTTP status and the API's
/// `{"code": "<reason phrase>", "message": "..."}` body.
///
/// ```swift
/// throw FakeRegistryError.notFound("no registered models found for name=x, externalId=: not found")
/// ```
public struct FakeRegistryError: Error, Sendable, Hashable, CustomStringConvertible {
    public var status: Int
    public var message: String

    public init(status: Int, message: String) {
        self.status = status
        self.message = message
    }

    /// The `code` field: the reason phrase (a missing required field answers 422 with code
    /// `Bad Request`, as the real server does).
    public var code: String {
        switch status {
        case 400, 422: return "Bad Request"
        case 401: return "Unauthorized"
        case 403: return "Forbidden"
        case 404: return "Not Found"
        case 409: return "Conflict"
        case 502: return "Bad Gateway"
        case 503: return "Service Unavailable"
        default: return status >= 500 ? "Internal Server Error" : "Error"
        }
    }

    /// The error body as the API writes it.
    public var body: ErrorBody { ErrorBody(code: code, message: message) }

    public var description: String { "\(status) \(code): \(message)" }

    static func badRequest(_ message: String) -> FakeRegistryError { .init(status: 400, message: message) }
    static func missingField(_ message: String) -> FakeRegistryError { .init(status: 422, message: message) }
    static func notFound(_ message: String) -> FakeRegistryError { .init(status: 404, message: message) }
    static func conflict(_ message: String) -> FakeRegistryError { .init(status: 409, message: message) }
}
