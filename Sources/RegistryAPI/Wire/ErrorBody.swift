/// The registry's and catalog's error body: `{"code": "Not Found", "message": "..."}`.
/// `code` is the HTTP reason phrase as a **string**, not a number.
///
/// ```swift
/// let body = ErrorBody(code: "Not Found", message: "no registered models found for name=x")
/// ```
public struct ErrorBody: Codable, Sendable, Hashable {
    public var code: String
    public var message: String

    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }

    enum CodingKeys: String, CodingKey {
        case code, message
    }

    public init(from decoder: any Decoder) throws {
        let c = try GoStyleKeyedContainer(decoder: decoder, keyedBy: CodingKeys.self)
        guard let code = try c.lenientString(.code), let message = try c.decode(String.self, .message) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "an error body needs code and message")
            )
        }
        self.init(code: code, message: message)
    }
}
