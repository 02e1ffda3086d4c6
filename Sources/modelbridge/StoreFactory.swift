import ArgumentParser
import Bridge
import Foundation
import KubeAPI
import Logging
import WireValues

/// Builds the storage-rest store from `STORAGE_TYPE`.
struct StoreFactory {
    struct Built {
        var store: any CatalogStore
        var description: String
        var kube: KubeClient?

        func shutdown() async throws { try await kube?.shutdown() }
    }

    /// With `kube` given (the engine's shared client), the ConfigMap store uses it and does not own it; otherwise
    /// the store's own client reports its requests to `requestObserver`.
    static func make(
        environment: RoleEnvironment, logger: Logger, kube shared: KubeClient? = nil, namespace: String? = nil,
        requestObserver: HTTPRequestObserver? = nil
    ) async throws -> Built {
        switch (environment["STORAGE_TYPE"] ?? "ConfigMap").lowercased() {
        case "memory":
            logger.warning("STORAGE_TYPE=Memory: documents are lost when this process stops")
            return Built(store: MemoryCatalogStore(), description: "memory", kube: nil)
        case "configmap" where shared != nil:
            let namespace = namespace ?? "default"
            let store = ConfigMapCatalogStore(client: shared!, namespace: namespace, logger: logger)
            return Built(store: store, description: "ConfigMap bac-import-model in \(namespace)", kube: nil)
        case "configmap":
            let config = try KubeConfig.resolve(
                environment: environment.values, homeDirectory: environment["HOME"])
            let namespace = KubeNamespace.resolve(config: config, environment: environment)
            let kube = try KubeClient(
                config: config, options: KubeClientOptions(requestObserver: requestObserver),
                logger: Logger(label: "modelbridge.kubeapi"))
            let store = ConfigMapCatalogStore(client: kube, namespace: namespace, logger: logger)
            return Built(store: store, description: "ConfigMap bac-import-model in \(namespace)", kube: kube)
        default:
            throw EnvironmentError(
                variable: "STORAGE_TYPE", value: environment["STORAGE_TYPE"] ?? "",
                expected: "must be ConfigMap or Memory")
        }
    }
}

/// The namespace the bridge keeps its ConfigMaps and Lease in: `POD_NAMESPACE`, then
/// `NAMESPACE`, then the client configuration's (kubeconfig context or service-account file).
enum KubeNamespace {
    static func resolve(config: KubeConfig, environment: RoleEnvironment) -> String {
        environment["POD_NAMESPACE"] ?? environment["NAMESPACE"] ?? config.namespace
    }
}
