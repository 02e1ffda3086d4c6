import Foundation

extension SandboxScenario {
    /// The catalog source of the demo's model cards.
    static let demoCatalogSource = "redhat_ai_models"

    /// Two registries with 13 models (one archived, one with an archived version), several
    /// versions each, artifacts with URIs, model cards from the catalog for some, two
    /// registry deployments (one undeployed record too), and KServe-only services in three
    /// namespaces (Serverless, RawDeployment exposed and internal, an LLMInferenceService, one
    /// that never becomes Ready). Names use `_`, `.` and upper case on purpose.
    ///
    /// Registries number their ids independently, so the registry labels of a deployed model could
    /// also match a model and version of the other registry. The order of the models is chosen so
    /// that they do not (a test checks it).
    public static var demo: SandboxScenario {
        SandboxScenario(
            name: "demo", namespaces: demoNamespaces,
            registries: [
                Registry(
                    name: "modelregistry-public",
                    models: [
                        Model(
                            name: "granite-3.1-8b-instruct", owner: "alice",
                            description: "IBM Granite 3.1 8B, tuned to follow instructions.",
                            customProperties: ["language": "en", "llm": ""],
                            versions: [
                                Version(
                                    name: "v1.0", author: "alice",
                                    artifacts: [card("rhelai1", "granite-3.1-8b-instruct", format: "vLLM")]),
                                Version(
                                    name: "v1.1", author: "alice",
                                    artifacts: [card("rhelai1", "granite-3.1-8b-instruct", format: "vLLM")],
                                    deployments: [Deployment(namespace: "team-a", runtime: "granite-instruct")]),
                            ]),
                        Model(
                            name: "Mistral_7B.Instruct", owner: "bob", description: "Mistral 7B instruct.",
                            versions: [
                                Version(
                                    name: "v0.2", artifacts: [card("rhelai1", "mistral-7b-instruct", format: "vLLM")]),
                                Version(
                                    name: "v0.3", artifacts: [card("rhelai1", "mistral-7b-instruct", format: "vLLM")]),
                            ]),
                        Model(
                            name: "mnist", owner: "carol", description: "Handwritten digits.",
                            versions: ["1", "2", "3"].map { version in
                                Version(
                                    name: version, artifacts: [plain("s3://models/mnist/\(version)", format: "onnx")])
                            }),
                        Model(
                            name: "fraud-detection", owner: "dave", description: "Card fraud scoring.",
                            versions: [
                                Version(
                                    name: "v1", state: "ARCHIVED",
                                    artifacts: [plain("s3://models/fraud/v1", format: "onnx")]),
                                Version(name: "v2", artifacts: [plain("s3://models/fraud/v2", format: "onnx")]),
                            ]),
                        Model(
                            name: "llama-3.1-8b", owner: "erin", description: "Meta Llama 3.1 8B.",
                            versions: [
                                Version(name: "v1", artifacts: [card("meta-llama", "llama-3.1-8b", format: "vLLM")])
                            ]),
                        Model(
                            name: "sentiment_analysis.bert", owner: "frank", description: "BERT sentiment classifier.",
                            versions: [
                                Version(
                                    name: "V1.0-Beta",
                                    artifacts: [plain("oci://quay.io/demo/bert:1.0", format: "pytorch")])
                            ]),
                        Model(
                            name: "legacy-model", owner: "grace", description: "Kept for history.", state: "ARCHIVED",
                            versions: [
                                Version(name: "v1", artifacts: [plain("s3://models/legacy/v1", format: "sklearn")])
                            ]),
                    ]),
                Registry(
                    name: "modelregistry-team-b",
                    models: [
                        Model(
                            name: "whisper-large-v3", owner: "ivan", description: "Speech to text.",
                            versions: [
                                Version(
                                    name: "v1", artifacts: [plain("hf://openai/whisper-large-v3", format: "pytorch")])
                            ]),
                        Model(
                            name: "phi-3-mini", owner: "heidi", description: "Microsoft Phi-3 mini.",
                            versions: [
                                Version(name: "v1", artifacts: [card("microsoft", "phi-3-mini", format: "vLLM")]),
                                Version(name: "v2", artifacts: [card("microsoft", "phi-3-mini", format: "vLLM")]),
                            ]),
                        Model(
                            name: "ResNet50", owner: "judy", description: "Image classification.",
                            versions: [
                                Version(name: "v1", artifacts: [plain("s3://models/resnet/v1", format: "tensorflow")]),
                                Version(name: "v2", artifacts: [plain("s3://models/resnet/v2", format: "tensorflow")]),
                            ]),
                        Model(
                            name: "yolo.v8", owner: "mallory", description: "Object detection.",
                            versions: [
                                Version(name: "v8.1", artifacts: [plain("s3://models/yolo/8.1", format: "onnx")])
                            ]),
                        Model(
                            name: "credit_scoring", owner: "niaj", description: "Credit risk.",
                            versions: [
                                Version(
                                    name: "v1", artifacts: [plain("s3://models/credit/v1", format: "xgboost")],
                                    deployments: [Deployment(namespace: "team-b", runtime: "credit-scoring")]),
                                Version(
                                    name: "v2", artifacts: [plain("s3://models/credit/v2", format: "xgboost")],
                                    deployments: [
                                        Deployment(
                                            namespace: "team-b", runtime: "credit-scoring-v2",
                                            desiredState: "UNDEPLOYED")
                                    ]),
                            ]),
                        Model(
                            name: "t5-small", owner: "olivia", description: "Text to text.",
                            versions: [Version(name: "v1", artifacts: [plain("s3://models/t5/v1", format: "pytorch")])]),
                    ]),
            ],
            catalog: demoCatalog,
            inferenceServices: [
                KServeService(
                    namespace: "team-a", name: "mnist-serverless", modelFormat: "onnx", runtime: "ovms",
                    storageUri: "s3://models/mnist/3"),
                KServeService(
                    namespace: "team-b", name: "tensorflow-raw", modelFormat: "tensorflow", runtime: "tf-serving",
                    storageUri: "s3://models/resnet/v2", deploymentMode: "RawDeployment"),
                KServeService(
                    namespace: "team-c", name: "sklearn-iris", modelFormat: "sklearn", runtime: "mlserver",
                    storageUri: "gs://kfserving-examples/models/sklearn/1.0/model", deploymentMode: "RawDeployment",
                    exposed: true, auth: true),
                KServeService(
                    namespace: "team-c", name: "llm-chat", kind: "LLMInferenceService",
                    storageUri: "hf://ibm-granite/granite-3.1-2b-instruct"),
                KServeService(
                    namespace: "team-c", name: "broken-model", modelFormat: "onnx", runtime: "ovms",
                    storageUri: "s3://models/broken", neverReady: true),
            ])
    }

