import AsyncHTTPClient
import Foundation
import KubeAPI
import Logging
import NIOCore

/// The emulated Developer Hub side of the bridge: the `catalog-backend-module-model-catalog`
/// entity provider (0.7–0.9.1) polling a location, plus the TechDocs reader, applying the
/// contract exactly (`spec/backstage-contract.md`):
///
/// - `GET {baseUrl}/list`; a non-2xx or non-JSON answer aborts the cycle and the catalog keeps its
///   entities (C4); `{"uris":null}` or no `uris` means no models (C2); an empty list deletes every
///   entity (C5);
/// - `GET {baseUrl}{uri}` for every URI (string concatenation, C3), all of them; any one failure
///   aborts the whole cycle (C7);
/// - every document becomes a Resource per model and a Component + API per model server
///   (``ModelCatalogEntityMapper``); the result replaces all entities (a full mutation); entities
///   Backstage's processing would refuse are kept apart in ``rejected``;
/// - after a successful cycle, each entity's TechDocs URL is read (``TechDocsReader``).
///
/// ```swift
/// let provider = ModelCatalogEntityProvider(configuration: .init(baseURL: location.url), client: client)
/// let cycle = await provider.pollNow()       // one cycle, now
/// let entities = await provider.entities
/// let next = await provider.nextCycle(after: cycle.number)   // awaits the scheduled one
/// ```
public actor ModelCatalogEntityProvider {
    /// How the provider polls.
    public struct Configuration: Sendable {
        /// `catalog.providers.modelCatalog.<id>.baseUrl`: the location, used verbatim (a trailing
        /// slash makes `//list`, as in the real plugin).
        public var baseURL: String
        /// The `<id>` of the provider config.
        public var providerID: String
        /// The schedule's frequency (30 s in the plugin).
        public var interval: Duration
        /// Per-request timeout.
        public var requestTimeout: Duration
        /// Whether to read TechDocs URLs after each successful cycle.
        public var readsTechDocs: Bool
        /// At most this many document (or TechDocs) fetches run at once.
        public var maximumConcurrentFetches: Int
        /// How many past cycles ``history`` keeps.
        public var historyLimit: Int

        public init(
            baseURL: String, providerID: String = "development", interval: Duration = .seconds(30),
            requestTimeout: Duration = .seconds(30), readsTechDocs: Bool = true, maximumConcurrentFetches: Int = 32,
            historyLimit: Int = 200
        ) {
            self.baseURL = baseURL
            self.providerID = providerID
            self.interval = interval
            self.requestTimeout = requestTimeout
            self.readsTechDocs = readsTechDocs
            self.maximumConcurrentFetches = max(1, maximumConcurrentFetches)
            self.historyLimit = max(1, historyLimit)
        }
    }

    public nonisolated let configuration: Configuration
    private let client: HTTPClient
    private let mapper: ModelCatalogEntityMapper
    private let reader: TechDocsReader
    private let logger: Logger
    private nonisolated let broadcaster = SyncCycleBroadcaster()

    /// The entities in the catalog, in document order.
    public private(set) var entities: [BackstageEntity] = []
    /// Entities of the last applied cycle that Backstage would refuse.
    public private(set) var rejected: [RejectedEntity] = []
    /// The most recent cycles, oldest first.
    public private(set) var history: [BackstageSyncCycle] = []
    /// The last TechDocs read per entity ref (`resource:default/name`).
    public private(set) var techDocs: [String: TechDocsRead] = [:]
    private var cycleCount = 0
    private var tail: Task<BackstageSyncCycle, Never>?

    public init(configuration: Configuration, client: HTTPClient, logger: Logger? = nil) {
        self.configuration = configuration
        self.client = client
        self.mapper = ModelCatalogEntityMapper(providerID: configuration.providerID)
        self.reader = TechDocsReader(
            locationURL: configuration.baseURL, client: client, timeout: configuration.requestTimeout)
        self.logger =
            logger
            ?? {
                var logger = Logger(label: "modelbridge.sandbox.backstage")
                logger.logLevel = .warning
                return logger
            }()
    }

    /// The last finished cycle.
    public var lastCycle: BackstageSyncCycle? { history.last }

    /// A stream of every cycle that finishes from now on.
    public nonisolated func cycles() -> AsyncStream<BackstageSyncCycle> { broadcaster.subscribe() }

    /// Waits for (or returns) the first cycle whose number is greater than `number`; nil if the
    /// provider is finished or the task is cancelled first.
    public func nextCycle(after number: Int) async -> BackstageSyncCycle? {
        let stream = broadcaster.subscribe()
        if let done = history.first(where: { $0.number > number }) { return done }
        for await cycle in stream where cycle.number > number { return cycle }
        return nil
    }

    /// Runs one cycle now (after any cycle in progress) and returns it.
    @discardableResult
    public func pollNow() async -> BackstageSyncCycle {
        let previous = tail
        let task = Task { [self] in
            _ = await previous?.value
            return await performCycle()
        }
        tail = task
        return await withTaskCancellationHandler {
            await task.value
        } onCancel: {
            task.cancel()
        }
    }

    /// Polls at once and then every ``Configuration/interval`` until the task is cancelled.
    public func run() async {
        while !Task.isCancelled {
            await pollNow()
            do {
                try await Task.sleep(for: configuration.interval)
            } catch {
                break
            }
        }
    }

    /// Ends every ``cycles()`` stream.
    public nonisolated func finish() { broadcaster.finish() }

    /// Forgets every entity and TechDocs read (as a fresh Backstage database would).
    public func reset() {
        entities = []
        rejected = []
        techDocs = [:]
    }

    // MARK: - One cycle

    private func performCycle() async -> BackstageSyncCycle {
        cycleCount += 1
        var cycle = BackstageSyncCycle(number: cycleCount, startedAt: Date(), finishedAt: Date(), outcome: .failed)
        do {
            let uris = try await fetchList()
            cycle.listedURIs = uris.count
            let documents = try await fetchDocuments(uris)
            cycle.fetchedDocuments = documents.count
            var candidates: [ModelCatalogEntityMapper.Candidate] = []
            for (uri, document) in documents {
                do {
                    candidates.append(contentsOf: try mapper.entities(from: document))
                } catch {
                    throw BackstageSyncError("mapping \(uri) failed: \(error)")
                }
            }
            apply(candidates)
            cycle.outcome = .applied
            cycle.entityCount = entities.count
            cycle.rejectedCount = rejected.count
            if configuration.readsTechDocs {
                let reads = await readTechDocs()
                cycle.techDocsRead = reads
                cycle.techDocsOK = techDocs.values.filter { $0.outcome == .content }.count
            }
        } catch {
            cycle.outcome = .failed
            cycle.entityCount = entities.count
            cycle.error = "\(error)"
            logger.warning(
                "Error while syncing resources from Model Catalog \(configuration.baseURL)",
                metadata: ["error": "\(error)"])
        }
        cycle.finishedAt = Date()
        history.append(cycle)
        if history.count > configuration.historyLimit {
            history.removeFirst(history.count - configuration.historyLimit)
        }
        broadcaster.publish(cycle)
        return cycle
    }

    /// The full mutation: valid entities replace the catalog; duplicates of an earlier ref and
    /// invalid entities are refused.
    private func apply(_ candidates: [ModelCatalogEntityMapper.Candidate]) {
        var accepted: [BackstageEntity] = []
        var refused: [RejectedEntity] = []
        var seen = Set<String>()
        for candidate in candidates {
            var problems = candidate.problems + BackstageEntityValidator.problems(of: candidate.entity)
            if !seen.insert(candidate.entity.ref).inserted {
                problems.append("duplicate entity ref \(candidate.entity.ref)")
            }
            if problems.isEmpty {
                accepted.append(candidate.entity)
            } else {
                refused.append(RejectedEntity(entity: candidate.entity, problems: problems))
            }
        }
        entities = accepted
        rejected = refused
        let refs = Set(accepted.map(\.ref))
        techDocs = techDocs.filter { refs.contains($0.key) }
    }

    // MARK: - HTTP

    private func fetchList() async throws -> [String] {
        let url = configuration.baseURL + "/list"
        let body = try await get(url)
        let list: JSONValue
        do {
            list = try KubeJSON.decoder.decode(JSONValue.self, from: Data(buffer: body))
        } catch {
            throw BackstageSyncError("GET \(url): the answer is not JSON")
        }
        guard case .object = list else { throw BackstageSyncError("GET \(url): the answer is not a JSON object") }
        switch list["uris"] {
        case nil, .null?: return []
        case .array(let elements)?:
            return try elements.map { element in
                guard let uri = element.stringValue else {
                    throw BackstageSyncError("GET \(url): an entry of uris is not a string")
                }
                return uri
            }
        default:
            throw BackstageSyncError("GET \(url): uris is not an array")
        }
    }

    /// Every document, in list order; the first failure cancels the rest and aborts the cycle.
    private func fetchDocuments(_ uris: [String]) async throws -> [(String, JSONValue)] {
        guard !uris.isEmpty else { return [] }
        let base = configuration.baseURL
        let limit = configuration.maximumConcurrentFetches
        return try await withThrowingTaskGroup(of: (Int, JSONValue).self) { group in
            var results = [JSONValue?](repeating: nil, count: uris.count)
            var next = 0
            func startNext() {
                let position = next
                let url = base + uris[position]
                next += 1
                group.addTask { [self] in
                    let body = try await get(url)
                    do {
                        return (position, try KubeJSON.decoder.decode(JSONValue.self, from: Data(buffer: body)))
                    } catch {
                        throw BackstageSyncError("GET \(url): the answer is not JSON")
                    }
                }
            }
            while next < min(limit, uris.count) { startNext() }
            while let (position, document) = try await group.next() {
                results[position] = document
                if next < uris.count { startNext() }
            }
            return zip(uris, results).map { ($0, $1 ?? .null) }
        }
    }

    private nonisolated func get(_ url: String) async throws -> ByteBuffer {
        let response: HTTPClientResponse
        do {
            response = try await client.execute(
                HTTPClientRequest(url: url), timeout: .nanoseconds(configuration.requestTimeout.nanoseconds))
        } catch {
            throw BackstageSyncError("GET \(url) failed: \(error)")
        }
        let body = try await response.body.collect(upTo: 64 << 20)
        guard (200..<300).contains(response.status.code) else {
            throw BackstageSyncError("GET \(url) answered \(response.status.code) \(response.status.reasonPhrase)")
        }
        return body
    }

    /// Reads the TechDocs of every entity that has a `url:` techdocs-ref; returns how many were read.
    private func readTechDocs() async -> Int {
        let targets: [(String, String)] = entities.compactMap { entity in
            guard let reference = entity.metadata.annotations["backstage.io/techdocs-ref"],
                reference.hasPrefix("url:")
            else { return nil }
            return (entity.ref, String(reference.dropFirst(4)))
        }
        guard !targets.isEmpty else { return 0 }
        let reader = self.reader
        let limit = configuration.maximumConcurrentFetches
        let reads = await withTaskGroup(of: (String, TechDocsRead).self) { group in
            var results: [String: TechDocsRead] = [:]
            var next = 0
            func startNext() {
                let (ref, url) = targets[next]
                next += 1
                group.addTask { (ref, await reader.read(url)) }
            }
            while next < min(limit, targets.count) { startNext() }
            while let (ref, read) = await group.next() {
                results[ref] = read
                if next < targets.count { startNext() }
            }
            return results
        }
        for (ref, read) in reads { techDocs[ref] = read }
        return reads.count
    }
}

/// Why a sync cycle was aborted (the plugin logs only the status text; this says more).
public struct BackstageSyncError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
