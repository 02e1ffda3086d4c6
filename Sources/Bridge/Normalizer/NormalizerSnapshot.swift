import CatalogModel
import Foundation
import KubeAPI
import RegistryAPI

/// The state of one registry as the console shows it.
public struct RegistryStatus: Sendable, Hashable, Codable {
    public var key: String
    public var baseURL: String
    public var catalogURL: String?
    public var lastProbe: Date?
    public var lastFullRead: Date?
    public var lastError: String?
    public var models: Int
    public var liveVersions: Int
    public var requests: Int

    public init(
        key: String, baseURL: String, catalogURL: String?, lastProbe: Date? = nil, lastFullRead: Date? = nil,
        lastError: String? = nil, models: Int, liveVersions: Int, requests: Int
    ) {
        self.key = key
        self.baseURL = baseURL
        self.catalogURL = catalogURL
        self.lastProbe = lastProbe
        self.lastFullRead = lastFullRead
        self.lastError = lastError
        self.models = models
        self.liveVersions = liveVersions
        self.requests = requests
    }
}

/// A consistent copy of what the normalizer knows, for the console and the admin endpoint.
public struct NormalizerSnapshot: Sendable {
    public var registries: [RegistryStatus]
    public var snapshots: [RegistrySnapshot]
    public var documents: [NormalizedDocument]
    public var inferenceServices: [KServeInferenceService]
    /// Keys whose last upsert failed, with the error and when the retry is due.
    public var failing: [String: String]
    public var lastCycle: Date?
    public var lastCompleteCycle: Date?
    /// Why the last cycle could not post a key set (deletions deferred), or nil.
    public var incompleteReasons: [String]
    public var isLeader: Bool
    /// Whether this normalizer writes documents, and if not, why (leader election).
    public var publishing: PublishingState
    /// The last hour of documents published and registry read time, a sample a minute.
    public var history: FigureHistory

    public init(
        registries: [RegistryStatus], snapshots: [RegistrySnapshot] = [], documents: [NormalizedDocument] = [],
        inferenceServices: [KServeInferenceService] = [], failing: [String: String] = [:], lastCycle: Date?,
        lastCompleteCycle: Date?, incompleteReasons: [String], isLeader: Bool,
        publishing: PublishingState = .publishing, history: FigureHistory = FigureHistory()
    ) {
        self.registries = registries
        self.snapshots = snapshots
        self.documents = documents
        self.inferenceServices = inferenceServices
        self.failing = failing
        self.lastCycle = lastCycle
        self.lastCompleteCycle = lastCompleteCycle
        self.incompleteReasons = incompleteReasons
        self.isLeader = isLeader
        self.publishing = publishing
        self.history = history
    }
}
