/// The global collections of a registry that the change probe watches and the reads page through.
public enum RegistryCollection: String, Sendable, Hashable, CaseIterable, Comparable {
    case registeredModels = "registered_models"
    case modelVersions = "model_versions"
    case modelArtifacts = "model_artifacts"
    case inferenceServices = "inference_services"
    case servingEnvironments = "serving_environments"

    /// The list path below the registry base URL.
    public var path: String { "/" + rawValue }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The collections ``RegistryClient/probe()`` asks about (serving environments are left out:
    /// a new one matters only through an inference service, which moves its own watermark).
    public static let probed: [RegistryCollection] = [
        .registeredModels, .modelVersions, .modelArtifacts, .inferenceServices,
    ]
}

/// The newest entry of one collection, as seen by a `pageSize=1&orderBy=LAST_UPDATE_TIME&sortOrder=DESC` request.
public struct CollectionWatermark: Sendable, Hashable, CustomStringConvertible {
    /// `lastUpdateTimeSinceEpoch` of the most recently written entry; `nil` when empty.
    public var newestUpdate: Int64?
    /// Its id, which tells apart two writes in the same millisecond.
    public var newestId: String?
    /// `size` of the probe's page (0 when the collection is empty, else 1).
    public var size: Int

    public init(newestUpdate: Int64?, newestId: String?, size: Int) {
        self.newestUpdate = newestUpdate
        self.newestId = newestId
        self.size = size
    }

    public var description: String {
        "\(newestUpdate.map(String.init) ?? "-")/\(newestId ?? "-")/\(size)"
    }
}

/// A cheap summary of a registry's state: one ``CollectionWatermark`` per probed collection.
/// Every write bumps `lastUpdateTimeSinceEpoch` and nothing is ever deleted, so an unchanged
/// fingerprint means nothing changed (except two writes in the very same millisecond to
/// different entries, after the newest one).
///
/// ```swift
/// let now = try await client.probe()
/// if now.changedCollections(since: last).isEmpty { return }   // idle poll: 4 requests
/// ```
public struct ChangeFingerprint: Sendable, Hashable, CustomStringConvertible {
    public var watermarks: [RegistryCollection: CollectionWatermark]

    public init(watermarks: [RegistryCollection: CollectionWatermark]) {
        self.watermarks = watermarks
    }

    /// Collections whose watermark differs from `previous` (all of them when there is none).
    public func changedCollections(since previous: ChangeFingerprint?) -> Set<RegistryCollection> {
        guard let previous else { return Set(watermarks.keys) }
        let keys = Set(watermarks.keys).union(previous.watermarks.keys)
        return keys.filter { watermarks[$0] != previous.watermarks[$0] }
    }

    /// The newest `lastUpdateTimeSinceEpoch` across all collections: a watermark for delta reads.
    public var newestUpdate: Int64? {
        watermarks.values.compactMap(\.newestUpdate).max()
    }

    public var description: String {
        watermarks.keys.sorted().map { "\($0.rawValue)=\(watermarks[$0]!)" }.joined(separator: " ")
    }
}
