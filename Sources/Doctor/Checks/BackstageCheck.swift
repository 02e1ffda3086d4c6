import RegistryAPI
import WireValues

/// In push mode (`PUSH_TO_RHDH=true`) storage-rest registers locations in Developer Hub: is its URL known, is
/// there a token, and does the catalog API accept it?
public enum BackstageCheck {
    public static let check = "backstage push"

    /// Lists the Routes of one namespace (the Developer Hub Route lookup).
    public typealias RouteSource = @Sendable (String) async throws -> [DiscoveredRoute]

    public static func run(settings: DoctorSettings, routes: RouteSource, probe: any HTTPProbe) async -> DoctorFinding {
        guard settings.pushToRHDH else {
            return DoctorFinding(
                check: check, result: .ok, detail: "off (PUSH_TO_RHDH unset): Developer Hub pulls from location")
        }
        var base = settings.backstageURL
        if base == nil {
            // storage-rest's rule: the last Route in the namespace whose app.kubernetes.io/name mentions backstage.
            do {
                let candidates = try await routes(settings.namespace).filter {
                    ($0.labels["app.kubernetes.io/name"] ?? "").contains("backstage")
                }
                base = candidates.last.flatMap { $0.host.map { "https://\($0)" } }
            } catch {
                return DoctorFinding(
                    check: check, result: .fail, detail: "BKSTG_URL is unset and listing Routes failed: \(error)",
                    fix: "Set BKSTG_URL=https://<Developer Hub host> on the storage-rest container.")
            }
        }
        guard let base else {
            return DoctorFinding(
                check: check, result: .fail,
                detail:
                    "BKSTG_URL is unset and no Route in \(settings.namespace) is labelled app.kubernetes.io/name=*backstage*",
                fix: "Set BKSTG_URL=https://<Developer Hub host> on the storage-rest container.")
        }
        guard let token = settings.rhdhToken else {
            return DoctorFinding(
                check: check, result: .fail, detail: "RHDH_TOKEN is unset: Developer Hub will refuse the pushes",
                fix: """
                    Create a static token for the connector in the app-config (backend.auth.externalAccess, type \
                    static, with a subject such as rhdh-rhoai-connector), store it in a Secret and expose it to the \
                    storage-rest container as RHDH_TOKEN.
                    """)
        }
        let url = BaseURL(base).url("/api/catalog/locations")
        switch await probe.get(url, bearer: token) {
        case .answered(let status, _) where (200..<300).contains(status):
            return DoctorFinding(check: check, result: .ok, detail: "\(url) accepts RHDH_TOKEN")
        case .answered(let status, let excerpt) where status == 401 || status == 403:
            return DoctorFinding(
                check: check, result: .fail, detail: "\(url) answered \(status): \(excerpt)",
                fix: """
                    Developer Hub refuses RHDH_TOKEN. Check that the same token is listed under \
                    backend.auth.externalAccess (type static) in the app-config, and restart Developer Hub after \
                    changing it.
                    """)
        case .answered(let status, let excerpt):
            return DoctorFinding(
                check: check, result: .fail, detail: "\(url) answered \(status): \(excerpt)",
                fix: "BKSTG_URL must be Developer Hub's base URL (the catalog API is at /api/catalog).")
        case .noAnswer(let reason):
            return DoctorFinding(
                check: check, result: .fail, detail: "no answer from \(url): \(reason)",
                fix: "Set BKSTG_URL to an address the pod can reach, e.g. http://localhost:7007 (the same pod).")
        }
    }
}
