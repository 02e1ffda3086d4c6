/// A registry (or catalog) found by discovery: where to send requests.
///
/// ```swift
/// let client = RegistryClient(endpoint: endpoint, token: token, transport: transport)
/// ```
public struct RegistryEndpoint: Sendable, Hashable {
    /// Stable identity of the registry: the `MR_ROUTE` entry as written (`ns:name` or `name`),
    /// or `namespace:name` of the route when found by label.
    public var key: String
    /// The route it came from.
    public var route: DiscoveredRoute
    /// Base URL including the API path, e.g. `https://h/api/model_registry/v1alpha3`.
    public var baseURL: String
    /// The catalog serving this registry's model cards, if one was found.
    public var catalog: CatalogEndpoint?

    public init(key: String, route: DiscoveredRoute, baseURL: String, catalog: CatalogEndpoint? = nil) {
        self.key = key
        self.route = route
        self.baseURL = baseURL
        self.catalog = catalog
    }
}

/// A model catalog found by discovery.
///
/// ```swift
/// let catalog = CatalogClient(endpoint: endpoint, token: token, transport: transport)
/// ```
public struct CatalogEndpoint: Sendable, Hashable {
    /// `namespace:name` of the catalog route.
    public var key: String
    public var route: DiscoveredRoute
    /// Base URL including the API path, e.g. `https://h/api/model_catalog/v1alpha1`.
    public var baseURL: String

    public init(key: String, route: DiscoveredRoute, baseURL: String) {
        self.key = key
        self.route = route
        self.baseURL = baseURL
    }
}

/// What discovery found in one cycle.
///
/// ```swift
/// let found = RegistryDiscovery.discover(mrRoute: env["MR_ROUTE"], routes: routes)
/// if found.registries.isEmpty { /* KServe-only mode */ }
/// ```
public struct DiscoveryResult: Sendable, Hashable {
    /// How the registries were selected.
    public enum Source: String, Sendable, Hashable {
        /// From the `MR_ROUTE` list.
        case mrRoute
        /// From the operator's `app.kubernetes.io/managed-by` label.
        case labels
        /// Nothing was found.
        case none
    }

    public var registries: [RegistryEndpoint]
    /// The catalog used for registries that have no catalog of their own (the last catalog
    /// route in namespace/name order, as upstream's "last one wins").
    public var catalog: CatalogEndpoint?
    public var source: Source

    public init(registries: [RegistryEndpoint], catalog: CatalogEndpoint?, source: Source) {
        self.registries = registries
        self.catalog = catalog
        self.source = source
    }
}

/// One entry of `MR_ROUTE`: a route name, optionally with its namespace.
public struct RouteReference: Sendable, Hashable {
    /// The entry exactly as written (after trimming): the registry's key.
    public var key: String
    public var namespace: String?
    public var name: String

    public init(key: String, namespace: String?, name: String) {
        self.key = key
        self.namespace = namespace
        self.name = name
    }
}

/// Finds Model Registries and the model catalog among OpenShift Routes, as the upstream
/// bridge's `setupKFMR` does, but as a pure function of the route list so callers simply call
/// it again every cycle (upstream stops after the first success and never sees new registries).
///
/// Rules:
/// - `MR_ROUTE` (comma-separated `namespace:name` or `name`; CR and LF removed) selects the
///   registries. A bare name takes the first route with that name in namespace order.
/// - If `MR_ROUTE` is empty or matches nothing, every route labelled
///   `app.kubernetes.io/managed-by=model-registry-operator` is used, except Istio's
///   `…-grpc` routes, which do not serve REST.
/// - A route whose name contains `catalog` is a catalog, never a registry. Catalogs are taken
///   from labelled routes (and from `MR_ROUTE` entries). Each registry gets the catalog route
///   of its own namespace named `<registry>-catalog…` (RHOAI 2.24, one per registry) or sharing
///   its `app` label; else the shared one (RHOAI 2.25's singleton `model-catalog`).
/// - Only routes with a host are kept. Scheme is https when the route has TLS, else http.
///
/// ```swift
/// let found = try await RegistryDiscovery.discover(mrRoute: env["MR_ROUTE"], lister: kubeRoutes)
/// let token = RegistryDiscovery.bearerToken(kfmrToken: env["KFMR_TOKEN"], kubernetesToken: podToken)
/// ```
public enum RegistryDiscovery {
    /// The label every operator-managed Route carries.
    public static let managedByLabel = "app.kubernetes.io/managed-by"
    /// Its value.
    public static let managedByValue = "model-registry-operator"
    /// Label selector for the fallback discovery.
    public static let labelSelector = "\(managedByLabel)=\(managedByValue)"
    /// API base path of the registry.
    public static let registryBasePath = "/api/model_registry/v1alpha3"
    /// API base path of the catalog.
    public static let catalogBasePath = "/api/model_catalog/v1alpha1"

