import RegistryAPI
import Synchronization
import Testing

/// Routes held in memory, remembering the selectors it was asked for.
final class InMemoryRoutes: RouteLister {
    let routes: [DiscoveredRoute]
    let selectors = Mutex<[String?]>([])

    init(_ routes: [DiscoveredRoute]) {
        self.routes = routes
    }

    func listRoutes(labelSelector: String?) async throws -> [DiscoveredRoute] {
        selectors.withLock { $0.append(labelSelector) }
        guard let labelSelector else { return routes }
        let (key, value) = labelSelector.split(separator: "=").map(String.init).pair
        return routes.filter { $0.labels[key] == value }
    }
}

extension Array where Element == String {
    fileprivate var pair: (String, String) { (self[0], self.count > 1 ? self[1] : "") }
}

@Suite("Registry discovery")
struct DiscoveryTests {
    static let managed = [RegistryDiscovery.managedByLabel: RegistryDiscovery.managedByValue]

    static func route(
        _ namespace: String, _ name: String, host: String? = nil, tls: Bool = true,
        labels: [String: String] = managed
    ) -> DiscoveredRoute {
        DiscoveredRoute(
            namespace: namespace, name: name, labels: labels, host: host ?? "\(name).apps.example", tls: tls)
    }

    @Test func mrRouteSelectsTheNamedRoutesAndIgnoresLineBreaks() {
        let routes = [
            Self.route("istio-system", "odh-model-registries-public-rest", labels: [:]),
            Self.route("team", "plain-registry", tls: false, labels: [:]),
            Self.route("other", "plain-registry", labels: [:]),
        ]
        let found = RegistryDiscovery.discover(
            mrRoute: "istio-system:odh-model-registries-public-rest,\r\n plain-registry\n", routes: routes
        )
        #expect(found.source == .mrRoute)
        #expect(found.registries.map(\.key) == ["istio-system:odh-model-registries-public-rest", "plain-registry"])
        #expect(
            found.registries.map(\.baseURL) == [
                "https://odh-model-registries-public-rest.apps.example/api/model_registry/v1alpha3",
                // A bare name takes the first route in namespace order: "other" before "team".
                "https://plain-registry.apps.example/api/model_registry/v1alpha3",
            ]
        )
        #expect(found.catalog == nil)
    }

    @Test func plainHTTPRouteGivesAnHTTPBaseURL() {
        let found = RegistryDiscovery.discover(
            mrRoute: "team:reg", routes: [Self.route("team", "reg", tls: false, labels: [:])]
        )
        #expect(found.registries.first?.baseURL == "http://reg.apps.example/api/model_registry/v1alpha3")
    }

    @Test func labelsFindRegistriesAndTheCatalogRoute() {
        let routes = [
            Self.route("rhoai-model-registries", "public-https", host: "public-rest.apps.example"),
            Self.route("rhoai-model-registries", "model-catalog-https", host: "model-catalog.apps.example"),
            Self.route("istio-system", "odh-model-registries-public-grpc"),
            Self.route("rhoai-model-registries", "not-admitted-https", host: ""),
            Self.route("elsewhere", "unlabelled", labels: [:]),
        ]
        let found = RegistryDiscovery.discover(mrRoute: nil, routes: routes)
        #expect(found.source == .labels)
        #expect(found.registries.map(\.key) == ["rhoai-model-registries:public-https"])
        #expect(found.registries[0].baseURL == "https://public-rest.apps.example/api/model_registry/v1alpha3")
        #expect(found.catalog?.baseURL == "https://model-catalog.apps.example/api/model_catalog/v1alpha1")
        #expect(found.registries[0].catalog == found.catalog)
    }

    @Test func eachRegistryGetsItsOwnCatalogWhenThereIsOnePerRegistry() {
        let routes = [
            Self.route("regs", "alpha-https"), Self.route("regs", "alpha-catalog-https"),
            Self.route("regs", "beta-https"), Self.route("regs", "beta-catalog-https"),
        ]
        let found = RegistryDiscovery.discover(mrRoute: "", routes: routes)
        #expect(found.registries.map(\.key) == ["regs:alpha-https", "regs:beta-https"])
        #expect(found.registries.map { $0.catalog?.key } == ["regs:alpha-catalog-https", "regs:beta-catalog-https"])
    }

    @Test func anMRRouteThatMatchesNothingFallsBackToLabels() {
        let routes = [Self.route("regs", "public-https")]
        let found = RegistryDiscovery.discover(mrRoute: "nope,regs:missing", routes: routes)
        #expect(found.source == .labels)
        #expect(found.registries.map(\.key) == ["regs:public-https"])
    }

    @Test func noRoutesMeansNoRegistries() {
        let found = RegistryDiscovery.discover(mrRoute: nil, routes: [])
        #expect(found.source == .none)
        #expect(found.registries.isEmpty)
    }

    @Test func discoveryIsRunAgainstFreshRoutesEachCycle() async throws {
        let before = InMemoryRoutes([Self.route("regs", "public-https")])
        let after = InMemoryRoutes([Self.route("regs", "public-https"), Self.route("regs", "second-https")])
        #expect(try await RegistryDiscovery.discover(mrRoute: nil, lister: before).registries.count == 1)
        #expect(try await RegistryDiscovery.discover(mrRoute: nil, lister: after).registries.count == 2)
        #expect(before.selectors.withLock { $0 } == [RegistryDiscovery.labelSelector])
    }

    @Test func mrRouteListsAllRoutesBecauseABareNameCanLiveAnywhere() async throws {
        let routes = InMemoryRoutes([Self.route("far", "custom", labels: [:]), Self.route("regs", "cat-catalog")])
        let found = try await RegistryDiscovery.discover(mrRoute: "custom", lister: routes)
        #expect(routes.selectors.withLock { $0 } == [nil])
        #expect(found.registries.map(\.key) == ["custom"])
        #expect(found.catalog?.key == "regs:cat-catalog")
    }

    @Test func theTokenIsKFMRTokenElseTheKubernetesToken() {
        #expect(RegistryDiscovery.bearerToken(kfmrToken: "kfmr\n", kubernetesToken: "kube") == "kfmr")
        #expect(RegistryDiscovery.bearerToken(kfmrToken: "  ", kubernetesToken: "kube\n") == "kube")
        #expect(RegistryDiscovery.bearerToken(kfmrToken: nil, kubernetesToken: nil) == nil)
    }
}