    /// The demo's registries, catalog, namespaces and routes, without models or services.
    public static var empty: SandboxScenario {
        var scenario = demo
        scenario.name = "empty"
        scenario.inferenceServices = []
        for index in scenario.registries.indices { scenario.registries[index].models = [] }
        return scenario
    }

    /// `demo`, `empty`, or the path of a JSON scenario file.
    public static func named(_ nameOrPath: String) throws -> SandboxScenario {
        switch nameOrPath {
        case "demo": return demo
        case "empty": return empty
        default:
            let data: Data
            do {
                data = try Data(contentsOf: URL(fileURLWithPath: nameOrPath))
            } catch {
                throw SandboxScenarioError(
                    "scenario \"\(nameOrPath)\" is neither demo, empty nor a readable file: \(error.localizedDescription)"
                )
            }
            do {
                return try JSONDecoder().decode(SandboxScenario.self, from: data)
            } catch {
                throw SandboxScenarioError("scenario file \(nameOrPath) is not a valid scenario: \(error)")
            }
        }
    }

    private static let demoNamespaces = ["team-a", "team-b", "team-c"]

    private static func card(_ group: String, _ name: String, format: String) -> Artifact {
        Artifact(
            uri: "oci://registry.redhat.io/\(group)/\(name):latest", modelFormatName: format,
            modelSourceKind: "catalog", modelSourceClass: demoCatalogSource, modelSourceGroup: group,
            modelSourceName: name)
    }

    private static func plain(_ uri: String, format: String) -> Artifact {
        Artifact(uri: uri, modelFormatName: format, modelFormatVersion: "1")
    }

    private static var demoCatalog: Catalog {
        let cards: [(String, String, String)] = [
            ("rhelai1/granite-3.1-8b-instruct", "IBM", "Granite 3.1 8B Instruct"),
            ("rhelai1/mistral-7b-instruct", "Mistral AI", "Mistral 7B Instruct"),
            ("meta-llama/llama-3.1-8b", "Meta", "Llama 3.1 8B"),
            ("microsoft/phi-3-mini", "Microsoft", "Phi-3 mini"),
        ]
        return Catalog(sources: [
            CatalogSourceSpec(
                id: demoCatalogSource, name: "Red Hat AI models",
                models: cards.map { name, provider, title in
                    CatalogEntry(
                        name: name, description: "\(title), validated by Red Hat.",
                        readme:
                            "# \(title)\n\nProvider: \(provider).\n\n## Intended use\n\nChat and text generation.\n",
                        provider: provider, license: "apache-2.0")
                } + [CatalogEntry(name: "ibm/no-card-model", description: "A catalog model without a card.")])
        ])
    }
}

/// A scenario that cannot be loaded, with what to do instead.
public struct SandboxScenarioError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
