import Foundation
import KubeAPI
import Synchronization

/// The fake API server's state: every object as raw JSON (so unknown fields survive), one global
/// resourceVersion counter, a bounded history of changes for watches, and the open watches themselves.
///
/// All operations are synchronous and atomic under one lock; the HTTP layer (``FakeKubeServer``) is thin.
///
/// ```swift
/// let store = FakeKubeStore()
/// try store.seed(kind: "v1/configmaps", object: ["metadata": ["name": "x", "namespace": "default"]])
/// store.compact()   // watches from older versions now get 410
/// ```
public final class FakeKubeStore: Sendable {
    /// One item on a watch's stream.
    enum WatchItem: Sendable {
        case event(type: String, object: JSONValue)
        case bookmark(resourceVersion: Int)
        case expired(message: String)
    }

    struct Change: Sendable {
        var resourceVersion: Int
        var kindID: String
        var type: String
        var old: JSONValue?
        var new: JSONValue
    }

    struct Watcher: Sendable {
        var kind: FakeKubeResourceKind
        var namespace: String?
        var labels: FakeKubeSelector
        var fields: FakeKubeSelector
        var continuation: AsyncStream<WatchItem>.Continuation
    }

    struct Snapshot: Sendable {
        var resourceVersion: Int
        var items: [JSONValue]
    }

    struct State: Sendable {
        var objects: [String: [String: JSONValue]] = [:]
        var resourceVersion = 1000
        var history: [Change] = []
        /// Watches from versions below this are answered 410 (the history before it is gone).
        var compactedThrough = 0
        var watchers: [Int: Watcher] = [:]
        var nextWatcherID = 1
        var snapshots: [Int: Snapshot] = [:]
        var nextSnapshotID = 1
    }

    /// The kinds served, by id (`apiVersion/plural`).
    let kinds: [String: FakeKubeResourceKind]
    let historyLimit: Int
    private let state = Mutex(State())

