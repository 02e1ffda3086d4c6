/// A list item that was on a page but does not decode into its type (a number where a string
/// belongs, a `null` or an array where an object belongs). The rest of the page is kept; this
/// says what was left out and why, so the caller can log it and treat that object as unknown.
///
/// ```swift
/// let read = try await client.registeredModelList()
/// for item in read.undecodable {
///     logger.warning("skipped registered model \(item.id ?? "without a readable id"): \(item.reason)")
/// }
/// ```
public struct UndecodableItem: Sendable, Hashable, CustomStringConvertible {
    /// Position on its page, from 0.
    public var index: Int
    /// The page of the read it was on, from 1 (1 for a page decoded on its own).
    public var page: Int
    /// The item's `id`, when it can still be read (as a string or a bare number).
    public var id: String?
    /// The item's `name`, when it can still be read; only for log lines, never for identity.
    public var name: String?
    /// What the decoder refused, with the field path, e.g. `name: expected String, found number`.
    public var reason: String
    /// The URL of the page, when it was read over HTTP.
    public var url: String?

    public init(
        index: Int, page: Int = 1, id: String? = nil, name: String? = nil, reason: String, url: String? = nil
    ) {
        self.index = index
        self.page = page
        self.id = id
        self.name = name
        self.reason = reason
        self.url = url
    }

    public var description: String {
        // A damaged object may carry a 256 KiB value; a log line shows the start of it.
        func clipped(_ text: String) -> String { text.count > 80 ? String(text.prefix(80)) + "…" : text }
        var text = "item \(index) of page \(page)"
        text += id.map { " (id \(clipped($0))" } ?? " (no readable id"
        text += name.map { ", name \"\(clipped($0))\")" } ?? ")"
        return text + ": \(reason)"
    }
}

/// The items of a list read that decoded, and those that did not.
///
/// ```swift
/// let read = try await client.modelVersionList()
/// use(read.items)
/// report(read.undecodable)
/// ```
public struct DecodedList<Item: Sendable>: Sendable {
    public var items: [Item]
    public var undecodable: [UndecodableItem]

    public init(items: [Item] = [], undecodable: [UndecodableItem] = []) {
        self.items = items
        self.undecodable = undecodable
    }

    /// The items, or a ``RegistryError`` naming the first undecodable one: for callers that
    /// want the old all-or-nothing read.
    public func strict(registry: String) throws -> [Item] {
        guard let first = undecodable.first else { return items }
        throw RegistryError(
            registry: registry, url: first.url ?? "", status: 200, reason: .undecodable(first.description))
    }
}

/// One element of a list page, decoded on its own so that a bad element cannot fail its page.
struct ItemAttempt<Item: Decodable>: Decodable {
    enum Outcome {
        case decoded(Item)
        case failed(id: String?, name: String?, reason: String)
    }

    private enum IdentityKeys: String, CodingKey {
        case id, name
    }

    let outcome: Outcome

    init(from decoder: any Decoder) throws {
        do {
            outcome = .decoded(try Item(from: decoder))
        } catch {
            // Whatever still reads of the identity is reported; an element that is not even an
            // object (null, a number) has none.
            let identity = try? GoStyleKeyedContainer(decoder: decoder, keyedBy: IdentityKeys.self)
            outcome = .failed(
                id: (try? identity?.lenientString(.id)) ?? nil,
                name: (try? identity?.decode(String.self, .name)) ?? nil,
                reason: DecodingFailure.describe(error, below: decoder.codingPath))
        }
    }
}

/// Short, readable text for a decoding error: the field path relative to the item, and what
/// was expected.
enum DecodingFailure {
    static func describe(_ error: any Error, below base: [any CodingKey]) -> String {
        guard let error = error as? DecodingError else { return "\(error)" }
        func path(_ context: DecodingError.Context, adding key: (any CodingKey)? = nil) -> String {
            let keys = Array(context.codingPath.dropFirst(base.count)) + (key.map { [$0] } ?? [])
            let text = keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
            return text.isEmpty ? "the item" : text
        }
        switch error {
        case .typeMismatch(let type, let context):
            return "\(path(context)): expected \(type): \(context.debugDescription)"
        case .valueNotFound(let type, let context):
            return "\(path(context)): expected \(type), found null"
        case .keyNotFound(let key, let context):
            return "\(path(context, adding: key)): required key missing"
        case .dataCorrupted(let context):
            return "\(path(context)): \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }
}
