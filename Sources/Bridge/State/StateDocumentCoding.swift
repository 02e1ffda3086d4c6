import Foundation

/// How the roles' `GET /state` documents are written and read: one encoder and one decoder for the
/// servers that answer and the console that asks, so both sides agree on every field.
///
/// Dates are RFC 3339 in UTC with nine fractional digits (`2026-12-07T16:14:28.123456789Z`): enough
/// to give back the very same instant, so an attached console shows the same times as an
/// in-process one. Whole seconds (what older sidecars sent) are read too.
///
/// ```swift
/// let data = try StateDocumentCoding.encoder().encode(NormalizerStateDocument(state, events: events))
/// let document = try StateDocumentCoding.decode(NormalizerStateDocument.self, from: data)
/// ```
public enum StateDocumentCoding {
    /// The `apiVersion` of every `/state` document this build writes and reads.
    public static let apiVersion = "modelbridge.rhdh.io/v1"

    /// A JSON encoder for `/state` documents: sorted keys, unescaped slashes, precise dates.
    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(format(date))
        }
        return encoder
    }

    /// A JSON decoder for `/state` documents.
    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = parse(text) else {
                throw DecodingError.dataCorruptedError(
                    in: container, debugDescription: "\(text) is not an RFC 3339 date")
            }
            return date
        }
        return decoder
    }

    /// Decodes a document after checking its `apiVersion`, so that a sidecar newer (or older) than this
    /// build is reported as such rather than as a puzzling missing field.
    public static func decode<Document: StateDocument>(_ type: Document.Type, from data: Data) throws -> Document {
        let header: DocumentHeader
        do {
            header = try JSONDecoder().decode(DocumentHeader.self, from: data)
        } catch {
            throw StateDocumentError.notAStateDocument(kind: Document.kind, reason: "\(error)")
        }
        guard let apiVersion = header.apiVersion else {
            throw StateDocumentError.unsupportedAPIVersion(kind: Document.kind, found: nil)
        }
        guard apiVersion == Self.apiVersion else {
            throw StateDocumentError.unsupportedAPIVersion(kind: Document.kind, found: apiVersion)
        }
        guard header.kind == Document.kind else {
            throw StateDocumentError.notAStateDocument(
                kind: Document.kind, reason: "its kind is \(header.kind ?? "missing")")
        }
        do {
            return try decoder().decode(Document.self, from: data)
        } catch {
            throw StateDocumentError.notAStateDocument(kind: Document.kind, reason: "\(error)")
        }
    }

    /// What every document starts with.
    private struct DocumentHeader: Decodable {
        var apiVersion: String?
        var kind: String?
    }

    /// `2026-12-07T16:14:28.123456789Z`.
    static func format(_ date: Date) -> String {
        let seconds = date.timeIntervalSince1970
        var whole = seconds.rounded(.down)
        var nanoseconds = Int(((seconds - whole) * 1e9).rounded())
        if nanoseconds >= 1_000_000_000 {
            whole += 1
            nanoseconds -= 1_000_000_000
        }
        let text = wholeSeconds.format(Date(timeIntervalSince1970: whole))
        let fraction = String(nanoseconds)
        return String(text.dropLast()) + "." + String(repeating: "0", count: 9 - fraction.count) + fraction + "Z"
    }

    /// Reads `…T…Z` with or without a fraction of a second.
    static func parse(_ text: String) -> Date? {
        guard text.hasSuffix("Z"), let dot = text.firstIndex(of: ".") else { return try? wholeSeconds.parse(text) }
        let digits = text[text.index(after: dot)..<text.index(before: text.endIndex)]
        guard !digits.isEmpty, digits.allSatisfy(\.isASCIIDigit), let fraction = Double("0." + digits),
            let whole = try? wholeSeconds.parse(String(text[..<dot]) + "Z")
        else { return nil }
        return Date(timeIntervalSince1970: whole.timeIntervalSince1970 + fraction)
    }

    /// `2026-12-07T16:14:28Z`, in UTC.
    private static let wholeSeconds = Date.ISO8601FormatStyle()
}

extension Character {
    fileprivate var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}

/// A `/state` document: an `apiVersion` and a `kind` that name its shape.
public protocol StateDocument: Codable, Sendable {
    /// The document's `kind`, for example `NormalizerState`.
    static var kind: String { get }
}

/// Why a `/state` answer could not be read.
public enum StateDocumentError: Error, Hashable, CustomStringConvertible {
    /// The document has another `apiVersion` than this build reads (`nil`: none, an older sidecar).
    case unsupportedAPIVersion(kind: String, found: String?)
    /// The answer is not the expected document.
    case notAStateDocument(kind: String, reason: String)

    public var description: String {
        switch self {
        case .unsupportedAPIVersion(let kind, let found?):
            "/state answered \(kind) \(found), but this console reads \(StateDocumentCoding.apiVersion): "
                + "use a modelbridge console of the same release as the sidecars"
        case .unsupportedAPIVersion(let kind, nil):
            "/state answered a \(kind) without apiVersion (a modelbridge sidecar older than "
                + "\(StateDocumentCoding.apiVersion)): upgrade the sidecars or use a console of their release"
        case .notAStateDocument(let kind, let reason):
            "/state did not answer a readable \(kind): \(reason.prefix(300))"
        }
    }
}
