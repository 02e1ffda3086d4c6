import Foundation
import Hummingbird
import NIOCore

/// JSON answers of the sandbox's own HTTP endpoints (Backstage emulation and admin).
enum SandboxResponses {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()

    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) -> Response {
        let data = (try? encoder.encode(value)) ?? Data(#"{"error":"unencodable"}"#.utf8)
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// Backstage's error shape: `{error: {name, message}, response: {statusCode}}`.
    static func backstageError(_ name: String, _ message: String, status: HTTPResponse.Status) -> Response {
        struct Body: Encodable {
            struct Failure: Encodable {
                var name: String
                var message: String
            }
            struct Answer: Encodable { var statusCode: Int }
            var error: Failure
            var response: Answer
        }
        return json(
            Body(error: .init(name: name, message: message), response: .init(statusCode: Int(status.code))),
            status: status)
    }

    static func empty(_ status: HTTPResponse.Status) -> Response {
        Response(status: status)
    }

    /// Reads a JSON request body (up to 1 MiB).
    static func decode<T: Decodable>(_ type: T.Type, from request: Request) async throws -> T {
        var request = request
        let buffer = try await request.collectBody(upTo: 1 << 20)
        return try JSONDecoder().decode(type, from: Data(buffer: buffer))
    }
}
