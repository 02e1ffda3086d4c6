import RegistryAPI

/// Finds the Model Registries and the catalog as the normalizer does (`MR_ROUTE`, else the operator's label) and
/// sends each one cheap GET with the normalizer's token.
public enum RegistryCheck {
    public static let discoveryCheck = "registry discovery"

    public static func run(
        settings: DoctorSettings, lister: any RouteLister, transport: RegistryTransport
    ) async -> [DoctorFinding] {
        let found: DiscoveryResult
        do {
            found = try await RegistryDiscovery.discover(mrRoute: settings.mrRoute, lister: lister)
        } catch {
            return [
                DoctorFinding(
                    check: discoveryCheck, result: .fail, detail: "listing Routes failed: \(error)",
                    fix: "See the rbac list routes.route.openshift.io check.")
            ]
        }
        var findings = [discovery(found, settings: settings)]
        for registry in found.registries {
            let client = RegistryClient(endpoint: registry, token: settings.registryToken, transport: transport)
            do {
                let newest = try await client.watermark(of: .registeredModels)
                findings.append(
                    DoctorFinding(
                        check: "registry \(registry.key)", result: .ok,
                        detail: "\(registry.baseURL) answered" + (newest.newestId == nil ? " (no models yet)" : "")))
            } catch {
                findings.append(
                    DoctorFinding(
                        check: "registry \(registry.key)", result: .fail, detail: "\(error)",
                        fix: fix(
                            for: error, route: registry.route, apiPath: RegistryDiscovery.registryBasePath,
                            settings: settings)))
            }
        }
        var catalogs: [CatalogEndpoint] = []
        for catalog in found.registries.compactMap(\.catalog) + [found.catalog].compactMap({ $0 })
        where !catalogs.contains(catalog) {
            catalogs.append(catalog)
        }
        for catalog in catalogs {
            let client = CatalogClient(endpoint: catalog, token: settings.registryToken, transport: transport)
            do {
                let sources = try await client.sources()
                findings.append(
                    DoctorFinding(
                        check: "catalog \(catalog.key)", result: .ok,
                        detail: "\(catalog.baseURL) answered (\(sources.count) sources)"))
            } catch {
                // Without the catalog only the model cards are missing: a warning, not a failure.
                findings.append(
                    DoctorFinding(
                        check: "catalog \(catalog.key)", result: .warn,
                        detail: "\(error); model cards are not published",
                        fix: fix(
                            for: error, route: catalog.route, apiPath: RegistryDiscovery.catalogBasePath,
                            settings: settings)))
            }
        }
        return findings
    }

    /// The discovery row: which registries were found and how, or why none was.
    public static func discovery(_ found: DiscoveryResult, settings: DoctorSettings) -> DoctorFinding {
        let names = found.registries.map(\.key).joined(separator: ", ")
        switch found.source {
        case .mrRoute:
            return DoctorFinding(check: discoveryCheck, result: .ok, detail: "MR_ROUTE selects \(names)")
        case .labels:
            if let mrRoute = settings.mrRoute {
                return DoctorFinding(
                    check: discoveryCheck, result: .warn,
                    detail: "MR_ROUTE=\(mrRoute) matches no admitted Route; using the labelled ones instead: \(names)",
                    fix: mrRouteFix)
            }
            return DoctorFinding(
                check: discoveryCheck, result: .ok, detail: "\(RegistryDiscovery.labelSelector) finds \(names)")
        case .none:
            if let mrRoute = settings.mrRoute {
                return DoctorFinding(
                    check: discoveryCheck, result: .fail,
                    detail: "MR_ROUTE=\(mrRoute) matches no admitted Route, and no Route is labelled "
                        + RegistryDiscovery.labelSelector,
                    fix: mrRouteFix)
            }
            return DoctorFinding(
                check: discoveryCheck, result: .warn,
                detail: "no Model Registry found: only KServe inference services are published",
                fix: """
                    Enable the model registry in OpenShift AI (DataScienceCluster spec.components.modelregistry \
                    managementState: Managed) and create a registry; its Route is then labelled \
                    \(RegistryDiscovery.labelSelector). Or set MR_ROUTE=<namespace>:<route name> on the \
                    rhoai-normalizer container.
                    """)
        }
    }

    static let mrRouteFix = """
        List the registry Routes and set MR_ROUTE on the rhoai-normalizer container to one of them \
        (comma-separated, namespace:name):
        kubectl get routes -A -l \(RegistryDiscovery.labelSelector)
        """

    /// The exact fix for a failed probe, by what went wrong.
    static func fix(for error: any Error, route: DiscoveredRoute, apiPath: String, settings: DoctorSettings) -> String {
        let url = (route.origin ?? "https://\(route.host ?? route.name)") + apiPath
        guard let error = error as? RegistryError else { return "Check the Route \(route.namespace)/\(route.name)." }
        var service = route.name
        for suffix in ["-https", "-http", "-rest"] where service.hasSuffix(suffix) { service.removeLast(suffix.count) }
        switch (error.status, error.reason) {
        case (401?, _), (403?, _):
            let tokenHint =
                settings.registryTokenFromKFMR
                ? "KFMR_TOKEN is set: check that token, or unset KFMR_TOKEN to use the connector's ServiceAccount."
                : "The token is the ServiceAccount rhdh-rhoai-connector's (from the Secret rhdh-rhoai-connector-token)."
            return """
                \(route.namespace)/\(route.name) refused the token (\(error.status!)). \(tokenHint)
                Grant the ServiceAccount the registry's Role registry-user-\(service) in \(route.namespace) \
                (deploy/rbac/registry-role-binding.yaml):
                apiVersion: rbac.authorization.k8s.io/v1
                kind: RoleBinding
                metadata:
                  name: rhdh-rhoai-dashboard-permissions
                  namespace: \(route.namespace)
                roleRef:
                  apiGroup: rbac.authorization.k8s.io
                  kind: Role
                  name: registry-user-\(service)
                subjects:
                  - kind: ServiceAccount
                    name: rhdh-rhoai-connector
                    namespace: \(settings.namespace)
                """
        case (404?, _):
            return """
                \(url) answered 404: the Route does not lead to the REST API. Set MR_ROUTE to the registry's \
                REST Route (its name usually ends in -https):
                kubectl -n \(route.namespace) get routes
                """
        case (_, .connectionFailed(let detail))
        where detail.lowercased().contains("certificate") || detail.lowercased().contains("ssl")
            || detail.lowercased().contains("tls"):
            return """
                The certificate of \(route.origin ?? url) is not trusted. Mount the CA that signed it (often the \
                ingress CA) and set REGISTRY_CA_FILE on the rhoai-normalizer container.
                """
        case (_, .connectionFailed), (_, .timeout):
            return """
                Nothing answers at \(url). Check that the registry runs and its Route is admitted:
                kubectl -n \(route.namespace) get route \(route.name) -o jsonpath='{.status.ingress[0].host}'
                kubectl -n \(route.namespace) get pods
                If the Route is right but unreachable from the pod (egress NetworkPolicy, proxy), allow traffic \
                from \(settings.namespace) to the router.
                """
        default:
            return """
                \(url) answered unexpectedly. Look at the registry's logs:
                kubectl -n \(route.namespace) logs deploy/\(service) --all-containers
                """
        }
    }
}
