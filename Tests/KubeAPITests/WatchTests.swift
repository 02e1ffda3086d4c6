import Foundation
import KubeAPI
import ModelbridgeTesting
import Sandbox
import Testing

@Suite struct WatchTests {
    /// Reads events until `count` have arrived (bookmarks skipped unless wanted).
    func collect(
        _ watch: KubeWatch<ConfigMap>, count: Int, includeBookmarks: Bool = false
    ) async throws -> [WatchEvent<ConfigMap>] {
        var events: [WatchEvent<ConfigMap>] = []
        for try await event in watch {
            if case .bookmark = event, !includeBookmarks { continue }
            events.append(event)
            if events.count == count { break }
        }
        return events
    }

    func describe(_ event: WatchEvent<ConfigMap>) -> String {
        switch event {
        case .added(let map): return "ADDED \(map.metadata.name)"
        case .modified(let map): return "MODIFIED \(map.metadata.name)"
        case .deleted(let map): return "DELETED \(map.metadata.name)"
        case .bookmark: return "BOOKMARK"
        }
    }

    @Test func aWatchDeliversAddedModifiedAndDeletedFromTheListVersion() async throws {
        try await withFakeKube { _, client in
            _ = try await client.create(configMap("before"))
            let list = try await client.list(ConfigMap.self, namespace: "default")
            let watch = try await client.watch(
                ConfigMap.self, namespace: "default",
                options: WatchOptions(resourceVersion: list.metadata.resourceVersion, timeoutSeconds: 30))
            async let events = collect(watch, count: 3)
            _ = try await client.create(configMap("w"))
            _ = try await client.mergePatch(ConfigMap.self, name: "w", patch: ["data": ["k": "v"]])
            try await client.delete(ConfigMap.self, name: "w")
            #expect(try await events.map(describe) == ["ADDED w", "MODIFIED w", "DELETED w"])
        }
    }

    @Test func aWatchWithoutVersionStartsWithTheCurrentObjectsAndBookmarksArrive() async throws {
        try await withFakeKube(FakeKubeServerConfiguration(bookmarkInterval: .milliseconds(50))) { _, client in
            _ = try await client.create(configMap("existing"))
            let watch = try await client.watch(
                ConfigMap.self, namespace: "default", options: WatchOptions(timeoutSeconds: 30))
            var sawAdded = false
            var bookmark: String?
            for try await event in watch {
                if case .added(let map) = event, map.metadata.name == "existing" { sawAdded = true }
                if case .bookmark(let version) = event {
                    bookmark = version
                    break
                }
            }
            #expect(sawAdded)
            #expect(bookmark != nil)
        }
    }

    @Test func timeoutSecondsEndsTheStreamCleanly() async throws {
        try await withFakeKube { server, client in
            let watch = try await client.watch(
                ConfigMap.self, namespace: "default",
                options: WatchOptions(
                    resourceVersion: String(server.store.currentResourceVersion), allowWatchBookmarks: false,
                    timeoutSeconds: 1))
            var count = 0
            for try await _ in watch { count += 1 }
            #expect(count == 0)
        }
    }

    @Test func aWatchFromACompactedVersionEndsWithTheExpiredErrorEvent() async throws {
        try await withFakeKube { server, client in
            let old = String(server.store.currentResourceVersion)
            _ = try await client.create(configMap("after"))
            server.store.compact()
            let watch = try await client.watch(ConfigMap.self, options: WatchOptions(resourceVersion: old))
            await #expect {
                for try await _ in watch {}
            } throws: { ($0 as? KubeAPIError)?.isExpired == true }
        }
    }

    @Test func aPlainHTTP410OnWatchIsAlsoTheExpiredError() async throws {
        try await withFakeKube { server, client in
            let old = String(server.store.currentResourceVersion)
            _ = try await client.create(configMap("after"))
            server.store.compact()
            server.setExpiredWatchAsHTTPStatus(true)
            await #expect {
                _ = try await client.watch(ConfigMap.self, options: WatchOptions(resourceVersion: old))
            } throws: { ($0 as? KubeAPIError)?.isExpired == true }
        }
    }

    @Test func watchLinesSplitAcrossNetworkChunksDecodeEndToEnd() async throws {
        try await withFakeKube { server, client in
            server.setSplitWatchEvents(true)
            for index in 0..<3 {
                _ = try await client.create(
                    configMap("split-\(index)", data: ["payload": String(repeating: "x", count: 300)]))
            }
            let watch = try await client.watch(
                ConfigMap.self, namespace: "default", options: WatchOptions(timeoutSeconds: 30))
            let events = try await collect(watch, count: 3)
            #expect(events.map(describe) == ["ADDED split-0", "ADDED split-1", "ADDED split-2"])
        }
    }

    @Test func aLabelSelectedWatchSeesObjectsEnterAndLeave() async throws {
        try await withFakeKube { server, client in
            let watch = try await client.watch(
                ConfigMap.self, namespace: "default",
                options: WatchOptions(
                    labelSelector: "team=a", resourceVersion: String(server.store.currentResourceVersion),
                    timeoutSeconds: 30))
            async let events = collect(watch, count: 2)
            _ = try await client.create(configMap("mover"))
            _ = try await client.mergePatch(
                ConfigMap.self, name: "mover", patch: ["metadata": ["labels": ["team": "a"]]])
            _ = try await client.mergePatch(
                ConfigMap.self, name: "mover", patch: ["metadata": ["labels": ["team": "b"]]])
            #expect(try await events.map(describe) == ["ADDED mover", "DELETED mover"])
        }
    }
}

