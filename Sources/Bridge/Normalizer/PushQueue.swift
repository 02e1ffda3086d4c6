import CatalogModel
import Foundation
import Logging

/// The only place documents leave the normalizer: upserts with per-key rate-limited retries,
/// and the key set.
///
/// It remembers the hash of what storage accepted for each key, so only documents whose bytes
/// changed are sent; a failed upsert backs off exponentially per key (500 ms doubling, up to
/// `maximumRetryDelay`); nothing else retries. Once storage accepted a key set, keys outside it
/// are forgotten.
actor PushQueue {
    let sink: any CatalogSink
    let format: NormalizerFormat
    let parallelism: Int
    let maximumRetryDelay: Duration
    let metrics: BridgeMetrics
    let events: EventLog
    let logger: Logger

    private var pushed: [ImportKey: Int] = [:]
    private var retries: [ImportKey: (attempts: Int, due: ContinuousClock.Instant, error: String)] = [:]
    private var lastKeySet: Set<ImportKey>?
    private var keySetFailed = false

    init(
        sink: any CatalogSink, format: NormalizerFormat, parallelism: Int, maximumRetryDelay: Duration,
        metrics: BridgeMetrics, events: EventLog, logger: Logger
    ) {
        self.sink = sink
        self.format = format
        self.parallelism = parallelism
        self.maximumRetryDelay = maximumRetryDelay
        self.metrics = metrics
        self.events = events
        self.logger = logger
    }

    /// What the controller schedules by.
    struct State: Sendable {
        /// When the earliest backed-off key is due, if any is.
        var nextRetry: ContinuousClock.Instant?
        /// Whether any key is backed off.
        var retrying: Bool
        /// The key set storage last accepted, or nil before the first.
        var lastKeySet: Set<ImportKey>?
        /// The last key set post failed, so the next cycle must post again.
        var keySetFailed: Bool
        /// Documents storage holds as sent.
        var published: Int
    }

    func state() -> State {
        State(
            nextRetry: retries.values.map(\.due).min(), retrying: !retries.isEmpty, lastKeySet: lastKeySet,
            keySetFailed: keySetFailed, published: pushed.count)
    }

    /// Keys whose last upsert failed, with the error.
    func failing() -> [String: String] {
        Dictionary(uniqueKeysWithValues: retries.map { ($0.key.key, $0.value.error) })
    }

    /// Upserts the documents whose bytes changed (or that a resync names), in parallel, with
    /// per-key backoff for failures.
    ///
    /// Backoff spares storage while it fails, but must not delay the recovery: with `probe`
    /// set (the cycle read the registries: every probe interval, and on a resync), when no
    /// backed-off key is due, the one due soonest is tried anyway, and as soon as any key that
    /// had failed goes through, every other backed-off key is pushed at once. So after a
    /// storage outage everything is caught up within one probe interval, whatever the backoff
    /// had grown to, and while the outage lasts the backed-off keys cost one request per probe.
    func push(_ desired: [ImportKey: NormalizedDocument], forced: Set<ImportKey>, probe: Bool = false) async {
        let now = ContinuousClock().now
        var work: [Upsert] = []
        var deferred: [Upsert] = []
        // In storage-key order, each key's string built once: `ImportKey`'s `<` builds both strings at
        // every comparison (some 44,000 strings to sort a render of 2,000 documents).
        let ordered = desired.map { (order: $0.key.key, key: $0.key, document: $0.value) }.sorted {
            $0.order < $1.order
        }
        for (_, key, document) in ordered {
            guard let body = try? UpsertBody(document, format: format) else { continue }
            var hasher = Hasher()
            hasher.combine(document.reconcilerType)
            hasher.combine(body)
            let hash = hasher.finalize()
            guard pushed[key] != hash || forced.contains(key) else { continue }
            let upsert = Upsert(key: key, type: document.reconcilerType, body: body, hash: hash)
            if let retry = retries[key], retry.due > now, !forced.contains(key) {
                deferred.append(upsert)
            } else {
                work.append(upsert)
            }
        }
        if probe, !work.contains(where: { retries[$0.key] != nil }),
            let canary = deferred.indices.min(by: { due(deferred[$0].key) < due(deferred[$1].key) })
        {
            work.append(deferred.remove(at: canary))
        }
        guard !work.isEmpty else { return }
        let failedBefore = Set(work.map(\.key).filter { retries[$0] != nil })
        let succeeded = await upsert(work)
        if !deferred.isEmpty, !failedBefore.isDisjoint(with: succeeded) {
            logger.info(
                "storage accepts upserts again; pushing the documents that were waiting to retry",
                metadata: ["documents": "\(deferred.count)"])
            _ = await upsert(deferred)
        }
    }

    /// When a backed-off key is next due (now if it is not backed off).
    func due(_ key: ImportKey) -> ContinuousClock.Instant { retries[key]?.due ?? ContinuousClock().now }

    /// One document to upsert, with the hash of what is sent.
    struct Upsert: Sendable {
        var key: ImportKey
        var type: ReconcilerType
        var body: UpsertBody
        var hash: Int
    }

    /// Upserts `work` in parallel and records each outcome; returns the keys that went through.
    ///
    /// The work counts as a queue: every upsert is added at once, and waits until one of the
    /// `parallelism` workers starts it.
    func upsert(_ work: [Upsert]) async -> Set<ImportKey> {
        let queue = metrics.queue
        let queued = work.map { upsert in (upsert, queue.add()) }
        let sink = self.sink
        let outcomes = await withTaskGroup(of: (Upsert, (any Error)?, Duration).self) { group in
            var iterator = queued.makeIterator()
            func addNext() {
                guard let (upsert, item) = iterator.next() else { return }
                group.addTask {
                    let started = ContinuousClock().now
                    queue.start(item, now: started)
                    defer { queue.finish(item) }
                    do {
                        try await sink.upsert(CatalogUpsert(key: upsert.key, type: upsert.type, body: upsert.body))
                        return (upsert, nil, ContinuousClock().now - started)
                    } catch {
                        return (upsert, error, ContinuousClock().now - started)
                    }
                }
            }
            for _ in 0..<parallelism { addNext() }
            var collected: [(Upsert, (any Error)?, Duration)] = []
            while let outcome = await group.next() {
                collected.append(outcome)
                addNext()
            }
            return collected
        }
        var succeeded: Set<ImportKey> = []
        for (upsert, error, duration) in outcomes {
            let key = upsert.key
            metrics.reconcileTime.record(duration)
            if let error {
                let attempts = (retries[key]?.attempts ?? 0) + 1
                let delay = min(.milliseconds(500) * (1 << min(attempts - 1, 20)), maximumRetryDelay)
                retries[key] = (attempts, ContinuousClock().now + delay, "\(error)")
                metrics.reconcileError.increment()
                metrics.reconcileErrors.increment()
                queue.retry()
                logger.error(
                    "upsert failed; will retry",
                    metadata: ["key": "\(key)", "retryIn": "\(delay)", "error": "\(error)"])
                events.append(
                    .error, "storage", "upsert of \(key) failed (attempt \(attempts)); retry in \(delay): \(error)")
            } else {
                pushed[key] = upsert.hash
                retries[key] = nil
                succeeded.insert(key)
                metrics.reconcileSuccess.increment()
            }
        }
        metrics.documents.set(Double(pushed.count))
        if !succeeded.isEmpty { events.append(.info, "storage", "upserted \(succeeded.count) changed documents") }
        logger.info(
            "pushed changed documents",
            metadata: ["upserted": "\(succeeded.count)", "failed": "\(outcomes.count - succeeded.count)"])
        return succeeded
    }

    /// Posts the key set when it differs from the last one storage accepted.
    func postKeySet(_ keys: Set<ImportKey>) async {
        guard keys != lastKeySet else { return }
        do {
            try await sink.postKeySet(keys)
            let removed = (lastKeySet ?? []).subtracting(keys)
            lastKeySet = keys
            keySetFailed = false
            pushed = pushed.filter { keys.contains($0.key) }
            retries = retries.filter { keys.contains($0.key) }
            metrics.keySetsPosted.increment()
            metrics.documents.set(Double(pushed.count))
            events.append(
                .info, "keyset",
                "posted \(keys.count) keys"
                    + (removed.isEmpty ? "" : "; removed \(removed.sorted().map(\.key).joined(separator: ", "))"))
        } catch {
            keySetFailed = true
            metrics.errors.increment()
            events.append(.error, "keyset", "posting the key set failed; retrying next cycle: \(error)")
            logger.error("posting the key set failed; will retry next cycle", metadata: ["error": "\(error)"])
        }
    }
}
