import Logging
import Synchronization

/// What changed in an ``Informer``'s cache.
public enum InformerEvent<Object: KubeResource>: Sendable {
    case added(Object)
    case updated(old: Object, new: Object)
    /// `finalStateUnknown` is true when the object vanished between two lists (a delete the watch missed).
    case deleted(Object, finalStateUnknown: Bool)
    /// Periodic re-delivery of a cached object, with no API call.
    case resynced(Object)
    /// A list finished and replaced the cache (the first one makes ``Informer/hasSynced`` true).
    case synced(resourceVersion: String?)
}

/// Settings of an ``Informer``; the defaults are client-go's reflector numbers.
public struct InformerOptions: Sendable {
    /// Nil watches all namespaces.
    public var namespace: String?
    public var labelSelector: String?
    public var fieldSelector: String?
    public var pageSize: Int
    /// Re-deliver every cached object this often; nil for never.
    public var resyncPeriod: Duration?
    /// Each watch asks the server to end it after a random time in this range (seconds).
    public var watchTimeoutSeconds: ClosedRange<Int>
    public var backoff: WatchBackoff
    /// A watch that ends this soon with no events counts as a failure ("very short watch").
    public var shortWatch: Duration

    public init(
        namespace: String? = nil, labelSelector: String? = nil, fieldSelector: String? = nil, pageSize: Int = 500,
        resyncPeriod: Duration? = nil, watchTimeoutSeconds: ClosedRange<Int> = 300...599,
        backoff: WatchBackoff = WatchBackoff(), shortWatch: Duration = .seconds(1)
    ) {
        self.namespace = namespace
        self.labelSelector = labelSelector
        self.fieldSelector = fieldSelector
        self.pageSize = pageSize
        self.resyncPeriod = resyncPeriod
        self.watchTimeoutSeconds = watchTimeoutSeconds
        self.backoff = backoff
        self.shortWatch = shortWatch
    }
}

/// Counters an informer keeps about itself (for logs, metrics and tests).
public struct InformerStatistics: Sendable, Hashable {
    public var lists = 0
    public var watches = 0
    public var expired = 0
    public var failures = 0
}

/// A list + watch cache of one kind of resource, with an `AsyncStream` of changes.
///
/// ``run()`` lists (page by page), replaces the cache, watches from the list's resourceVersion, re-watches when
/// the server ends the stream, relists on 410 (reporting the objects that vanished meanwhile as deletes), and
/// backs off after failures. It returns when its task is cancelled and then finishes ``events``.
///
/// ```swift
/// let informer = Informer<InferenceService>(client: client)
/// try await withThrowingTaskGroup(of: Void.self) { group in
///     group.addTask { try await informer.run() }
///     for await event in informer.events { … }
/// }
/// ```
public final class Informer<Object: KubeResource>: Sendable {
    /// The changes, in order. Ends when ``run()`` returns.
    public let events: AsyncStream<InformerEvent<Object>>
    private let continuation: AsyncStream<InformerEvent<Object>>.Continuation
    private let client: KubeClient
    private let options: InformerOptions
    private let logger: Logger
    private let state = Mutex(State())

    private struct State {
        var store: [String: Object] = [:]
        var hasSynced = false
        var statistics = InformerStatistics()
    }

    public init(client: KubeClient, options: InformerOptions = InformerOptions(), logger: Logger? = nil) {
        (events, continuation) = AsyncStream.makeStream()
        self.client = client
        self.options = options
        self.logger = logger ?? client.logger
    }

    /// True once the first list has filled the cache.
    public var hasSynced: Bool { state.withLock { $0.hasSynced } }
    /// A copy of the counters.
    public var statistics: InformerStatistics { state.withLock { $0.statistics } }
    /// The cached object with this key (`namespace/name`, or `name` when cluster-scoped).
    public func object(forKey key: String) -> Object? { state.withLock { $0.store[key] } }
    /// Every cached object, sorted by key.
    public func objects() -> [Object] {
        state.withLock { state in state.store.keys.sorted().compactMap { state.store[$0] } }
    }

