import Bridge
import CatalogModel
import ConsoleCore
import Foundation

/// The console's view of an in-process engine: it samples the engine's state once a second
/// (and right after an action), sends a snapshot when anything changed, and turns console
/// actions into engine calls.
public struct BridgeConsoleEngine: ConsoleEngine {
    public let index: LocationIndex
    public let controller: NormalizerController?
    public let store: any CatalogStore
    public let location: any LocationSink
    public let events: EventLog
    public let format: NormalizerFormat
    public let mode: ConsoleMode
    public let context: String
    public let readOnly: Bool
    public let interval: Duration

    public init(
        index: LocationIndex, controller: NormalizerController?, store: any CatalogStore, location: any LocationSink,
        events: EventLog, format: NormalizerFormat, mode: ConsoleMode, context: String, readOnly: Bool,
        interval: Duration = .seconds(1)
    ) {
        self.index = index
        self.controller = controller
        self.store = store
        self.location = location
        self.events = events
        self.format = format
        self.mode = mode
        self.context = context
        self.readOnly = readOnly
        self.interval = interval
    }

    /// The engine's state now.
    public func state() async -> EngineState {
        var contents = StoreContents(shards: [], entries: [:])
        do {
            if let sharded = store as? ConfigMapCatalogStore {
                // Bytes and budget are what the store's /metrics figures read, so the two never disagree.
                let shards = try await sharded.shards()
                let bytes = sharded.payloadBytesByConfigMap()
                let budget = await sharded.shardBudget
                contents.shards = shards.map {
                    StoreContents.Shard(
                        name: $0.name, bytes: bytes[$0.name] ?? $0.payloadBytes, budget: budget,
                        keys: $0.keys)
                }
            } else {
                let keys = try await store.keys()
                contents.shards = [StoreContents.Shard(name: "memory", bytes: 0, keys: keys)]
            }
            for key in contents.shards.flatMap(\.keys) {
                if let entry = try await store.fetch(key: key) { contents.entries[key] = entry }
            }
            if !(store is ConfigMapCatalogStore) {
                contents.shards[0].bytes = contents.entries.values.reduce(0) { $0 + $1.body.count }
            }
        } catch {
            contents.error = "\(error)"
        }
        return EngineState(
            location: index.snapshot(), normalizer: await controller?.snapshot(), store: contents,
            events: events.all(), format: format, mode: mode, context: context, readOnly: readOnly,
            kubernetesReachable: nil)
    }

    public func snapshots() -> AsyncStream<EngineSnapshot> {
        let (stream, continuation) = AsyncStream.makeStream(
            of: EngineSnapshot.self, bufferingPolicy: .bufferingNewest(1))
        let task = Task {
            var last: EngineSnapshot?
            while !Task.isCancelled {
                var snapshot = EngineSnapshotBuilder.build(await state(), now: Date())
                // Only the clock moved: do not redraw for that alone.
                let stamp = snapshot.takenAt
                if var previous = last {
                    previous.takenAt = stamp
                    if previous == snapshot {
                        try? await Task.sleep(for: interval)
                        continue
                    }
                }
                snapshot.takenAt = stamp
                last = snapshot
                continuation.yield(snapshot)
                try? await Task.sleep(for: interval)
            }
            continuation.finish()
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }

    public func resyncAll() async throws -> String {
        guard let controller else { throw ConsoleEngineError("no normalizer in this mode") }
        await controller.requestResync()
        return "full resync requested"
    }

    public func resync(key: String) async throws -> String {
        guard let controller else { throw ConsoleEngineError("no normalizer in this mode") }
        guard let typed = ImportKey(storedKey: key) else { throw ConsoleEngineError("\(LocationError.badKey(key))") }
        await controller.requestResync(key: typed)
        return "resync of \(key) requested"
    }

    public func repush(key: String) async throws -> String {
        guard let entry = try await store.fetch(key: key) else {
            throw ConsoleEngineError("\(key) is not in the cache")
        }
        // What the cache holds is read back like any input, so it is checked before location takes it.
        let upsert: CatalogUpsert
        do {
            upsert = try CatalogUpsert.checked(
                key: key, type: nil,
                body: UpsertBody(
                    body: entry.body, lastUpdateTimeSinceEpoch: entry.lastUpdateTimeSinceEpoch,
                    modelCardKey: entry.modelCardKey ?? "", modelCard: entry.modelCard ?? ""),
                format: format)
        } catch {
            throw ConsoleEngineError("\(key) cannot be re-pushed: \(error)")
        }
        try await location.upsert(upsert)
        return "re-pushed \(key) to location"
    }
}

/// A console action the engine cannot carry out.
public struct ConsoleEngineError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
