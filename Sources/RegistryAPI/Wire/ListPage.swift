/// One page of a list response: `{"items": [...], "nextPageToken": "", "pageSize": 100, "size": 3}`.
///
/// ``size`` counts the items of *this* page (there is no total); ``pageSize`` echoes the
/// request (0 when it was omitted). The last page has an empty ``nextPageToken``. A missing
/// `items` (the catalog's source list does not require it) decodes as no items.
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

    public init(items: [Item], nextPageToken: String = "", pageSize: Int = 0, size: Int? = nil) {
        self.items = items
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
        let items = try c.decode([Item].self, .items) ?? []
        self.init(
            items: items,
            nextPageToken: try c.decode(String.self, .nextPageToken) ?? "",
            pageSize: try c.decode(Int.self, .pageSize) ?? 0,
            size: try c.decode(Int.self, .size) ?? items.count
        )
    }
}