    /// Runs the list/watch loop (and the resync loop) until the task is cancelled.
    public func run() async throws {
        defer { continuation.finish() }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.listAndWatch() }
            if let period = options.resyncPeriod {
                group.addTask { await self.resync(every: period) }
            }
            await group.waitForAll()
        }
    }

    private var resourceName: String {
        Object.resource.description + (options.namespace.map { " in \($0)" } ?? "")
    }

    private func listAndWatch() async {
        // client-go: the first list may come from the watch cache; later ones ask for at least the last RV.
        var listVersion: String? = "0"
        var backoff = options.backoff
        while !Task.isCancelled {
            let listed: ObjectList<Object>
            do {
                var listOptions = ListOptions(
                    labelSelector: options.labelSelector, fieldSelector: options.fieldSelector,
                    limit: options.pageSize)
                listOptions.resourceVersion = listVersion
                listed = try await client.listAllReadable(
                    Object.self, namespace: options.namespace, options: listOptions)
            } catch let error as KubeAPIError where error.isExpired {
                state.withLock { $0.statistics.expired += 1 }
                logger.info("list of \(resourceName) expired; relisting with a consistent read")
                listVersion = nil
                continue
            } catch {
                if Task.isCancelled { return }
                guard await pause(&backoff, after: error, doing: "list") else { return }
                continue
            }
            replace(
                with: listed.items, undecodable: listed.undecodable, resourceVersion: listed.metadata.resourceVersion)
            var version = listed.metadata.resourceVersion
            listVersion = version

            watching: while !Task.isCancelled {
                let started = ContinuousClock.now
                var received = 0
                do {
                    let timeout = Int.random(in: options.watchTimeoutSeconds)
                    let watchOptions = WatchOptions(
                        labelSelector: options.labelSelector, fieldSelector: options.fieldSelector,
                        resourceVersion: version, allowWatchBookmarks: true, timeoutSeconds: timeout)
                    state.withLock { $0.statistics.watches += 1 }
                    let watch = try await client.watch(
                        Object.self, namespace: options.namespace, options: watchOptions)
                    for try await event in watch {
                        received += 1
                        apply(event)
                        if let eventVersion = event.resourceVersion { version = eventVersion }
                    }
                    if Task.isCancelled { return }
                    let lasted = ContinuousClock.now - started
                    if received == 0 && lasted < options.shortWatch {
                        guard await pause(&backoff, after: nil, doing: "watch (ended at once with no events)")
                        else { return }
                    } else if lasted < .seconds(timeout) * 9 / 10 {
                        // The server ends a watch at its timeout; one that ends well before was
                        // cut (an API server restart, a proxy's idle timeout). It heals by itself.
                        logger.info(
                            "watch of \(resourceName) was closed by the server early; watching again",
                            metadata: [
                                "after": "\(lasted)",
                                "requestedSeconds": "\(timeout)", "resourceVersion": "\(version ?? "-")",
                            ])
                    }
                } catch let error as KubeAPIError where error.isExpired || Self.isVersionTooLarge(error) {
                    state.withLock { $0.statistics.expired += 1 }
                    logger.info(
                        "watch of \(resourceName) expired at resourceVersion \(version ?? "-"); relisting",
                        metadata: ["error": "\(error)"])
                    listVersion = version
                    break watching
                } catch {
                    if Task.isCancelled { return }
                    guard await pause(&backoff, after: error, doing: "watch") else { return }
                }
                listVersion = version
            }
        }
    }

    private static func isVersionTooLarge(_ error: KubeAPIError) -> Bool {
        guard case .status(let status, _, _) = error else { return false }
        return status.details?.causes?.contains { $0.reason == "ResourceVersionTooLarge" } ?? false
    }

    /// Sleeps for the next backoff delay; false when cancelled.
    private func pause(_ backoff: inout WatchBackoff, after error: (any Error)?, doing what: String) async -> Bool {
        let delay = backoff.nextDelay(now: .now)
        state.withLock { $0.statistics.failures += 1 }
        logger.warning(
            "\(what) of \(resourceName) failed; will retry in \(delay)",
            metadata: ["error": "\(error.map { "\($0)" } ?? "-")"])
        do {
            try await Task.sleep(for: delay)
            return true
        } catch {
            return false
        }
    }

    /// Replaces the cache with a list. An object the list holds but the client cannot read is
    /// skipped with a log line, as on the watch path, and its last readable copy stays cached; if
    /// its name cannot be read either, no cached object is dropped by this list (any of them may
    /// be it): the next list settles it.
    private func replace(with items: [Object], undecodable: [UndecodableObject], resourceVersion: String?) {
        for object in undecodable {
            logger.warning(
                "skipping a \(Object.self) the client cannot read; the last readable copy stays in use",
                metadata: [
                    "object": "\(object.cacheKey ?? "(no readable name)")", "listIndex": "\(object.index)",
                    "error": "\(object.reason)",
                ])
        }
        let unnamed = undecodable.contains { $0.cacheKey == nil }
        if unnamed {
            logger.warning(
                "a \(Object.self) without a readable name is in the list of \(resourceName); no cached object is dropped until a list reads cleanly"
            )
        }
        state.withLock { state in
            var fresh: [String: Object] = [:]
            for item in items { fresh[item.cacheKey] = item }
            for key in undecodable.compactMap(\.cacheKey) where fresh[key] == nil {
                if let old = state.store[key] { fresh[key] = old }
            }
            if unnamed {
                for (key, old) in state.store where fresh[key] == nil { fresh[key] = old }
            }
            for (key, object) in fresh.sorted(by: { $0.key < $1.key }) {
                if let old = state.store[key] {
                    if old.metadata.resourceVersion != object.metadata.resourceVersion {
                        continuation.yield(.updated(old: old, new: object))
                    }
                } else {
                    continuation.yield(.added(object))
                }
            }
            for (key, old) in state.store.sorted(by: { $0.key < $1.key }) where fresh[key] == nil {
                continuation.yield(.deleted(old, finalStateUnknown: true))
            }
            state.store = fresh
            state.hasSynced = true
            state.statistics.lists += 1
            continuation.yield(.synced(resourceVersion: resourceVersion))
        }
    }

    private func apply(_ event: WatchEvent<Object>) {
        state.withLock { state in
            switch event {
            case .added(let object), .modified(let object):
                let key = object.cacheKey
                if let old = state.store[key] {
                    continuation.yield(.updated(old: old, new: object))
                } else {
                    continuation.yield(.added(object))
                }
                state.store[key] = object
            case .deleted(let object):
                let key = object.cacheKey
                state.store[key] = nil
                continuation.yield(.deleted(object, finalStateUnknown: false))
            case .bookmark:
                break
            }
        }
    }

    private func resync(every period: Duration) async {
        while true {
            do {
                try await Task.sleep(for: period)
            } catch {
                return
            }
            state.withLock { state in
                guard state.hasSynced else { return }
                for key in state.store.keys.sorted() {
                    if let object = state.store[key] { continuation.yield(.resynced(object)) }
                }
            }
        }
    }
}
