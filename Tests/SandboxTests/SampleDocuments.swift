import CatalogModel
import Foundation

/// Model-catalog documents as the real normalizer produces them, for a real location.
enum SampleDocuments {
    /// A registry document with a model card at `http://localhost:9090/modelcard?key=…`.
    static func registry(model: String, version: String = "v1", card: String? = "# Card\n\nHello.\n")
        -> (key: String, body: UpsertBody)
    {
        let artifact = ModelArtifact(
            uri: "s3://bucket/\(model)", modelSourceClass: "redhat_ai_models", modelSourceGroup: "rhelai1",
            modelSourceName: model)
        let document = RegistryNormalizer(settings: NormalizerSettings(defaultOwner: "sandbox")).normalize(
            RegistryVersionInput(
                registry: "ns:registry",
                model: RegisteredModel(id: "1", name: model, owner: "alice", lastUpdateTimeSinceEpoch: "100"),
                version: ModelVersion(id: "2", name: version, registeredModelId: "1", lastUpdateTimeSinceEpoch: "200"),
                artifacts: [artifact], modelCardMarkdown: card),
            cluster: ClusterView(inferenceServices: []))
        return (document.key.key, try! UpsertBody(document, format: .jsonArray))
    }
}
