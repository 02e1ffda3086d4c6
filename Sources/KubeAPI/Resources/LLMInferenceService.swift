/// A KServe `LLMInferenceService` (`serving.kserve.io/v1alpha1`), kept loose: `spec` and `status` are raw JSON
/// so nothing is lost while the API is still alpha.
///
/// ```swift
/// let llm = try await client.get(LLMInferenceService.self, name: "granite", namespace: "ns1")
/// let uri = llm.spec?["model"]?["uri"]?.stringValue
/// ```
public struct LLMInferenceService: KubeResource, Hashable {
    public static let resource = ResourceDescriptor(
        group: "serving.kserve.io", version: "v1alpha1", plural: "llminferenceservices",
        kind: "LLMInferenceService", namespaced: true)

    public var apiVersion: String?
    public var kind: String?
    public var metadata: ObjectMeta
    public var spec: JSONValue?
    public var status: JSONValue?

    public init(metadata: ObjectMeta, spec: JSONValue? = nil, status: JSONValue? = nil) {
        self.apiVersion = Self.resource.apiVersion
        self.kind = Self.resource.kind
        self.metadata = metadata
        self.spec = spec
        self.status = status
    }
}
