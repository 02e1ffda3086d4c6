/// The six top-level views, in tab order.
public enum ViewKind: String, Hashable, Sendable, CaseIterable {
    case models
    case endpoints
    case techDocs = "docs"
    case cache
    case backstage
    case events

    /// The tab title.
    public var title: String {
        switch self {
        case .models: "Models"
        case .endpoints: "Endpoints"
        case .techDocs: "TechDocs"
        case .cache: "Cache"
        case .backstage: "Backstage"
        case .events: "Events"
        }
    }

    /// The table that is the root of this view.
    public var rootTable: TableID {
        switch self {
        case .models: .models
        case .endpoints: .endpoints
        case .techDocs: .techDocs
        case .cache: .cacheShards
        case .backstage: .backstage
        case .events: .events
        }
    }
}

/// A table the console can show. Cache keys are scoped to one shard.
public enum TableID: Hashable, Sendable {
    case models
    case endpoints
    case techDocs
    case cacheShards
    case cacheEntries(shard: String)
    case backstage
    case events

    /// The top-level view the table belongs to.
    public var view: ViewKind {
        switch self {
        case .models: .models
        case .endpoints: .endpoints
        case .techDocs: .techDocs
        case .cacheShards, .cacheEntries: .cache
        case .backstage: .backstage
        case .events: .events
        }
    }

    /// The breadcrumb of the table.
    public var crumb: String {
        switch self {
        case .cacheEntries(let shard): shard
        default: view.rawValue
        }
    }
}

/// One level of the navigation stack; the breadcrumbs show the stack.
public struct Route: Hashable, Sendable {
    /// What a level shows.
    public enum Page: Hashable, Sendable {
        /// A table.
        case table(TableID)
        /// The table with a detail pane for one row.
        case detail(TableID, row: String)
        /// The description of one row, full screen.
        case describe(TableID, row: String)
        /// The raw document or object of one row, full screen.
        case raw(TableID, row: String)
    }

    public var page: Page
    /// First visible line of a text page.
    public var scroll: Int = 0
    /// Whether a text page wraps long lines.
    public var wrap: Bool = false
    /// The format of a raw page.
    public var format: RawFormat = .yaml

    /// Creates a level.
    public init(_ page: Page) {
        self.page = page
    }

    /// The table this level shows or belongs to.
    public var table: TableID {
        switch page {
        case .table(let table), .detail(let table, _), .describe(let table, _), .raw(let table, _): table
        }
    }

    /// The row a detail, describe or raw level is about.
    public var row: String? {
        switch page {
        case .table: nil
        case .detail(_, let row), .describe(_, let row), .raw(_, let row): row
        }
    }

    /// True for describe and raw pages.
    public var isText: Bool {
        switch page {
        case .describe, .raw: true
        case .table, .detail: false
        }
    }
}

/// How raw documents are shown.
public enum RawFormat: String, Hashable, Sendable {
    case json
    case yaml
}

extension TableID {
    /// True for the keys of one cache shard.
    var isCacheEntries: Bool {
        if case .cacheEntries = self { return true }
        return false
    }
}
