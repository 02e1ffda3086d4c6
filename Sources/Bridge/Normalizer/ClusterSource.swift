import CatalogModel
import Foundation
import KubeAPI
import Logging
import Synchronization

/// The KServe side of the cluster: informers on InferenceServices and, when its CRD exists,
/// LLMInferenceServices, in all namespaces; plus the Services and ServiceAccounts of the
/// namespaces that host them (for in-cluster URLs and the auth flag), cached per namespace and
/// refreshed when something in that namespace changes.
public final class ClusterSource: Sendable {
    let client: KubeClient
    let logger: Logger
    let services: Informer<KubeAPI.InferenceService>
    let llmServices: Mutex<Informer<LLMInferenceService>?> = Mutex(nil)
    private let namespaceCache = Mutex<[String: NamespaceObjects]>([:])
    private let changeCount = Mutex(0)
    /// `namespace/name` of every object that changed, for the controller to wake up on.
    public let changes: AsyncStream<String>
    private let changesContinuation: AsyncStream<String>.Continuation

    struct NamespaceObjects {
        var services: [CatalogModel.KubeService]
        var accounts: [KubeServiceAccount]
    }

    public init(client: KubeClient, resyncPeriod: Duration = .seconds(600), logger: Logger) {
        self.client = client
        self.logger = logger
        self.services = Informer(
            client: client, options: InformerOptions(resyncPeriod: resyncPeriod), logger: logger)
        (changes, changesContinuation) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(10_000))
    }

    /// Grows with every change the informers saw; equal values mean nothing changed in between.
    public var generation: Int { changeCount.withLock { $0 } }

    /// Whether every informer has finished its first list (until then the KServe side is unknown).
    public var hasSynced: Bool {
        services.hasSynced && (llmServices.withLock { $0?.hasSynced } ?? true)
    }

    /// Runs the informers until cancelled.
    public func run() async throws {
        let hasLLM = await crdExists("llminferenceservices.serving.kserve.io")
        if hasLLM {
            llmServices.withLock { $0 = Informer(client: client, options: InformerOptions(), logger: logger) }
            logger.info("LLMInferenceService CRD found; watching LLMInferenceServices too")
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await self.services.run() }
            group.addTask { await self.forward(self.services.events) }
            if let llm = llmServices.withLock({ $0 }) {
                group.addTask { try await llm.run() }
                group.addTask { await self.forward(llm.events) }
            }
            try await group.waitForAll()
        }
        changesContinuation.finish()
    }

    func forward<Object: KubeResource>(_ events: AsyncStream<InformerEvent<Object>>) async {
        for await event in events {
            switch event {
            case .added(let object), .updated(_, let object), .deleted(let object, _):
                let namespace = object.metadata.namespace ?? ""
                namespaceCache.withLock { _ = $0.removeValue(forKey: namespace) }
                changeCount.withLock { $0 += 1 }
                changesContinuation.yield(namespace + "/" + object.metadata.name)
            case .synced:
                changeCount.withLock { $0 += 1 }
                changesContinuation.yield("")
            case .resynced:
                continue
            }
        }
    }

    func crdExists(_ name: String) async -> Bool {
        do {
            _ = try await client.get(CustomResourceDefinition.self, name: name)
            return true
        } catch {
            return false
        }
    }

    /// The inference services as the normalizer reads them; unreadable ones are skipped with a log line.
    public func inferenceServices() -> [KServeInferenceService] {
        var result: [KServeInferenceService] = []
        for object in services.objects() { if let converted = convert(object) { result.append(converted) } }
        for object in llmServices.withLock({ $0 })?.objects() ?? [] {
            if let converted = convert(object) { result.append(converted) }
        }
        return result
    }

    func convert<Object: KubeResource>(_ object: Object) -> KServeInferenceService? {
        do {
            let data = try KubeJSON.encoder.encode(object)
            return try KServeInferenceService(json: JSONValue.parse(data))
        } catch {
            logger.warning(
                "skipping an inference service that cannot be read",
                metadata: ["object": "\(object.metadata.namespace ?? "")/\(object.metadata.name)", "error": "\(error)"])
            return nil
        }
    }

    /// A matching view of the cluster: the given services plus the Services and ServiceAccounts
    /// of their namespaces. A namespace whose lists fail is left without them (no URL from
    /// Services, no auth flag from accounts) and logged.
    public func view(of inferenceServices: [KServeInferenceService], refresh: Bool) async -> ClusterView {
        if refresh { namespaceCache.withLock { $0.removeAll() } }
        var allServices: [CatalogModel.KubeService] = []
        var allAccounts: [KubeServiceAccount] = []
        for namespace in Set(inferenceServices.map(\.namespace)).sorted() {
            if let cached = namespaceCache.withLock({ $0[namespace] }) {
                allServices += cached.services
                allAccounts += cached.accounts
                continue
            }
            do {
                async let services = client.listAll(KubeAPI.KubeService.self, namespace: namespace)
                async let accounts = client.listAll(ServiceAccount.self, namespace: namespace)
                let objects = NamespaceObjects(
                    services: try await services.items.compactMap {
                        convertPlain($0, CatalogModel.KubeService.init(json:))
                    },
                    accounts: try await accounts.items.compactMap { convertPlain($0, KubeServiceAccount.init(json:)) })
                namespaceCache.withLock { $0[namespace] = objects }
                allServices += objects.services
                allAccounts += objects.accounts
            } catch {
                logger.warning(
                    "cannot list Services and ServiceAccounts; endpoints there lack in-cluster URLs until the next cycle",
                    metadata: ["namespace": "\(namespace)", "error": "\(error)"])
            }
        }
        return ClusterView(inferenceServices: inferenceServices, services: allServices, serviceAccounts: allAccounts)
    }

    func convertPlain<Object: KubeResource, Result>(_ object: Object, _ make: (JSONValue) throws -> Result)
        -> Result?
    {
        guard let data = try? KubeJSON.encoder.encode(object), let json = try? JSONValue.parse(data) else {
            return nil
        }
        return try? make(json)
    }
}
