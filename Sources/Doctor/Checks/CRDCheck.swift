import KubeAPI

/// Are the KServe custom resource definitions installed? InferenceService is required, LLMInferenceService
/// optional (without it LLM inference services are simply not published).
public enum CRDCheck {
    /// Whether a CRD of this name exists; throws when the question cannot be answered (403, no answer).
    public typealias Lookup = @Sendable (String) async throws -> Bool

    public static let inferenceServices = "inferenceservices.serving.kserve.io"
    public static let llmInferenceServices = "llminferenceservices.serving.kserve.io"

    /// A lookup through the Kubernetes client: 200 means installed, 404 means not.
    public static func lookup(client: KubeClient) -> Lookup {
        { name in
            do {
                _ = try await client.get(CustomResourceDefinition.self, name: name)
                return true
            } catch let error as KubeAPIError where error.isNotFound {
                return false
            }
        }
    }

    public static func run(lookup: Lookup) async -> [DoctorFinding] {
        var findings: [DoctorFinding] = []
        do {
            if try await lookup(inferenceServices) {
                findings.append(DoctorFinding(check: "crd \(inferenceServices)", result: .ok, detail: "installed"))
            } else {
                findings.append(
                    DoctorFinding(
                        check: "crd \(inferenceServices)", result: .fail,
                        detail: "not installed: KServe is missing, the normalizer cannot start",
                        fix: """
                            Enable single-model serving (KServe) in OpenShift AI: set spec.components.kserve.managementState \
                            to Managed in the DataScienceCluster, then check:
                            kubectl get crd \(inferenceServices)
                            """))
            }
        } catch {
            findings.append(
                DoctorFinding(
                    check: "crd \(inferenceServices)", result: .fail, detail: "cannot tell: \(error)",
                    fix: "See the rbac get customresourcedefinitions check."))
        }
        do {
            let installed = try await lookup(llmInferenceServices)
            findings.append(
                DoctorFinding(
                    check: "crd \(llmInferenceServices)", result: .ok,
                    detail: installed
                        ? "installed" : "not installed (optional: LLM inference services are not published)"))
        } catch {
            findings.append(
                DoctorFinding(
                    check: "crd \(llmInferenceServices)", result: .warn, detail: "cannot tell: \(error)",
                    fix: "See the rbac get customresourcedefinitions check."))
        }
        return findings
    }
}
