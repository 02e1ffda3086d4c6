/// Options of a list request. Selectors are plain selector strings; they are percent-encoded on the wire.
///
/// ```swift
/// let options = ListOptions(labelSelector: LabelSelector().equals("app.kubernetes.io/managed-by", "x").rendered,
///                           limit: 500)
/// ```
public struct ListOptions: Sendable, Hashable {
    public var labelSelector: String?
    public var fieldSelector: String?
    /// Page size; nil asks for everything at once.
    public var limit: Int?
    /// The `continue` token from the previous page.
    public var continueToken: String?
    /// `""` (nil) for a consistent read, `"0"` for "any" (the watch cache), or a version to be at least as new as.
    public var resourceVersion: String?

    public init(
        labelSelector: String? = nil, fieldSelector: String? = nil, limit: Int? = nil, continueToken: String? = nil,
        resourceVersion: String? = nil
    ) {
        self.labelSelector = labelSelector
        self.fieldSelector = fieldSelector
        self.limit = limit
        self.continueToken = continueToken
        self.resourceVersion = resourceVersion
    }

    var queryItems: [(String, String)] {
        var items: [(String, String)] = []
        if let labelSelector, !labelSelector.isEmpty { items.append(("labelSelector", labelSelector)) }
        if let fieldSelector, !fieldSelector.isEmpty { items.append(("fieldSelector", fieldSelector)) }
        if let limit { items.append(("limit", String(limit))) }
        if let continueToken, !continueToken.isEmpty { items.append(("continue", continueToken)) }
        if let resourceVersion { items.append(("resourceVersion", resourceVersion)) }
        return items
    }
}

/// Options of a watch request.
public struct WatchOptions: Sendable, Hashable {
    public var labelSelector: String?
    public var fieldSelector: String?
    /// Where to start: the list's resourceVersion or the last event's. Nil or `"0"` replays current objects.
    public var resourceVersion: String?
    public var allowWatchBookmarks: Bool
    /// The server ends the stream cleanly after this many seconds.
    public var timeoutSeconds: Int?

    public init(
        labelSelector: String? = nil, fieldSelector: String? = nil, resourceVersion: String? = nil,
        allowWatchBookmarks: Bool = true, timeoutSeconds: Int? = nil
    ) {
        self.labelSelector = labelSelector
        self.fieldSelector = fieldSelector
        self.resourceVersion = resourceVersion
        self.allowWatchBookmarks = allowWatchBookmarks
        self.timeoutSeconds = timeoutSeconds
    }

    var queryItems: [(String, String)] {
        var items: [(String, String)] = [("watch", "true")]
        if let labelSelector, !labelSelector.isEmpty { items.append(("labelSelector", labelSelector)) }
        if let fieldSelector, !fieldSelector.isEmpty { items.append(("fieldSelector", fieldSelector)) }
        if let resourceVersion { items.append(("resourceVersion", resourceVersion)) }
        if allowWatchBookmarks { items.append(("allowWatchBookmarks", "true")) }
        if let timeoutSeconds { items.append(("timeoutSeconds", String(timeoutSeconds))) }
        return items
    }
}

/// A label selector built from requirements (ANDed), rendered in the API's grammar.
///
/// ```swift
/// LabelSelector().equals("modelregistry.opendatahub.io/registered-model-id", "1").exists("team").rendered
/// // "modelregistry.opendatahub.io/registered-model-id=1,team"
/// ```
public struct LabelSelector: Sendable, Hashable {
    public private(set) var requirements: [String] = []

    public init() {}

    /// `key=value`.
    public func equals(_ key: String, _ value: String) -> LabelSelector { adding("\(key)=\(value)") }
    /// `key!=value`.
    public func notEquals(_ key: String, _ value: String) -> LabelSelector { adding("\(key)!=\(value)") }
    /// `key in (a,b)`.
    public func isIn(_ key: String, _ values: [String]) -> LabelSelector {
        adding("\(key) in (\(values.joined(separator: ",")))")
    }
    /// `key notin (a,b)`.
    public func notIn(_ key: String, _ values: [String]) -> LabelSelector {
        adding("\(key) notin (\(values.joined(separator: ",")))")
    }
    /// `key` (the label exists).
    public func exists(_ key: String) -> LabelSelector { adding(key) }
    /// `!key` (the label is absent).
    public func doesNotExist(_ key: String) -> LabelSelector { adding("!\(key)") }

    /// The selector string, e.g. for ``ListOptions/labelSelector``.
    public var rendered: String { requirements.joined(separator: ",") }

    private func adding(_ requirement: String) -> LabelSelector {
        var copy = self
        copy.requirements.append(requirement)
        return copy
    }
}
