import Foundation
import RegistryAPI

/// How a fake registry treats `filterQuery`, to play every RHOAI version.
///
/// ```swift
/// server.filterQueryMode = .ignored   // RHOAI 2.20–2.23: the parameter is silently dropped
/// ```
public enum FakeRegistryFilterQueryMode: String, Sendable, Hashable {
    /// RHOAI 2.24+: lists are filtered.
    case honoured
    /// RHOAI 2.20–2.23: the parameter is ignored, the unfiltered list comes back.
    case ignored
    /// A server that answers 400 to it.
    case rejected
}

/// `orderBy` values. Unknown ones fall back to ``id`` (as the embedmd backend does).
enum FakeRegistryOrderField: String, Sendable {
    case id = "ID"
    case createTime = "CREATE_TIME"
    case lastUpdateTime = "LAST_UPDATE_TIME"
    case name = "NAME"
}

/// The paging, ordering and filtering parameters of one list request, and their application
/// to a collection.
///
/// Paging is cursor-based like embedmd: the token encodes the page number and the last item's
/// `(sort value, id)`, so inserts between pages neither repeat nor skip earlier items. An
/// omitted (or 0) `pageSize` means no limit, and the response then says `pageSize: 0`.
struct FakeRegistryListRequest: Sendable {
    var pageSize: Int
    var orderBy: FakeRegistryOrderField
    var descending: Bool
    var cursor: Cursor?
    var filter: FakeRegistryFilter?

    struct Cursor: Sendable {
        var page: Int
        var id: Int64
        var value: String
    }

    /// The 1-based number of the page asked for.
    var pageNumber: Int { (cursor?.page ?? 0) + 1 }

    init(query: FakeRegistryQuery, filterMode: FakeRegistryFilterQueryMode) throws(FakeRegistryError) {
        if let text = query["pageSize"] {
            guard let size = Int(text), size >= 0 else {
                throw .badRequest("invalid pageSize \(text): must be a non-negative integer")
            }
            pageSize = size
        } else {
            pageSize = 0
        }
        orderBy = query["orderBy"].flatMap { FakeRegistryOrderField(rawValue: $0) } ?? .id
        switch query["sortOrder"] {
        case nil, "ASC": descending = false
        case "DESC": descending = true
        case let other?: throw .badRequest("invalid sortOrder \(other): must be ASC or DESC")
        }
        cursor = query["nextPageToken"].flatMap(Self.decodeToken)
        filter = nil
        if let text = query["filterQuery"] {
            switch filterMode {
            case .honoured: filter = try FakeRegistryFilter.parse(text)
            case .ignored: filter = nil
            case .rejected: throw .badRequest("unsupported query parameter filterQuery")
            }
        }
    }

    /// One page of `items` (given in any order).
    func page<E: RegistryEntity>(of items: [E]) -> ListPage<E> {
        var candidates = items
        if let filter {
            candidates = candidates.filter { filter.matches(Self.jsonObject($0)) }
        }
        let keyed = candidates.map { (key: sortKey($0), item: $0) }.sorted { lhs, rhs in
            descending ? lhs.key > rhs.key : lhs.key < rhs.key
        }
        var remaining = keyed[...]
        if let cursor {
            let after = SortKey(value: sortValue(fromToken: cursor.value), id: cursor.id)
            remaining = remaining.drop { descending ? $0.key >= after : $0.key <= after }
        }
        let limit = pageSize > 0 ? pageSize : Int.max
        let pageItems = Array(remaining.prefix(limit))
        var token = ""
        if remaining.count > pageItems.count, let last = pageItems.last {
            token = Self.encodeToken(page: pageNumber, key: last.key)
        }
        return ListPage(items: pageItems.map(\.item), nextPageToken: token, pageSize: pageSize, size: pageItems.count)
    }

    /// One page of `table`, only the entities `including` accepts. In id order without
    /// `filterQuery` (every full read) it starts at the cursor by binary search and reads just
    /// the page (plus the entities `including` skips); other orders filter and sort the table.
    func page<E: RegistryEntity>(of table: FakeRegistryTable<E>, including: (E) -> Bool = { _ in true }) -> ListPage<E>
    {
        guard orderBy == .id, filter == nil else {
            return page(of: table.ordered.filter(including))
        }
        // With `orderBy=ID` an entity's sort key is (id, id), so the id order is the key order.
        let ids = table.ids
        var index: Int
        let step: Int
        if descending {
            step = -1
            index = ids.count - 1
            if let cursor {
                let after = SortKey(value: sortValue(fromToken: cursor.value), id: cursor.id)
                index = ids.partitioningIndex { Self.idKey($0) >= after } - 1
            }
        } else {
            step = 1
            index = 0
            if let cursor {
                let after = SortKey(value: sortValue(fromToken: cursor.value), id: cursor.id)
                index = ids.partitioningIndex { Self.idKey($0) > after }
            }
        }
        let limit = pageSize > 0 ? pageSize : Int.max
        var items: [E] = []
        var more = false
        while ids.indices.contains(index) {
            if let entity = table.entity(at: index), including(entity) {
                guard items.count < limit else {
                    more = true
                    break
                }
                items.append(entity)
            }
            index += step
        }
        var token = ""
        if more, let last = items.last {
            token = Self.encodeToken(page: pageNumber, key: sortKey(last))
        }
        return ListPage(items: items, nextPageToken: token, pageSize: pageSize, size: items.count)
    }

    private static func idKey(_ id: Int64) -> SortKey {
        SortKey(value: .number(id), id: id)
    }

    // MARK: Sorting

    enum SortValue: Comparable, Sendable {
        case number(Int64)
        case text(String)

        var tokenText: String {
            switch self {
            case .number(let number): return String(number)
            case .text(let text): return text
            }
        }
    }

    struct SortKey: Comparable, Sendable {
        var value: SortValue
        var id: Int64

        static func < (lhs: SortKey, rhs: SortKey) -> Bool {
            lhs.value != rhs.value ? lhs.value < rhs.value : lhs.id < rhs.id
        }
    }

    private func sortKey<E: RegistryEntity>(_ entity: E) -> SortKey {
        let id = entity.id.flatMap { Int64($0) } ?? 0
        switch orderBy {
        case .id: return SortKey(value: .number(id), id: id)
        case .createTime: return SortKey(value: .number(entity.createMillis ?? 0), id: id)
        case .lastUpdateTime: return SortKey(value: .number(entity.lastUpdateMillis ?? 0), id: id)
        case .name: return SortKey(value: .text(entity.name ?? ""), id: id)
        }
    }

    private func sortValue(fromToken text: String) -> SortValue {
        orderBy == .name ? .text(text) : .number(Int64(text) ?? 0)
    }

    // MARK: Tokens

    private static func encodeToken(page: Int, key: SortKey) -> String {
        Data("\(page):\(key.id):\(key.value.tokenText)".utf8).base64EncodedString()
    }

    /// An undecodable token is ignored (the first page comes back), as on embedmd.
    private static func decodeToken(_ token: String) -> Cursor? {
        guard let data = Data(base64Encoded: token), let text = String(data: data, encoding: .utf8) else { return nil }
        let parts = text.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, let page = Int(parts[0]), let id = Int64(parts[1]) else { return nil }
        return Cursor(page: page, id: id, value: String(parts[2]))
    }

    static func jsonObject<E: Encodable>(_ entity: E) -> [String: Any] {
        guard let data = try? JSONEncoder().encode(entity),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { return [:] }
        return object
    }
}
