import CatalogModel
import Logging
import RegistryAPI

/// What the normalizer is made of apart from where it writes: its settings, its sources and
/// where it reports. The CLI fills it from the environment; tests fill it with fakes.
public struct NormalizerSetup: Sendable {
    public var configuration: NormalizerConfiguration
    public var routes: any RouteLister
    public var transport: RegistryTransport
    /// The KServe informers; `nil` runs without KServe (registries only).
    public var cluster: ClusterSource?
    public var metrics: BridgeMetrics
    public var events: EventLog
    public var isLeader: @Sendable () -> Bool
    public var publishing: @Sendable () -> PublishingState
    public var logger: Logger

    public init(
        configuration: NormalizerConfiguration, routes: any RouteLister, transport: RegistryTransport,
        cluster: ClusterSource?, metrics: BridgeMetrics = BridgeMetrics(), events: EventLog = EventLog(),
        isLeader: @escaping @Sendable () -> Bool = { true },
        publishing: @escaping @Sendable () -> PublishingState = { .publishing },
        logger: Logger = Logger(label: "modelbridge.normalizer")
    ) {
        self.configuration = configuration
        self.routes = routes
        self.transport = transport
        self.cluster = cluster
        self.metrics = metrics
        self.events = events
        self.isLeader = isLeader
        self.publishing = publishing
        self.logger = logger
    }

    /// The normalizer, writing to `sink` (storage-rest over HTTP, or ``BridgeEngine``'s in process).
    public func controller(writingTo sink: any CatalogSink) -> NormalizerController {
        NormalizerController(
            configuration: configuration, routes: routes, transport: transport, cluster: cluster, sink: sink,
            metrics: metrics, events: events, isLeader: isLeader, publishing: publishing, logger: logger)
    }
}

/// The engine in one process, assembled in one place: location's index, the storage service in
/// front of a store, and the normalizer writing through that service. `modelbridge all`, the
/// demo, the console's in-process mode and the tests' harnesses all build it here, so all of
/// them run the same wiring:
///
/// ```
/// NormalizerController ─CatalogUpsert─▶ StorageService ─CatalogUpsert─▶ LocationIndex
///                                          │ StorageBody
///                                          ▼
///                                      CatalogStore
/// ```
///
/// Nothing here is started: the caller serves the index and the service on its ports (or not)
/// and runs the controller. The index answers `/list` only once loaded: the caller loads it
/// from the store (``LocationIndex/completeLoad(_:now:)``) or marks a fresh one loaded.
public struct BridgeEngine: Sendable {
    public let index: LocationIndex
    public let store: any CatalogStore
    public let service: StorageService
    public let controller: NormalizerController

    /// - Parameters:
    ///   - index: location's index; a new one in the normalizer's format when `nil`.
    ///   - backstage: push mode (`PUSH_TO_RHDH`), or `nil`.
    ///   - sink: wraps what the normalizer writes to (tests interpose a failing sink here).
    public init(
        store: any CatalogStore, normalizer: NormalizerSetup, index: LocationIndex? = nil,
        backstage: BackstagePusher? = nil, storageLogger: Logger = Logger(label: "modelbridge.storage"),
        sink wrap: (any CatalogSink) -> any CatalogSink = { $0 }
    ) {
        let format = normalizer.configuration.format
        let index = index ?? LocationIndex(format: format)
        self.index = index
        self.store = store
        service = StorageService(
            store: store, location: InProcessLocationSink(index: index), backstage: backstage, format: format,
            logger: storageLogger)
        controller = normalizer.controller(writingTo: wrap(InProcessCatalogSink(service: service)))
    }
}
