import Bridge
import KubeAPI

/// The cache ConfigMaps (`bac-import-model` and its shards) and their headroom below the API server's 1 MiB limit.
public enum CacheCheck {
    /// The limit Kubernetes puts on the data of one ConfigMap.
    public static let limitBytes = 1_048_576
    /// Above this share of the limit a shard is reported as a warning.
    public static let warningPercent = 90.0

    /// Reads the cache ConfigMaps of the namespace: nil when the main one does not exist yet.
    public static func load(client: KubeClient, namespace: String, baseName: String = "bac-import-model")
        async throws -> [ConfigMap]?
    {
        let main: ConfigMap
        do {
            main = try await client.get(ConfigMap.self, name: baseName, namespace: namespace)
        } catch let error as KubeAPIError where error.isNotFound {
            return nil
        }
        let shards = try await client.listAll(
            ConfigMap.self, namespace: namespace,
            options: ListOptions(labelSelector: "\(ConfigMapCatalogStore.shardLabel)=\(baseName)"))
        return [main]
            + shards.items.filter { $0.metadata.name != baseName }.sorted {
                $0.metadata.name.count == $1.metadata.name.count
                    ? $0.metadata.name < $1.metadata.name : $0.metadata.name.count < $1.metadata.name.count
            }
    }

    /// One finding per ConfigMap with its size as a share of 1 MiB.
    public static func evaluate(maps: [ConfigMap]?, settings: DoctorSettings) -> [DoctorFinding] {
        if settings.storageType.lowercased() == "memory" {
            return [
                DoctorFinding(
                    check: "cache", result: .warn,
                    detail: "STORAGE_TYPE=Memory: documents are lost when storage-rest restarts",
                    fix: "Set STORAGE_TYPE=ConfigMap (the default) on the storage-rest container.")
            ]
        }
        guard let maps else {
            return [
                DoctorFinding(
                    check: "cache bac-import-model", result: settings.inPod ? .warn : .ok,
                    detail: "not created yet in \(settings.namespace): storage-rest creates it when it starts",
                    fix: settings.inPod
                        ? "Look at storage-rest's log: kubectl -n \(settings.namespace) logs <pod> -c storage-rest"
                        : nil)
            ]
        }
        return maps.map { map in
            let bytes = map.payloadBytes
            let percent = Double(bytes) * 100 / Double(limitBytes)
            let documents = map.binaryData?.count ?? 0
            let detail =
                "\(documents) document\(documents == 1 ? "" : "s"), \(bytes / 1024) KiB = \(formatted(percent))% of 1 MiB"
            if percent >= warningPercent {
                return DoctorFinding(
                    check: "cache \(map.metadata.name)", result: .warn, detail: detail + " (little headroom)",
                    fix: """
                        storage-rest writes new documents to further shards (bac-import-model-1, …) once this one is \
                        full, so nothing breaks; a map this full was usually written by the Go bridge, whose entries \
                        are not compressed. They shrink as documents change.
                        """)
            }
            return DoctorFinding(check: "cache \(map.metadata.name)", result: .ok, detail: detail)
        }
    }

    static func formatted(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }
}
