import CatalogModel
import Foundation

/// Model-catalog documents shaped like those the normalizer renders for `SandboxScenario.scaled`
/// (one ONNX artifact per version, no model card), for seeding storage without a registry.
enum SampleCatalog {
    static let registry = "rhoai-model-registries:modelregistry-public-https"

    /// The document of model `index` (0-based), version `version`; `revision` changes its bytes.
    static func document(index: Int, version: String = "v1", revision: Int = 0) -> (key: String, body: UpsertBody) {
        let name = "scale-model-" + String(format: "%05d", index + 1)
        let artifact = ModelArtifact(uri: "s3://scale/\(name)/\(version)", modelFormatName: "onnx")
        let document = RegistryNormalizer(settings: NormalizerSettings(defaultOwner: "sandbox")).normalize(
            RegistryVersionInput(
                registry: registry,
                model: RegisteredModel(
                    id: String(index + 1), name: name,
                    description: "Generated model \(index + 1), revision \(revision).",
                    owner: "scale-owner-\(index % 50)", lastUpdateTimeSinceEpoch: String(1_700_000_000_000 + revision)),
                version: ModelVersion(
                    id: String(100_000 + index), name: version, registeredModelId: String(index + 1),
                    lastUpdateTimeSinceEpoch: String(1_700_000_000_000 + revision)),
                artifacts: [artifact], modelCardMarkdown: nil),
            cluster: ClusterView(inferenceServices: []))
        // A body that cannot be rendered is a bench defect, not a measurement.
        guard let body = try? UpsertBody(document, format: .jsonArray) else {
            fatalError("the sample document \(name) cannot be encoded")
        }
        return (document.key.key, body)
    }

    /// `count` documents, one version each.
    static func documents(_ count: Int) -> [(key: String, body: UpsertBody)] {
        (0..<count).map { document(index: $0) }
    }

    /// The stored form of a document, as storage-rest keeps it.
    static func stored(_ body: UpsertBody) -> StorageBody {
        StorageBody(
            body: body.body, reconcilerType: ReconcilerType.kubeflow.rawValue,
            lastUpdateTimeSinceEpoch: body.lastUpdateTimeSinceEpoch,
            modelCardKey: body.modelCardKey.isEmpty ? nil : body.modelCardKey,
            modelCard: body.modelCard.isEmpty ? nil : body.modelCard)
    }
}
