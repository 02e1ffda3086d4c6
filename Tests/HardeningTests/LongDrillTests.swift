import AsyncHTTPClient
import CatalogModel
import Foundation
import ModelbridgeTesting
import RegistryAPI
import Synchronization
import Testing

/// Drills 5 and 6, against the real `modelbridge` binary as three processes. Too long for CI:
/// they run only with `MODELBRIDGE_LONG_DRILLS=1` (`scripts/drills/crash-drill`, `scripts/drills/soak`).
@Suite(.serialized) struct LongDrillTests {
    static func setting(_ name: String, default value: Int) -> Int {
        ProcessInfo.processInfo.environment[name].flatMap(Int.init) ?? value
    }

    /// Watches `/list` every 50 ms: once a model is served it must stay served while it is live.
    final class ListWatcher: Sendable {
        private struct State {
            var seen: Set<String> = []
            var polls = 0
            var answered = 0
            var violations: [String] = []
        }

        private let state = Mutex(State())
        let live: Mutex<Set<String>>

        init(live: Set<String>) { self.live = Mutex(live) }

        func observe(_ uris: [String]?) {
            let expected = live.withLock { $0 }
            state.withLock { state in
                state.polls += 1
                guard let uris else { return }
                state.answered += 1
                let names = Set(uris.map(LongDrillPlatform.modelName(ofURI:)))
                let missing = state.seen.intersection(expected).subtracting(names)
                if !missing.isEmpty {
                    state.violations.append(
                        "poll \(state.polls): \(missing.count) live models disappeared, e.g. \(missing.sorted().prefix(3))"
                    )
                }
                state.seen.formUnion(names)
            }
        }

        var report: (polls: Int, answered: Int, violations: [String]) {
            state.withLock { ($0.polls, $0.answered, $0.violations) }
        }
    }

    @Test(.enabled(if: longDrillsEnabled, "set MODELBRIDGE_LONG_DRILLS=1 (scripts/drills/crash-drill)"))
    func killingAnyRoleAtSeededInstantsDuringAThousandModelResyncLosesNothing() async throws {
        let seed = UInt64(Self.setting("MODELBRIDGE_DRILL_SEED", default: 2026))
        let rounds = Self.setting("MODELBRIDGE_CRASH_ROUNDS", default: 12)
        let modelCount = Self.setting("MODELBRIDGE_CRASH_MODELS", default: 1000)
        var random = SeededGenerator(seed: seed)
        let platform = try await LongDrillPlatform()
        var versions: [String: String] = [:]
        for index in 0..<modelCount {
            let name = String(format: "crash-%04d", index)
            _ = try platform.register(name)
            versions[name] = platform.registry.store.modelVersions().last!.id!
        }
        let names = Set(versions.keys)
        let watcher = ListWatcher(live: names)
        try platform.start(.storage)
        try platform.start(.location)
        try platform.start(.normalizer)
        let polling = Task {
            while !Task.isCancelled {
                watcher.observe(await platform.listedURIs())
                try? await Task.sleep(for: .milliseconds(50))
            }
        }
        print("crash drill: seed \(seed), \(rounds) rounds, \(modelCount) models, logs in \(platform.directory.path)")
        var failures: [String] = []
        for round in 0..<rounds {
            let wave = "wave-\(round)"
            if round > 0 {
                // A full re-upsert wave: every document changes, then a resync is asked for.
                for (_, versionID) in versions {
                    _ = try platform.registry.store.updateModelVersion(
                        id: versionID, RegistryAPI.ModelVersion(customProperties: ["Usage": .string(wave)]))
                }
                _ = await platform.post(platform.adminURL + "/resync")
            }
            let role = random.pick(LongDrillPlatform.Role.allCases)
            let instant = Int.random(in: 0..<2500, using: &random)
            try await Task.sleep(for: .milliseconds(instant))  // the seeded kill instant, not a synchronisation
            let servedAtKill = await platform.listedURIs()?.count ?? -1
            platform.kill(role)
            try platform.start(role)
            let clock = ContinuousClock()
            let started = clock.now
            let sample = Array(names.sorted().shuffled(using: &random).prefix(5))
            do {
                try await poll(
                    until: "location serves exactly the \(modelCount) models of \(wave)", timeout: .seconds(240)
                ) {
                    guard let uris = await platform.listedURIs() else { return false }
                    let served = Set(uris.map(LongDrillPlatform.modelName(ofURI:)))
                    guard uris.count == modelCount, served == names else { return false }
                    guard round > 0 else { return true }
                    for name in sample {
                        guard let uri = uris.first(where: { LongDrillPlatform.modelName(ofURI: $0) == name }),
                            let body = await platform.getBody(uri), body.contains(wave)
                        else { return false }
                    }
                    return true
                }
                print(
                    "round \(round): killed \(role.rawValue) \(instant) ms into \(round == 0 ? "the initial load" : wave) "
                        + "with \(servedAtKill) served; exact set + fresh content after "
                        + "\((clock.now - started).formatted(.units(allowed: [.seconds], fractionalPart: .show(length: 1))))"
                )
            } catch {
                failures.append("round \(round) (\(role.rawValue)): \(error)")
                print("round \(round): FAILED \(error)")
                print(await Self.difference(platform, expected: names, wave: round > 0 ? wave : nil))
            }
        }
        polling.cancel()
        _ = await polling.value
        let report = watcher.report
        print(
            "crash drill: \(report.polls) polls (\(report.answered) answered), \(report.violations.count) disappearances"
        )
        for violation in report.violations.prefix(10) { print("  \(violation)") }
        for (role, ending) in await platform.shutdown() {
            #expect(ending == "exit 0", "\(role.rawValue) did not shut down cleanly on SIGTERM: \(ending)")
        }
        #expect(failures.isEmpty, "\(failures)")
        #expect(report.violations.isEmpty, "\(report.violations.prefix(5))")
    }

