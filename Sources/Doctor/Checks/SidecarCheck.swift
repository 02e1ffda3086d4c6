import WireValues

/// Asks each sidecar's `/readyz` on its port (loopback in the pod; `--location-url` and friends elsewhere).
public enum SidecarCheck {
    public static func run(settings: DoctorSettings, probe: any HTTPProbe) async -> [DoctorFinding] {
        var findings: [DoctorFinding] = []
        for target in settings.sidecars {
            let check = "sidecar \(target.sidecar.rawValue)"
            guard target.checked else {
                findings.append(
                    DoctorFinding(
                        check: check, result: .skip,
                        detail: "not in the Developer Hub pod (POD_IP unset); pass --\(flag(target.sidecar)) to check"))
                continue
            }
            let base = BaseURL(target.baseURL)
            let url = base.url("/readyz")
            switch await probe.get(url, bearer: nil) {
            case .answered(200, _):
                findings.append(DoctorFinding(check: check, result: .ok, detail: "\(url) ready"))
            case .answered(503, let excerpt):
                findings.append(
                    DoctorFinding(
                        check: check, result: .warn, detail: "\(url) not ready yet: \(excerpt)",
                        fix: notReadyFix(target.sidecar, namespace: settings.namespace)))
            case .answered(let status, let excerpt):
                findings.append(
                    DoctorFinding(
                        check: check, result: .fail, detail: "\(url) answered \(status): \(excerpt)",
                        fix: "Something else listens on \(base): check the ports of the sidecar patch."))
            case .noAnswer(let reason):
                findings.append(
                    DoctorFinding(
                        check: check, result: .fail, detail: "no answer from \(url): \(reason)",
                        fix: """
                            The \(target.sidecar.rawValue) container is not running or listens elsewhere. Check that the \
                            sidecar patch was applied and read the container's log:
                            kubectl -n \(settings.namespace) get pods -o custom-columns=NAME:.metadata.name,CONTAINERS:.spec.containers[*].name
                            kubectl -n \(settings.namespace) logs <pod> -c \(target.sidecar.rawValue)
                            """))
            }
        }
        return findings
    }

    static func flag(_ sidecar: DoctorSettings.Sidecar) -> String {
        switch sidecar {
        case .location: return "location-url"
        case .storageRest: return "storage-url"
        case .normalizer: return "normalizer-url"
        }
    }

    static func notReadyFix(_ sidecar: DoctorSettings.Sidecar, namespace: String) -> String {
        switch sidecar {
        case .location:
            return "location waits for its first load from storage-rest; see the storage-rest check and its log."
        case .storageRest:
            return "storage-rest is starting; read its log: kubectl -n \(namespace) logs <pod> -c storage-rest"
        case .normalizer:
            return """
                The normalizer has not completed a full cycle yet (the reason is above); the registry checks of \
                this report usually show why. It retries every PROBE_INTERVAL on its own; its log says what failed:
                kubectl -n \(namespace) logs <pod> -c rhoai-normalizer
                """
        }
    }
}