@Suite struct InformerTests {
    func fastOptions(namespace: String? = "default") -> InformerOptions {
        InformerOptions(
            namespace: namespace, pageSize: 2, watchTimeoutSeconds: 30...30,
            backoff: WatchBackoff(initial: .milliseconds(10), maximum: .milliseconds(50)),
            shortWatch: .zero)
    }

    @Test func anInformerListsInPagesThenFollowsChanges() async throws {
        try await withFakeKube { server, client in
            for index in 0..<5 { _ = try await client.create(configMap("i-\(index)")) }
            let informer = Informer<ConfigMap>(client: client, options: fastOptions(), logger: quietLogger())
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await informer.run() }
                _ = try await awaitEvent(from: informer.events, "first sync") {
                    if case .synced = $0 { return true } else { return false }
                }
                #expect(informer.hasSynced)
                #expect(informer.objects().map(\.metadata.name) == (0..<5).map { "i-\($0)" })
                #expect(server.recordedRequests.filter { $0.query["limit"] == "2" }.count == 3)

                try await client.delete(ConfigMap.self, name: "i-0")
                let deleted = try await awaitEvent(from: informer.events, "delete of i-0") {
                    if case .deleted(let map, false) = $0 { return map.metadata.name == "i-0" } else { return false }
                }
                _ = deleted
                _ = try await client.mergePatch(ConfigMap.self, name: "i-1", patch: ["data": ["v": "2"]])
                _ = try await awaitEvent(from: informer.events, "update of i-1") {
                    if case .updated(let old, let new) = $0 { return old.data?["v"] == nil && new.data?["v"] == "2" }
                    return false
                }
                #expect(informer.object(forKey: "default/i-1")?.data?["v"] == "2")
                group.cancelAll()
            }
        }
    }

    @Test func anExpiredWatchMakesTheInformerRelistAndReportTheMissedDelete() async throws {
        try await withFakeKube { server, client in
            _ = try await client.create(configMap("keep"))
            _ = try await client.create(configMap("vanish"))
            let informer = Informer<ConfigMap>(client: client, options: fastOptions(), logger: quietLogger())
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await informer.run() }
                _ = try await awaitEvent(from: informer.events, "first sync") {
                    if case .synced = $0 { return true } else { return false }
                }
                try await eventually("the informer's watch is open") { server.store.openWatchCount == 1 }
                // Cut the informer off, change things behind its back, and forget the history.
                server.injectFault(
                    .status(code: 503, reason: "ServiceUnavailable", message: "down"), times: 1000,
                    pathContains: "/configmaps")
                server.store.dropAllWatches()
                try await eventually("the informer is backing off") { informer.statistics.failures >= 1 }
                server.store.removeSilently(kind: ConfigMap.resource.fakeKindID, namespace: "default", name: "vanish")
                server.store.compact()
                server.clearFaults()

                let missed = try await awaitEvent(from: informer.events, "the missed delete") {
                    if case .deleted(let map, true) = $0 { return map.metadata.name == "vanish" } else { return false }
                }
                _ = missed
                #expect(informer.statistics.expired >= 1)
                #expect(informer.objects().map(\.metadata.name) == ["keep"])
                group.cancelAll()
            }
        }
    }

    @Test func periodicResyncRedeliversCachedObjects() async throws {
        try await withFakeKube { _, client in
            _ = try await client.create(configMap("steady"))
            var options = fastOptions()
            options.resyncPeriod = .milliseconds(50)
            let informer = Informer<ConfigMap>(client: client, options: options, logger: quietLogger())
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await informer.run() }
                let event = try await awaitEvent(from: informer.events, "a resync") {
                    if case .resynced = $0 { return true } else { return false }
                }
                guard case .resynced(let map) = event else { return }
                #expect(map.metadata.name == "steady")
                group.cancelAll()
            }
        }
    }

    @Test func cancellingRunEndsTheEventStream() async throws {
        try await withFakeKube { _, client in
            let informer = Informer<ConfigMap>(client: client, options: fastOptions(), logger: quietLogger())
            let run = Task { try await informer.run() }
            _ = try await awaitEvent(from: informer.events, "first sync") {
                if case .synced = $0 { return true } else { return false }
            }
            run.cancel()
            try await run.value
            let events = informer.events
            let finished = try await withThrowingTaskGroup(of: Bool.self) { group in
                group.addTask {
                    for await _ in events {}
                    return true
                }
                group.addTask {
                    try await Task.sleep(for: .seconds(10))
                    return false
                }
                let first = try await group.next() ?? false
                group.cancelAll()
                return first
            }
            #expect(finished, "the event stream must end when run() is cancelled")
        }
    }
}
