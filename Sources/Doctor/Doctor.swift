import AsyncHTTPClient
import Bridge
import KubeAPI
import Logging
import RegistryAPI

/// `modelbridge doctor` as a library: runs every check against the cluster, the registries and the sidecars and
/// returns the report. The command line only builds the settings and prints the report.
///
/// Checks, in order: the Kubernetes API and its TLS; every permission the roles need (one
/// SelfSubjectAccessReview each); the permissions an operator needs for `modelbridge console --pod` (skipped as the
/// connector's ServiceAccount); the KServe CRDs; registry TLS settings; registry discovery and one probe GET
/// per registry and catalog; Backstage in push mode; the cache ConfigMaps' headroom; the sidecars' `/readyz`.
///
/// ```swift
/// let report = await Doctor(settings: settings, kube: kube).run()
/// print(report.table())
/// ```
public struct Doctor: Sendable {
    public let settings: DoctorSettings
    let kube: KubeClient
    let probeTimeout: Duration
    let logger: Logger

    public init(settings: DoctorSettings, kube: KubeClient, probeTimeout: Duration = .seconds(5), logger: Logger? = nil)
    {
        self.settings = settings
        self.kube = kube
        self.probeTimeout = probeTimeout
        self.logger =
            logger
            ?? {
                var quiet = Logger(label: "modelbridge.doctor")
                quiet.logLevel = .critical
                return quiet
            }()
    }

    /// Runs every check; never throws (a check that cannot run is itself a finding).
    public func run() async -> DoctorReport {
        var findings: [DoctorFinding] = []
        let reviewer = KubeAccessReviewer(client: kube)
        let (connection, reachable) = await KubeAPICheck.connection(settings: settings, reviewer: reviewer)
        findings.append(connection)
        findings.append(KubeAPICheck.tls(settings: settings))
        if reachable {
            findings += await PermissionCheck.run(
                PermissionRequirement.required(for: settings), reviewer: reviewer,
                serviceAccountNamespace: settings.namespace)
            findings += await ConsoleAccessCheck.run(settings: settings, reviewer: reviewer)
            findings += await CRDCheck.run(lookup: CRDCheck.lookup(client: kube))
        }

        let (tlsFinding, tls) = RegistryTLSCheck.run(settings: settings)
        findings.append(tlsFinding)
        if reachable, let tls {
            do {
                let transport = try RegistryTransport(
                    configuration: RegistryHTTPConfiguration(
                        tls: tls, connectTimeout: probeTimeout, requestTimeout: probeTimeout),
                    logger: logger)
                findings += await RegistryCheck.run(
                    settings: settings, lister: KubeRouteLister(client: kube), transport: transport)
                try? await transport.shutdown()
            } catch {
                findings.append(
                    DoctorFinding(
                        check: RegistryTLSCheck.check, result: .fail, detail: "cannot be used: \(error)",
                        fix: "Point REGISTRY_CA_FILE at a readable PEM bundle."))
            }
        }

        let http = HTTPClient(eventLoopGroupProvider: .singleton)
        let probe = AsyncHTTPProbe(client: http, timeout: probeTimeout)
        if reachable {
            let lister = KubeRouteLister(client: kube)
            findings.append(
                await BackstageCheck.run(
                    settings: settings,
                    routes: { namespace in
                        try await lister.listRoutes(labelSelector: nil).filter { $0.namespace == namespace }
                    }, probe: probe))
            do {
                let maps = try await CacheCheck.load(client: kube, namespace: settings.namespace)
                findings += CacheCheck.evaluate(maps: maps, settings: settings)
            } catch {
                findings.append(
                    DoctorFinding(
                        check: "cache bac-import-model", result: .fail, detail: "cannot be read: \(error)",
                        fix: "See the rbac checks on configmaps in \(settings.namespace)."))
            }
        }
        findings += await SidecarCheck.run(settings: settings, probe: probe)
        try? await http.shutdown()
        return DoctorReport(findings: findings)
    }
}
