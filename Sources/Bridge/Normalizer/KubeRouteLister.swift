import KubeAPI
import RegistryAPI

/// Lists OpenShift Routes through the Kubernetes client, for registry discovery.
public struct KubeRouteLister: RouteLister {
    let client: KubeClient

    public init(client: KubeClient) {
        self.client = client
    }

    public func listRoutes(labelSelector: String?) async throws -> [DiscoveredRoute] {
        let routes = try await client.listAll(
            Route.self, namespace: nil, options: ListOptions(labelSelector: labelSelector))
        return routes.items.map { route in
            DiscoveredRoute(
                namespace: route.metadata.namespace ?? "", name: route.metadata.name,
                labels: route.metadata.labels ?? [:],
                host: route.status?.ingress?.first?.host ?? route.spec?.host, tls: route.spec?.tls != nil)
        }
    }
}
