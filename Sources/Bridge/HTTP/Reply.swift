import CatalogModel
import Foundation
import Hummingbird
import NIOCore

/// Small constructors for the responses the roles send: every error has a body that says what
/// was wrong (B17), and every body has its real `Content-Type`.
enum Reply {
    static let jsonType = "application/json"
    static let textType = "text/plain; charset=utf-8"
    static let markdownType = "text/markdown; charset=utf-8"
    static let yamlType = "application/yaml"
    /// The Prometheus text exposition format, version 0.0.4.
    static let prometheusType = "text/plain; version=0.0.4; charset=utf-8"

    static func bytes(_ buffer: ByteBuffer, status: HTTPResponse.Status = .ok, contentType: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = contentType
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: buffer))
    }

    static func json<Value: Encodable>(_ value: Value, status: HTTPResponse.Status = .ok) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
        return bytes(ByteBuffer(bytes: data), status: status, contentType: jsonType)
    }

    /// A `/state` document, written by ``StateDocumentCoding``.
    static func state<Document: StateDocument>(_ document: Document) -> Response {
        do {
            return bytes(ByteBuffer(bytes: try StateDocumentCoding.encoder().encode(document)), contentType: jsonType)
        } catch {
            return self.error(.internalServerError, "cannot encode \(Document.kind): \(error)")
        }
    }

    /// A JSON error body `{"error": "...", "status": N}`.
    static func error(_ status: HTTPResponse.Status, _ message: String) -> Response {
        json(ErrorBody(error: message, status: status.code), status: status)
    }

    static func empty(_ status: HTTPResponse.Status) -> Response {
        Response(status: status)
    }

    struct ErrorBody: Encodable {
        var error: String
        var status: Int
    }
}

/// A failure a handler reports as an HTTP status with a message.
struct HTTPFailure: Error {
    var status: HTTPResponse.Status
    var message: String

    init(_ status: HTTPResponse.Status, _ message: String) {
        self.status = status
        self.message = message
    }

    var response: Response { Reply.error(status, message) }
}

extension Request {
    /// The body, at most the role's cap (``BodyLimitMiddleware``); a larger one is a 413, answered before any of the body
    /// is read when `Content-Length` already says so. A client waiting for `100 Continue` gets
    /// it here, when the body is wanted, and not before.
    mutating func collectedBody(context: BridgeRequestContext) async throws -> ByteBuffer {
        let limit = context.maximumBodySize
        if let declared = headers[.contentLength].flatMap({ Int($0) }), declared > limit {
            throw HTTPFailure(.contentTooLarge, "request body is larger than \(limit) bytes")
        }
        if headers[.expect]?.lowercased() == "100-continue" {
            try? await context.channel.triggerUserOutboundEvent(EarlyAnswerHandler.ContinueEvent()).get()
        }
        do {
            return try await collectBody(upTo: limit)
        } catch let error as NIOTooManyBytesError {
            _ = error
            throw HTTPFailure(.contentTooLarge, "request body is larger than \(limit) bytes")
        }
    }

    /// Refuses a query parameter the route does not take (400), instead of ignoring it.
    func allowQuery(_ names: Set<String>) throws {
        for (name, _) in uri.queryParameters where !names.contains(String(name)) {
            throw HTTPFailure(.badRequest, "unknown query parameter '\(name.prefix(100))'")
        }
    }

    /// The upsert a request carries (`POST /upsert` of location and storage-rest): `key` from the
    /// query, a JSON ``UpsertBody``, checked by ``CatalogUpsert/checked(key:type:body:format:)``.
    /// The body is read first (within the cap: too large is a 413); anything else wrong is a 400.
    mutating func checkedUpsert(
        context: BridgeRequestContext, type: String?, format: NormalizerFormat
    ) async throws -> CatalogUpsert {
        let key = try requiredQuery("key")
        let bytes = try await collectedBody(context: context)
        let body: UpsertBody
        do {
            body = try JSONDecoder().decode(UpsertBody.self, from: Data(buffer: bytes))
        } catch {
            throw HTTPFailure(
                .badRequest,
                "body must be JSON {body: base64 document, lastUpdateTimeSinceEpoch, modelCardKey, modelCard}")
        }
        do {
            return try CatalogUpsert.checked(key: key, type: type, body: body, format: format)
        } catch {
            throw HTTPFailure(.badRequest, error.description)
        }
    }

    /// A required, non-empty query parameter.
    func requiredQuery(_ name: String) throws -> String {
        guard let value = uri.queryParameters.get(name), !value.isEmpty else {
            throw HTTPFailure(.badRequest, "query parameter '\(name)' is required")
        }
        return value
    }
}