    /// What location serves that differs from what it should: missing and extra models, and
    /// every document that does not carry `wave` yet.
    static func difference(_ platform: LongDrillPlatform, expected: Set<String>, wave: String?) async -> String {
        guard let uris = await platform.listedURIs() else { return "  location does not answer /list" }
        let served = Set(uris.map(LongDrillPlatform.modelName(ofURI:)))
        var lines = [
            "  location lists \(uris.count) URIs; missing \(expected.subtracting(served).sorted().prefix(10)); "
                + "extra \(served.subtracting(expected).sorted().prefix(10))"
        ]
        if let wave {
            var stale: [String] = []
            for uri in uris where !((await platform.getBody(uri))?.contains(wave) ?? false) { stale.append(uri) }
            lines.append("  \(stale.count) documents without \(wave): \(stale.sorted().prefix(10))")
        }
        return lines.joined(separator: "\n")
    }

    @Test(.enabled(if: longDrillsEnabled, "set MODELBRIDGE_LONG_DRILLS=1 (scripts/drills/soak)"))
    func backstagePollingWithChurnKeepsMemoryFlatAndEveryAnswerClean() async throws {
        let seconds = Self.setting("MODELBRIDGE_SOAK_SECONDS", default: 600)
        let rate = Self.setting("MODELBRIDGE_SOAK_RATE", default: 50)
        let population = Self.setting("MODELBRIDGE_SOAK_MODELS", default: 200)
        var random = SeededGenerator(seed: UInt64(Self.setting("MODELBRIDGE_DRILL_SEED", default: 2026)))
        let platform = try await LongDrillPlatform()
        var live: [(name: String, id: String)] = []
        for index in 0..<population {
            let name = "soak-\(index)"
            live.append((name, try platform.register(name)))
        }
        let archived = SharedBox<Set<String>>([])
        try platform.start(.storage)
        try platform.start(.location)
        try platform.start(.normalizer)
        try await poll(until: "location serves the \(population) models", timeout: .seconds(120)) {
            await platform.listedURIs()?.count == population
        }
        let clock = ContinuousClock()
        let started = clock.now
        let end = started + .seconds(seconds)
        let warmUp = started + .seconds(max(30, seconds / 10))
        // Several pollers, each paced at its share of the rate, so one slow answer does not
        // lower the rate (a single sequential poller reached only ~27/s on a debug build).
        let pollers = Self.setting("MODELBRIDGE_SOAK_POLLERS", default: 8)
        let traffic = SharedBox<(requests: Int, statuses: [String: Int], errors: [String])>((0, [:], []))
        let load = Task {
            await withTaskGroup(of: Void.self) { group in
                for _ in 0..<pollers {
                    group.addTask {
                        let interval = Duration.seconds(1) * pollers / rate
                        var queue: [String] = []
                        var next = clock.now
                        while clock.now < end && !Task.isCancelled {
                            let path = queue.isEmpty ? "/list" : queue.removeFirst()
                            var status: String
                            var error: String?
                            if path == "/list" {
                                if let uris = await platform.listedURIs() {
                                    status = "200"
                                    queue = uris
                                } else {
                                    status = "error"
                                    error = "GET /list failed"
                                }
                            } else {
                                let code = await platform.get(path)
                                status = code.map(String.init) ?? "no answer"
                                let model = LongDrillPlatform.modelName(ofURI: path)
                                let expectedGone = code == 404 && archived.withLock { $0.contains(model) }
                                if code != 200 && !expectedGone { error = "GET \(path) → \(status)" }
                            }
                            traffic.withLock { traffic in
                                traffic.requests += 1
                                traffic.statuses[status, default: 0] += 1
                                if let error { traffic.errors.append(error) }
                            }
                            // Late answers are made up for by sending the next ones at once, so the
                            // rate holds on average; debt older than a second is dropped, not burst.
                            next += interval
                            let now = clock.now
                            if next > now {
                                try? await Task.sleep(until: next, clock: clock)
                            } else if now - next > .seconds(1) {
                                next = now - .seconds(1)
                            }
                        }
                    }
                }
            }
        }
        var baseline: [LongDrillPlatform.Role: Int] = [:]
        var samples: [String] = []
        var nextSample = started
        var churned = population
        while clock.now < end {
            if clock.now >= nextSample {
                let rss = LongDrillPlatform.Role.allCases.map { ($0, platform.residentKiB($0) ?? 0) }
                if baseline.isEmpty && clock.now >= warmUp {
                    for (role, kib) in rss { baseline[role] = kib }
                }
                let elapsed = Int((clock.now - started).components.seconds)
                samples.append("t=\(elapsed)s " + rss.map { "\($0.0.rawValue)=\($0.1) KiB" }.joined(separator: " "))
                nextSample = clock.now + .seconds(30)
            }
            // Churn at constant population: two models archived, two registered, five changed.
            for _ in 0..<2 {
                let gone = live.removeFirst()
                archived.withLock { _ = $0.insert(gone.name) }
                _ = try platform.registry.store.updateRegisteredModel(
                    id: gone.id, RegistryAPI.RegisteredModel(state: ModelState(rawValue: "ARCHIVED")))
                let name = "soak-\(churned)"
                churned += 1
                live.append((name, try platform.register(name)))
            }
            for _ in 0..<5 {
                let changed = random.pick(live)
                let version = try platform.registry.store.modelVersions(ofModel: changed.id).first!
                _ = try platform.registry.store.updateModelVersion(
                    id: version.id!, RegistryAPI.ModelVersion(customProperties: ["Usage": .string("\(clock.now)")]))
            }
            try await Task.sleep(for: .seconds(2))  // the churn period
        }
        await load.value
        let (requests, statuses, errors) = traffic.withLock { ($0.requests, $0.statuses, $0.errors) }
        let final = LongDrillPlatform.Role.allCases.map { ($0, platform.residentKiB($0) ?? 0) }
        samples.append(
            "t=\(seconds)s " + final.map { "\($0.0.rawValue)=\($0.1) KiB" }.joined(separator: " "))
        for (role, ending) in await platform.shutdown() {
            #expect(ending == "exit 0", "\(role.rawValue) did not shut down cleanly on SIGTERM: \(ending)")
        }
        let achieved = Double(requests) / Double(seconds)
        print("soak: \(seconds) s, \(requests) requests (\(String(format: "%.1f", achieved))/s), statuses \(statuses)")
        print("soak: churn registered \(churned - population) and archived \(archived.withLock { $0.count }) models")
        for sample in samples { print("soak: " + sample) }
        for (role, kib) in final {
            let base = baseline[role] ?? kib
            let growth = base > 0 ? Double(kib - base) / Double(base) * 100 : 0
            print("soak: \(role.rawValue) VmRSS \(base) → \(kib) KiB (\(String(format: "%+.1f", growth)) %)")
            if role == .location { #expect(growth < 10, "location memory grew \(growth) %") }
        }
        #expect(errors.isEmpty, "\(errors.count) errors, first: \(errors.prefix(5))")
    }
}

/// A value shared between tasks behind a lock.
final class SharedBox<Value: Sendable>: Sendable {
    private let value: Mutex<Value>
    init(_ value: Value) { self.value = Mutex(value) }
    func withLock<Result: Sendable>(_ body: (inout sending Value) -> sending Result) -> Result {
        value.withLock { body(&$0) }
    }
}

extension LongDrillPlatform {
    /// The body of a document location serves, or `nil`.
    func getBody(_ path: String) async -> String? {
        do {
            let response = try await roles.http.execute(
                HTTPClientRequest(url: locationURL + path), timeout: .seconds(5))
            let body = try await response.body.collect(upTo: 16 << 20)
            return response.status.code == 200 ? String(buffer: body) : nil
        } catch {
            return nil
        }
    }
}