    /// Splits `MR_ROUTE` into references: CR/LF removed, split on commas, blanks dropped.
    public static func parseMRRoute(_ raw: String?) -> [RouteReference] {
        guard let raw else { return [] }
        let cleaned = raw.filter { $0 != "\r" && $0 != "\n" && $0 != "\r\n" }
        return cleaned.split(separator: ",").compactMap { part in
            let entry = part.trimmingWhitespace()
            guard !entry.isEmpty else { return nil }
            if let colon = entry.firstIndex(of: ":") {
                let namespace = entry[..<colon].trimmingWhitespace()
                let name = entry[entry.index(after: colon)...].trimmingWhitespace()
                guard !name.isEmpty else { return nil }
                return RouteReference(key: entry, namespace: namespace.isEmpty ? nil : namespace, name: name)
            }
            return RouteReference(key: entry, namespace: nil, name: entry)
        }
    }

    /// Discovery as a pure function of `MR_ROUTE` and every Route in the cluster.
    public static func discover(mrRoute: String?, routes: [DiscoveredRoute]) -> DiscoveryResult {
        let ordered = routes.sorted { ($0.namespace, $0.name) < ($1.namespace, $1.name) }
        let labelled = ordered.filter { $0.labels[managedByLabel] == managedByValue && $0.origin != nil }
        var catalogs = labelled.filter(isCatalog)

        var registries: [(key: String, route: DiscoveredRoute)] = []
        var source = DiscoveryResult.Source.none
        for reference in parseMRRoute(mrRoute) {
            let match = ordered.first { route in
                route.name == reference.name && (reference.namespace == nil || route.namespace == reference.namespace)
            }
            guard let match, match.origin != nil else { continue }
            if isCatalog(match) {
                if !catalogs.contains(match) { catalogs.append(match) }
            } else if !registries.contains(where: { $0.key == reference.key }) {
                registries.append((reference.key, match))
            }
        }
        if !registries.isEmpty {
            source = .mrRoute
        } else {
            registries = labelled.filter { !isCatalog($0) && !$0.name.hasSuffix("-grpc") }
                .map { ("\($0.namespace):\($0.name)", $0) }
            source = registries.isEmpty ? .none : .labels
        }

        let catalogEndpoints = catalogs.map(catalogEndpoint)
        let shared = catalogEndpoints.last
        let endpoints = registries.map { entry in
            RegistryEndpoint(
                key: entry.key,
                route: entry.route,
                baseURL: entry.route.origin! + registryBasePath,
                catalog: ownCatalog(of: entry.route, among: catalogEndpoints) ?? shared
            )
        }
        return DiscoveryResult(registries: endpoints, catalog: shared, source: source)
    }

    /// Lists the routes discovery needs (all of them when `MR_ROUTE` is set, since a bare name
    /// may live in any namespace; else only the labelled ones) and runs ``discover(mrRoute:routes:)``.
    public static func discover(mrRoute: String?, lister: any RouteLister) async throws -> DiscoveryResult {
        let selector = parseMRRoute(mrRoute).isEmpty ? labelSelector : nil
        let routes = try await lister.listRoutes(labelSelector: selector)
        return discover(mrRoute: mrRoute, routes: routes)
    }

    /// The bearer token to send: `KFMR_TOKEN` when set and non-blank, else the pod's Kubernetes
    /// token. Surrounding whitespace (a trailing newline from a mounted file) is removed.
    public static func bearerToken(kfmrToken: String?, kubernetesToken: String?) -> String? {
        for candidate in [kfmrToken, kubernetesToken] {
            if let token = candidate?.trimmingWhitespace(), !token.isEmpty {
                return token
            }
        }
        return nil
    }

    private static func isCatalog(_ route: DiscoveredRoute) -> Bool {
        route.name.contains("catalog")
    }

    private static func catalogEndpoint(_ route: DiscoveredRoute) -> CatalogEndpoint {
        CatalogEndpoint(key: "\(route.namespace):\(route.name)", route: route, baseURL: route.origin! + catalogBasePath)
    }

    private static func ownCatalog(of registry: DiscoveredRoute, among catalogs: [CatalogEndpoint]) -> CatalogEndpoint?
    {
        let sameNamespace = catalogs.filter { $0.route.namespace == registry.namespace }
        var base = registry.name
        for suffix in ["-https", "-http", "-rest"] where base.hasSuffix(suffix) {
            base.removeLast(suffix.count)
        }
        if let byName = sameNamespace.first(where: { $0.route.name.hasPrefix(base + "-catalog") }) {
            return byName
        }
        if let app = registry.labels["app"], let byApp = sameNamespace.first(where: { $0.route.labels["app"] == app }) {
            return byApp
        }
        return nil
    }
}

extension StringProtocol {
    func trimmingWhitespace() -> String {
        var slice = Substring(self)
        while let first = slice.first, first.isWhitespace { slice.removeFirst() }
        while let last = slice.last, last.isWhitespace { slice.removeLast() }
        return String(slice)
    }
}