    /// Creates a store serving `kinds`, keeping the last `historyLimit` changes for watches.
    public init(kinds: [FakeKubeResourceKind] = FakeKubeResourceKind.standardKinds, historyLimit: Int = 1000) {
        self.kinds = Dictionary(kinds.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        self.historyLimit = historyLimit
    }

    /// The current global resourceVersion.
    public var currentResourceVersion: Int { state.withLock { $0.resourceVersion } }
    /// Watches from versions below this one are answered 410 Expired.
    public var compactedResourceVersion: Int { state.withLock { $0.compactedThrough } }
    /// How many watches are open.
    public var openWatchCount: Int { state.withLock { $0.watchers.count } }

    /// Forgets all history: watches and `continue` tokens from before now get 410 Expired.
    public func compact() {
        state.withLock { state in
            state.history.removeAll()
            state.compactedThrough = state.resourceVersion
            state.snapshots.removeAll()
        }
    }

    /// Ends every open watch stream, as a dropped connection or a server restart would.
    public func dropAllWatches() {
        let continuations = state.withLock { state in
            defer { state.watchers.removeAll() }
            return state.watchers.values.map(\.continuation)
        }
        for continuation in continuations { continuation.finish() }
    }

    /// Removes an object without a watch event or history entry: a change the watches missed (combine with
    /// ``dropAllWatches()`` and ``compact()`` to make informers relist).
    public func removeSilently(kind kindID: String, namespace: String?, name: String) {
        state.withLock { state in
            guard state.objects[kindID]?.removeValue(forKey: Self.key(namespace, name)) != nil else { return }
            state.resourceVersion += 1  // the change happened; only the watches missed it
        }
    }

    // MARK: - Reads

    func kind(id: String) -> FakeKubeResourceKind? { kinds[id] }

    func get(_ kind: FakeKubeResourceKind, namespace: String?, name: String) throws(FakeKubeFailure) -> JSONValue {
        try state.withLock { state throws(FakeKubeFailure) in
            guard let object = state.objects[kind.id]?[Self.key(namespace, name)] else {
                throw .notFound(kind, name)
            }
            return object
        }
    }

    struct ListResult {
        var items: [JSONValue]
        var resourceVersion: Int
        var continueToken: String?
        var remaining: Int?
    }

    func list(
        _ kind: FakeKubeResourceKind, namespace: String?, labels: FakeKubeSelector, fields: FakeKubeSelector,
        limit: Int?, continueToken: String?
    ) throws(FakeKubeFailure) -> ListResult {
        try state.withLock { state throws(FakeKubeFailure) in
            let snapshot: Snapshot
            var offset = 0
            if let continueToken, !continueToken.isEmpty {
                guard let (id, start) = Self.parseContinue(continueToken) else {
                    throw .badRequest("invalid continue token")
                }
                guard let stored = state.snapshots[id] else {
                    throw .expired(
                        "The provided continue parameter is too old to display a consistent list result. You can "
                            + "start a new list without the continue parameter.")
                }
                snapshot = stored
                offset = start
            } else {
                let items = (state.objects[kind.id] ?? [:]).sorted { $0.key < $1.key }.map(\.value).filter {
                    Self.matches($0, namespace: namespace, labels: labels, fields: fields)
                }
                snapshot = Snapshot(resourceVersion: state.resourceVersion, items: items)
            }
            let end = limit.map { min(snapshot.items.count, offset + max(1, $0)) } ?? snapshot.items.count
            let page = Array(snapshot.items[min(offset, end)..<end])
            var result = ListResult(items: page, resourceVersion: snapshot.resourceVersion)
            if end < snapshot.items.count {
                let id: Int
                if let continueToken, let (existing, _) = Self.parseContinue(continueToken) {
                    id = existing
                } else {
                    id = state.nextSnapshotID
                    state.nextSnapshotID += 1
                    state.snapshots[id] = snapshot
                    // Keep a bounded number of paged lists alive; older tokens expire (410), as on a real server.
                    if state.snapshots.count > 64, let oldest = state.snapshots.keys.min() {
                        state.snapshots[oldest] = nil
                    }
                }
                result.continueToken = Data("\(id):\(end)".utf8).base64EncodedString()
                result.remaining = snapshot.items.count - end
            } else if let continueToken, let (id, _) = Self.parseContinue(continueToken) {
                state.snapshots[id] = nil
            }
            return result
        }
    }

    // MARK: - Writes

    /// Inserts or replaces an object as given, status included (scenario and test setup; a real client's
    /// create would drop the status). Creates the object's namespace if needed. Returns the stored object.
    /// The object must still be one the API server would store: it is decoded and validated as a create is.
    @discardableResult
    public func seed(kind kindID: String, object: JSONValue) throws -> JSONValue {
        guard let kind = kinds[kindID] else { throw FakeKubeFailure.badRequest("unknown kind \(kindID)") }
        var object = try Self.checkedTypeMeta(object, kind: kind)
        if let problem = FakeKubeDecoding.problem(object, kind: kind) {
            throw FakeKubeFailure.undecodable(kind, problem)
        }
        let namespace = kind.namespaced ? object["metadata"]?["namespace"]?.stringValue ?? "default" : nil
        let name = object["metadata"]?["name"]?.stringValue ?? ""
        object["metadata"]?["namespace"] = namespace.map { .string($0) }
        try check(object, kind: kind, name: name)
        if let namespace, let namespaceKind = kinds["v1/namespaces"],
            state.withLock({ $0.objects[namespaceKind.id]?[namespace] == nil })
        {
            try seed(kind: namespaceKind.id, object: ["metadata": ["name": .string(namespace)]])
        }
        return state.withLock { state in
            let key = Self.key(namespace, name)
            let current = state.objects[kind.id]?[key]
            var metadata = object["metadata"]?.objectValue ?? [:]
            metadata["namespace"] = namespace.map { .string($0) }
            metadata["uid"] = current?["metadata"]?["uid"] ?? .string(UUID().uuidString.lowercased())
            metadata["creationTimestamp"] =
                current?["metadata"]?["creationTimestamp"] ?? metadata["creationTimestamp"] ?? .string(Self.timestamp())
            metadata["generation"] = metadata["generation"] ?? .int(1)
            state.resourceVersion += 1
            metadata["resourceVersion"] = .string(String(state.resourceVersion))
            object["metadata"] = .object(metadata)
            state.objects[kind.id, default: [:]][key] = object
            record(&state, kind: kind, type: current == nil ? "ADDED" : "MODIFIED", old: current, new: object)
            return object
        }
    }

    /// POST, in the API server's order: decode (400), namespace (400, then 404 from admission), validation
    /// (422), a resourceVersion the client set (500), then the name (409 AlreadyExists).
    func create(_ kind: FakeKubeResourceKind, namespace: String?, object: JSONValue) throws(FakeKubeFailure)
        -> JSONValue
    {
        var object = try Self.checkedTypeMeta(object, kind: kind)
        if let problem = FakeKubeDecoding.problem(object, kind: kind) { throw .undecodable(kind, problem) }
        var metadata = object["metadata"]?.objectValue ?? [:]
        if kind.namespaced {
            guard let namespace, !namespace.isEmpty else {
                throw .badRequest("a namespace is required to create \(kind.qualifiedName)")
            }
            if let bodyNamespace = metadata["namespace"]?.stringValue, !bodyNamespace.isEmpty,
                bodyNamespace != namespace
            {
                throw .badRequest(
                    "the namespace of the provided object does not match the namespace sent on the request")
            }
            metadata["namespace"] = .string(namespace)
            if kinds["v1/namespaces"] != nil, state.withLock({ $0.objects["v1/namespaces"]?[namespace] == nil }) {
                throw .namespaceNotFound(namespace)
            }
        } else {
            metadata["namespace"] = nil
        }
        var name = metadata["name"]?.stringValue ?? ""
        if name.isEmpty, let prefix = metadata["generateName"]?.stringValue, !prefix.isEmpty {
            name = prefix + String(UUID().uuidString.lowercased().prefix(5))
            metadata["name"] = .string(name)
        }
        let sentResourceVersion = metadata["resourceVersion"]?.stringValue ?? ""
        metadata["uid"] = .string(UUID().uuidString.lowercased())
        metadata["creationTimestamp"] = .string(Self.timestamp())
        metadata["generation"] = .int(1)
        metadata["deletionTimestamp"] = nil
        object["metadata"] = .object(metadata)
        // With a status subresource, a create cannot set the status.
        if kind.hasStatusSubresource { object["status"] = nil }
        if kind.id == Pod.resource.fakeKindID { object = FakeKubePods.preparedForCreate(object) }
        try check(object, kind: kind, name: name)
        if !sentResourceVersion.isEmpty {
            // etcd's storage refuses it, and the API server passes that error on as an unclassified 500.
            throw FakeKubeFailure(
                code: 500, reason: "", message: "resourceVersion should not be set on objects to be created")
        }
        let key = Self.key(metadata["namespace"]?.stringValue, name)

        return try state.withLock { state throws(FakeKubeFailure) in
            if state.objects[kind.id]?[key] != nil { throw .alreadyExists(kind, name) }
            state.resourceVersion += 1
            object["metadata"]?["resourceVersion"] = .string(String(state.resourceVersion))
            state.objects[kind.id, default: [:]][key] = object
            record(&state, kind: kind, type: "ADDED", old: nil, new: object)
            return object
        }
    }

    /// PUT: replaces the object; a present, stale `metadata.resourceVersion` gives 409. Without one the write
    /// is unconditional, except for kinds whose strategy forbids that (custom resources and Routes: 422).
    func update(
        _ kind: FakeKubeResourceKind, namespace: String?, name: String, object: JSONValue, subresource: String? = nil
    ) throws(FakeKubeFailure) -> JSONValue {
        let object = try Self.checkedTypeMeta(object, kind: kind)
        if let problem = FakeKubeDecoding.problem(object, kind: kind) { throw .undecodable(kind, problem) }
        if let bodyName = object["metadata"]?["name"]?.stringValue, !bodyName.isEmpty, bodyName != name {
            throw .badRequest("the name of the object (\(bodyName)) does not match the name on the URL (\(name))")
        }
        if kind.namespaced, let bodyNamespace = object["metadata"]?["namespace"]?.stringValue, !bodyNamespace.isEmpty,
            bodyNamespace != namespace
        {
            throw .badRequest("the namespace of the provided object does not match the namespace sent on the request")
        }
        let sentVersion = object["metadata"]?["resourceVersion"]?.stringValue ?? ""
        return try replace(kind, namespace: namespace, name: name, subresource: subresource) {
            _ throws(FakeKubeFailure) in
            if sentVersion.isEmpty && kind.isCustomResource {
                throw .invalid(
                    kind, name,
                    [
                        FakeKubeFieldError(
                            type: .invalid, field: "metadata.resourceVersion", value: .raw("0x0"),
                            detail: "must be specified for an update")
                    ])
            }
            return object
        }
    }

    /// PATCH with a merge patch (strategic merge patches arrive here with their `$` directives removed, and
    /// `strategic` set). A `metadata.resourceVersion` in the patch is a precondition (409 when stale); a result
    /// the typed decoder refuses is a 422 on the field `patch`, as the API server reports it.
    func patch(
        _ kind: FakeKubeResourceKind, namespace: String?, name: String, patch: JSONValue, subresource: String? = nil,
        strategic: Bool = false
    ) throws(FakeKubeFailure) -> JSONValue {
        guard case .object = patch else { throw .badRequest("a merge patch must be a JSON object") }
        return try replace(kind, namespace: namespace, name: name, subresource: subresource) {
            current throws(FakeKubeFailure) in
            var merged = current.applyingMergePatch(patch)
            if let problem = FakeKubeDecoding.problem(merged, kind: kind) {
                throw .undecodablePatch(
                    rendered: strategic
                        ? FakeKubeFieldError.goQuote(Self.goMapText(patch))
                        : FakeKubeFieldError.goQuote(Self.compactJSON(merged)),
                    problem)
            }
            // A resourceVersion inside the patch is a precondition, checked against the current object.
            if patch["metadata"]?["resourceVersion"] == nil {
                merged["metadata"]?["resourceVersion"] = current["metadata"]?["resourceVersion"]
            }
            return merged
        }
    }

    /// The shared path of PUT and PATCH: precondition, status-subresource rules, validation, version bump.
    private func replace(
        _ kind: FakeKubeResourceKind, namespace: String?, name: String, subresource: String?,
        change: (JSONValue) throws(FakeKubeFailure) -> JSONValue
    ) throws(FakeKubeFailure) -> JSONValue {
        if let subresource, subresource != "status" || !kind.hasStatusSubresource {
            throw .pathNotFound("\(kind.plural)/\(subresource)")
        }
        let key = Self.key(namespace, name)
        return try state.withLock { state throws(FakeKubeFailure) in
            guard let current = state.objects[kind.id]?[key] else { throw .notFound(kind, name) }
            var proposed = try change(current)
            if let sent = proposed["metadata"]?["resourceVersion"]?.stringValue, !sent.isEmpty,
                sent != current["metadata"]?["resourceVersion"]?.stringValue
            {
                throw .conflict(kind, name)
            }
            if subresource == "status" {
                var onlyStatus = current
                onlyStatus["status"] = proposed["status"]
                proposed = onlyStatus
            } else if kind.hasStatusSubresource {
                proposed["status"] = current["status"]
            }
            // Identity fields are the server's, whatever the client sent.
            var metadata = proposed["metadata"]?.objectValue ?? [:]
            for field in ["uid", "creationTimestamp", "namespace", "name", "deletionTimestamp"] {
                metadata[field] = current["metadata"]?[field]
            }
            var generation = current["metadata"]?["generation"]?.intValue ?? 1
            if proposed["spec"] != current["spec"] { generation += 1 }
            metadata["generation"] = .int(generation)
            proposed["metadata"] = .object(metadata)
            proposed["apiVersion"] = .string(kind.apiVersion)
            proposed["kind"] = .string(kind.kind)
            try check(proposed, kind: kind, name: name)
            if proposed.settingResourceVersion(current["metadata"]?["resourceVersion"]) == current {
                return current  // no-op writes do not bump the version, as on a real server
            }
            state.resourceVersion += 1
            proposed = proposed.settingResourceVersion(.string(String(state.resourceVersion)))
            let finalizers = proposed["metadata"]?["finalizers"]?.arrayValue ?? []
            if proposed["metadata"]?["deletionTimestamp"] != nil && finalizers.isEmpty {
                state.objects[kind.id]?[key] = nil
                record(&state, kind: kind, type: "DELETED", old: current, new: proposed)
            } else {
                state.objects[kind.id]?[key] = proposed
                record(&state, kind: kind, type: "MODIFIED", old: current, new: proposed)
            }
            return proposed
        }
    }

    /// DELETE: removes the object, or marks it with `deletionTimestamp` while finalizers remain. Returns the
    /// object's last state and whether it is gone.
    func delete(_ kind: FakeKubeResourceKind, namespace: String?, name: String) throws(FakeKubeFailure)
        -> (object: JSONValue, gone: Bool)
    {
        let key = Self.key(namespace, name)
        let result = try state.withLock { state throws(FakeKubeFailure) -> (JSONValue, Bool) in
            guard let current = state.objects[kind.id]?[key] else { throw .notFound(kind, name) }
            state.resourceVersion += 1
            var final = current.settingResourceVersion(.string(String(state.resourceVersion)))
            let finalizers = current["metadata"]?["finalizers"]?.arrayValue ?? []
            if !finalizers.isEmpty {
                if current["metadata"]?["deletionTimestamp"] != nil {
                    state.resourceVersion -= 1
                    return (current, false)
                }
                final["metadata"]?["deletionTimestamp"] = .string(Self.timestamp())
                state.objects[kind.id]?[key] = final
                record(&state, kind: kind, type: "MODIFIED", old: current, new: final)
                return (final, false)
            }
            state.objects[kind.id]?[key] = nil
            record(&state, kind: kind, type: "DELETED", old: current, new: final)
            return (final, true)
        }
        // Deleting a namespace deletes what is in it.
        if kind.id == "v1/namespaces", result.1 {
            for other in kinds.values where other.namespaced {
                let names = state.withLock { state in
                    (state.objects[other.id] ?? [:]).values.filter { $0["metadata"]?["namespace"]?.stringValue == name }
                        .compactMap { $0["metadata"]?["name"]?.stringValue }
                }
                for objectName in names { _ = try? delete(other, namespace: name, name: objectName) }
            }
        }
        return result
    }

    // MARK: - Watches

    /// Opens a watch. With no version (or `"0"`) the current matching objects come first as `ADDED`; otherwise
    /// the history after that version is replayed, or an `expired` item is queued if it is gone.
    func startWatch(
        _ kind: FakeKubeResourceKind, namespace: String?, labels: FakeKubeSelector, fields: FakeKubeSelector,
        resourceVersion: String?
    ) throws(FakeKubeFailure) -> (id: Int, items: AsyncStream<WatchItem>) {
        let (stream, continuation) = AsyncStream<WatchItem>.makeStream()
        let watcher = Watcher(
            kind: kind, namespace: namespace, labels: labels, fields: fields, continuation: continuation)
        let id = try state.withLock { state throws(FakeKubeFailure) -> Int in
            let from: Int?
            if let resourceVersion, !resourceVersion.isEmpty, resourceVersion != "0" {
                guard let version = Int(resourceVersion) else {
                    throw .badRequest("invalid resourceVersion \"\(resourceVersion)\"")
                }
                if version > state.resourceVersion {
                    throw FakeKubeFailure(
                        code: 504, reason: "Timeout",
                        message: "Too large resource version: \(version), current: \(state.resourceVersion)",
                        details: .init(causes: [
                            KubeStatus.Cause(
                                reason: "ResourceVersionTooLarge", message: "Too large resource version")
                        ]))
                }
                from = version
            } else {
                from = nil
            }
            if let from {
                if from < state.compactedThrough {
                    continuation.yield(
                        .expired(message: "too old resource version: \(from) (\(state.compactedThrough + 1))"))
                } else {
                    for change in state.history where change.kindID == kind.id && change.resourceVersion > from {
                        if let event = Self.event(for: change, watcher: watcher) {
                            continuation.yield(.event(type: event.type, object: event.object))
                        }
                    }
                }
            } else {
                for (_, object) in (state.objects[kind.id] ?? [:]).sorted(by: { $0.key < $1.key })
                where Self.matches(object, namespace: namespace, labels: labels, fields: fields) {
                    continuation.yield(.event(type: "ADDED", object: object))
                }
            }
            let id = state.nextWatcherID
            state.nextWatcherID += 1
            state.watchers[id] = watcher
            return id
        }
        return (id, stream)
    }

    /// Queues a bookmark carrying the current version on one watch (after every event already queued).
    func bookmark(watcher id: Int) {
        state.withLock { state in
            _ = state.watchers[id]?.continuation.yield(.bookmark(resourceVersion: state.resourceVersion))
        }
    }

    /// Ends one watch, optionally with a last bookmark.
    func finishWatcher(_ id: Int, withBookmark: Bool) {
        let watcher = state.withLock { state in
            if withBookmark {
                state.watchers[id]?.continuation.yield(.bookmark(resourceVersion: state.resourceVersion))
            }
            return state.watchers.removeValue(forKey: id)
        }
        watcher?.continuation.finish()
    }

    // MARK: - Helpers

    private func record(_ state: inout State, kind: FakeKubeResourceKind, type: String, old: JSONValue?, new: JSONValue)
    {
        let change = Change(resourceVersion: state.resourceVersion, kindID: kind.id, type: type, old: old, new: new)
        state.history.append(change)
        if state.history.count > historyLimit {
            let dropped = state.history.removeFirst()
            state.compactedThrough = max(state.compactedThrough, dropped.resourceVersion)
        }
        for watcher in state.watchers.values where watcher.kind.id == kind.id {
            if let event = Self.event(for: change, watcher: watcher) {
                watcher.continuation.yield(.event(type: event.type, object: event.object))
            }
        }
    }

    /// What a change looks like to one watch: objects entering its selector are ADDED, leaving are DELETED.
    static func event(for change: Change, watcher: Watcher) -> (type: String, object: JSONValue)? {
        let matchesNew = matches(
            change.new, namespace: watcher.namespace, labels: watcher.labels, fields: watcher.fields)
        let matchesOld =
            change.old.map {
                matches($0, namespace: watcher.namespace, labels: watcher.labels, fields: watcher.fields)
            } ?? false
        switch change.type {
        case "ADDED": return matchesNew ? ("ADDED", change.new) : nil
        case "DELETED": return (matchesOld || matchesNew) ? ("DELETED", change.new) : nil
        default:
            switch (matchesOld, matchesNew) {
            case (true, true): return ("MODIFIED", change.new)
            case (false, true): return ("ADDED", change.new)
            case (true, false): return ("DELETED", change.new)
            case (false, false): return nil
            }
        }
    }

    static func matches(
        _ object: JSONValue, namespace: String?, labels: FakeKubeSelector, fields: FakeKubeSelector
    ) -> Bool {
        let objectNamespace = object["metadata"]?["namespace"]?.stringValue
        if let namespace, objectNamespace != namespace { return false }
        var labelMap: [String: String] = [:]
        for (key, value) in object["metadata"]?["labels"]?.objectValue ?? [:] {
            if let text = value.stringValue { labelMap[key] = text }
        }
        let fieldMap = [
            "metadata.name": object["metadata"]?["name"]?.stringValue ?? "",
            "metadata.namespace": objectNamespace ?? "",
        ]
        return labels.matches(labels: labelMap) && fields.matches(labels: fieldMap)
    }

    static func key(_ namespace: String?, _ name: String) -> String {
        if let namespace, !namespace.isEmpty { return "\(namespace)/\(name)" }
        return name
    }

    static func parseContinue(_ token: String) -> (Int, Int)? {
        guard let data = Data(base64Encoded: token) else { return nil }
        let parts = String(decoding: data, as: UTF8.self).split(separator: ":")
        guard parts.count == 2, let id = Int(parts[0]), let offset = Int(parts[1]), offset >= 0 else { return nil }
        return (id, offset)
    }

    /// Now as `metav1.Time` writes it: RFC 3339 in whole seconds.
    static func timestamp() -> String {
        KubeTime.time(Date())
    }

    /// The body must be an object; `kind` and `apiVersion`, when present, must be this kind's.
    static func checkedTypeMeta(_ object: JSONValue, kind: FakeKubeResourceKind) throws(FakeKubeFailure) -> JSONValue {
        guard case .object = object else { throw .badRequest("the request body must be a JSON object") }
        if let sentKind = object["kind"]?.stringValue, !sentKind.isEmpty, sentKind != kind.kind {
            throw .badRequest("the API version in the data (\(sentKind)) does not match the expected kind \(kind.kind)")
        }
        if let sentVersion = object["apiVersion"]?.stringValue, !sentVersion.isEmpty, sentVersion != kind.apiVersion {
            throw .badRequest(
                "the API version in the data (\(sentVersion)) does not match the expected API version "
                    + "(\(kind.apiVersion))")
        }
        if let metadata = object["metadata"], metadata != .null, metadata.objectValue == nil {
            throw .badRequest("metadata must be an object")
        }
        var copy = object
        copy["kind"] = .string(kind.kind)
        copy["apiVersion"] = .string(kind.apiVersion)
        if copy["metadata"] == nil || copy["metadata"] == .null { copy["metadata"] = .object([:]) }
        return copy
    }

    /// The API server's validation of a stored object (``FakeKubeValidation``): 422 with every error found.
    func check(_ object: JSONValue, kind: FakeKubeResourceKind, name: String) throws(FakeKubeFailure) {
        let errors = FakeKubeValidation.validate(object, kind: kind)
        if !errors.isEmpty { throw .invalid(kind, name, errors) }
    }

    /// Compact JSON with sorted keys, as the patch error quotes the patched object.
    static func compactJSON(_ value: JSONValue) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? ""
    }

    /// How Go's `%+v` prints a decoded JSON value (`map[k:v …]`, keys sorted), as the strategic-patch error
    /// quotes the patch.
    static func goMapText(_ value: JSONValue) -> String {
        switch value {
        case .null: return "<nil>"
        case .bool(let flag): return flag ? "true" : "false"
        case .int(let number): return String(number)
        case .double(let number):
            return number == number.rounded() && abs(number) < 1e21 ? String(Int64(number)) : "\(number)"
        case .string(let text): return text
        case .array(let elements): return "[" + elements.map(goMapText).joined(separator: " ") + "]"
        case .object(let members):
            return "map["
                + members.sorted { $0.key < $1.key }.map { "\($0.key):\(goMapText($0.value))" }
                .joined(separator: " ") + "]"
        }
    }
}

extension JSONValue {
    func settingResourceVersion(_ version: JSONValue?) -> JSONValue {
        var copy = self
        copy["metadata"]?["resourceVersion"] = version
        return copy
    }
}
