/// One page of a list response: `{"items": [...], "nextPageToken": "", "pageSize": 100, "size": 3}`.
///
/// ``size`` counts the items of *this* page (there is no total); ``pageSize`` echoes the
/// request (0 when it was omitted). The last page has an empty ``nextPageToken``. A missing
/// `items` (the catalog's source list does not require it) decodes as no items.
///
/// Items decode one by one: an item that does not decode is left out of ``items`` and listed in
/// ``undecodable`` (its index, its id if readable, and why), so one bad object cannot hide the
/// rest of its page. ``size`` stays what the server said.
///
/// ```swift
/// let page = try JSONDecoder().decode(ListPage<RegisteredModel>.self, from: body)
/// if page.nextPageToken.isEmpty { /* last page */ }
/// ```
public struct ListPage<Item: Codable & Sendable & Hashable>: Codable, Sendable, Hashable {
    public var items: [Item]
    public var nextPageToken: String
    public var pageSize: Int
    public var size: Int
    /// Items on the page that did not decode (not encoded; decoding fills it).
    public var undecodable: [UndecodableItem] = []

    public init(
        items: [Item], nextPageToken: String = "", pageSize: Int = 0, size: Int? = nil,
        undecodable: [UndecodableItem] = []
    ) {
        self.items = items
        self.undecodable = undecodable
        self.nextPageToken = nextPageToken
        self.pageSize = pageSize
        self.size = size ?? items.count
    }

    /// The page an empty HTTP body stands for: no items, no next page.
    public static var empty: ListPage<Item> { ListPage(items: []) }

    enum CodingKeys: String, CodingKey {
        case items, nextPageToken, pageSize, size
    }

    public init(from decoder: any Decoder) throws {
        let c = try GoStyleKeyedContainer(decoder: decoder, keyedBy: CodingKeys.self)
        var items: [Item] = []
        var undecodable: [UndecodableItem] = []
        for (index, attempt) in (try c.decode([ItemAttempt<Item>].self, .items) ?? []).enumerated() {
            switch attempt.outcome {
            case .decoded(let item):
                items.append(item)
            case .failed(let id, let name, let reason):
                undecodable.append(UndecodableItem(index: index, id: id, name: name, reason: reason))
            }
        }
        self.init(
            items: items,
            nextPageToken: try c.decode(String.self, .nextPageToken) ?? "",
            pageSize: try c.decode(Int.self, .pageSize) ?? 0,
            size: try c.decode(Int.self, .size) ?? items.count + undecodable.count,
            undecodable: undecodable
        )
    }
}
