import Foundation

/// A snapshot of the KServe side of the cluster that the normalizer matches against: the
/// inference services (both kinds), and the Services and ServiceAccounts that reveal their
/// in-cluster URL and whether they need a token. Built once per cycle and indexed, so a
/// match costs a dictionary lookup, not a cluster-wide list (B23).
public struct ClusterView: Sendable {
    public private(set) var inferenceServices: [KServeInferenceService]
    private var byRegistryIDs: [String: [KServeInferenceService]] = [:]
    private var byNamespacedName: [String: KServeInferenceService] = [:]
    private var servicesByNamespace: [String: [KubeService]] = [:]
    private var accountsByNamespace: [String: [KubeServiceAccount]] = [:]

    /// Indexes the given objects.
    public init(
        inferenceServices: [KServeInferenceService], services: [KubeService] = [],
        serviceAccounts: [KubeServiceAccount] = []
    ) {
        self.inferenceServices = inferenceServices.sorted { ($0.namespace, $0.name) < ($1.namespace, $1.name) }
        for service in self.inferenceServices {
            byNamespacedName[service.namespace + "/" + service.name] = service
            if let model = RegistryLabel.registeredModelID(service.labels),
                let version = RegistryLabel.modelVersionID(service.labels)
            {
                byRegistryIDs[model + "/" + version, default: []].append(service)
            }
        }
        for service in services { servicesByNamespace[service.namespace, default: []].append(service) }
        for account in serviceAccounts { accountsByNamespace[account.namespace, default: []].append(account) }
    }

    /// The inference service `namespace/name`.
    public func inferenceService(namespace: String, name: String) -> KServeInferenceService? {
        byNamespacedName[namespace + "/" + name]
    }

    /// Services labelled with this registered model and version, in name order.
    public func labelled(registeredModelID: String, modelVersionID: String) -> [KServeInferenceService] {
        byRegistryIDs[registeredModelID + "/" + modelVersionID] ?? []
    }

    /// Whether the service needs a token: a ServiceAccount it owns exists (upstream's rule),
    /// or it carries `security.opendatahub.io/enable-auth: "true"` (what OpenShift AI sets).
    public func requiresAuthentication(_ service: KServeInferenceService) -> Bool {
        if service.annotations["security.opendatahub.io/enable-auth"]?.lowercased() == "true" { return true }
        return (accountsByNamespace[service.namespace] ?? []).contains { account in
            account.ownerReferences.contains { $0.kind == service.kind.rawValue && $0.name == service.name }
        }
    }

    /// The in-cluster URL: `status.address.url`, else the owned `-predictor` Service
    /// (`http://<svc>.<ns>.svc.cluster.local[:port]`, using the Service's own port).
    public func internalURL(_ service: KServeInferenceService) -> String? {
        if let address = service.addressURL, !address.isEmpty { return address }
        let owned = (servicesByNamespace[service.namespace] ?? []).sorted { $0.name < $1.name }.first { candidate in
            candidate.name.hasSuffix("-predictor")
                && candidate.ownerReferences.contains { $0.kind == service.kind.rawValue && $0.name == service.name }
        }
        guard let predictor = owned else { return nil }
        var url = "http://\(predictor.name).\(predictor.namespace).svc.cluster.local"
        if let port = predictor.ports.first?.port, port != 0, port != 80 { url += ":\(port)" }
        return url
    }

    /// The API description of a ready-to-call service, or `nil` when it has no URL at all.
    func endpoint(_ service: KServeInferenceService) -> (url: String, annotations: [String: String])? {
        let inside = internalURL(service)
        let status = service.statusURL.flatMap { $0.isEmpty ? nil : $0 }
        var annotations: [String: String] = [:]
        let url: String
        if let status {
            url = status
            if status.contains("svc.cluster.local") {
                annotations[OutputAnnotation.internalServiceURL] = inside ?? status
            } else {
                if let inside { annotations[OutputAnnotation.internalServiceURL] = inside }
                if status != inside { annotations[OutputAnnotation.externalRouteURL] = status }
            }
        } else if let inside {
            url = inside
            annotations[OutputAnnotation.internalServiceURL] = inside
        } else {
            return nil
        }
        return (url, annotations)
    }
}

/// KServe readiness as upstream's reconcile judged it (§3.2): conditions present, model status
/// `UpToDate`, `IngressReady`/`PredictorReady`/`Ready` (where present) all `True`, and a URL.
public enum KServeReadiness {
    /// Why a service is not ready yet, or `nil` when it is.
    public static func notReadyReason(_ service: KServeInferenceService) -> String? {
        if service.conditions.isEmpty { return "no status conditions yet" }
        if service.kind == .inferenceService, service.transitionStatus != "UpToDate" {
            return "model status is \(service.transitionStatus ?? "unset"), not UpToDate"
        }
        for condition in service.conditions where ["IngressReady", "PredictorReady", "Ready"].contains(condition.type) {
            if condition.status != "True" { return "condition \(condition.type) is \(condition.status)" }
        }
        if (service.statusURL ?? "").isEmpty, (service.addressURL ?? "").isEmpty { return "no URL in status yet" }
        return nil
    }

    /// Whether the service is ready to be published.
    public static func isReady(_ service: KServeInferenceService) -> Bool { notReadyReason(service) == nil }
}
