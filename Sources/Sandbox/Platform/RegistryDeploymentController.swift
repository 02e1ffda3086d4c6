import Foundation
import KubeAPI
import Logging
import RegistryAPI

/// Simulates what OpenShift AI does when a model is deployed from a Model Registry: a registry
/// `InferenceService` record with `desiredState` DEPLOYED gets a KServe InferenceService in its
/// serving environment's namespace, named by the record's `runtime` (else the part of its name
/// before `/`) and labelled with the three `modelregistry.opendatahub.io/…-id` labels; UNDEPLOYED
/// deletes it. The KServe controller then makes it Ready.
///
/// It reads the fake registry stores directly; ``reconcileNow()`` runs one pass (tests call it
/// after changing a store), ``run()`` repeats it every ``interval``.
///
/// ```swift
/// let controller = RegistryDeploymentController(kube: kube.store, registries: [("public", registry.store)])
/// controller.reconcileNow()
/// ```
public final class RegistryDeploymentController: Sendable {
    /// One registry to watch: its name (for the `modelregistry.opendatahub.io/name` label) and store.
    public struct Source: Sendable {
        public var name: String
        public var store: FakeRegistryStore

        public init(name: String, store: FakeRegistryStore) {
            self.name = name
            self.store = store
        }
    }

    /// The label prefix OpenShift AI puts on deployed models.
    public static let labelPrefix = "modelregistry.opendatahub.io/"

    public let interval: Duration
    private let kube: FakeKubeStore
    private let sources: [Source]
    private let logger: Logger

    public init(kube: FakeKubeStore, sources: [Source], interval: Duration = .milliseconds(500), logger: Logger? = nil)
    {
        self.kube = kube
        self.sources = sources
        self.interval = interval
        self.logger = logger ?? Logger(label: "modelbridge.sandbox.deployments")
    }

    /// Reconciles every ``interval`` until the task is cancelled.
    public func run() async {
        while !Task.isCancelled {
            reconcileNow()
            do { try await Task.sleep(for: interval) } catch { return }
        }
    }

    /// One pass over every registry's inference-service records.
    public func reconcileNow() {
        guard let kind = kube.kind(id: KubeAPI.InferenceService.resource.fakeKindID) else { return }
        for source in sources {
            for record in source.store.inferenceServices() {
                reconcile(record, source: source, kind: kind)
            }
        }
    }

    private func reconcile(_ record: RegistryAPI.InferenceService, source: Source, kind: FakeKubeResourceKind) {
        guard let recordID = record.id, let modelID = record.registeredModelId,
            let environmentID = record.servingEnvironmentId,
            let namespace = try? source.store.servingEnvironment(id: environmentID).name, !namespace.isEmpty
        else { return }
        var selector = FakeKubeSelector()
        selector.requirements = [
            .equals(Self.labelPrefix + "inference-service-id", recordID),
            .equals(Self.labelPrefix + "registered-model-id", modelID),
            .equals(Self.labelPrefix + "name", source.name),
        ]
        let existing =
            (try? kube.list(
                kind, namespace: namespace, labels: selector, fields: FakeKubeSelector(), limit: nil, continueToken: nil
            ).items) ?? []
        if record.desiredState == .undeployed {
            for object in existing {
                guard let name = object["metadata"]?["name"]?.stringValue else { continue }
                _ = try? kube.delete(kind, namespace: namespace, name: name)
                logger.info("undeployed", metadata: ["isvc": "\(namespace)/\(name)", "record": "\(recordID)"])
            }
            return
        }
        guard existing.isEmpty, let name = Self.kubernetesName(for: record) else { return }
        if (try? kube.get(kind, namespace: namespace, name: name)) != nil {
            logger.warning(
                "cannot deploy: an InferenceService with this name exists already",
                metadata: ["isvc": "\(namespace)/\(name)", "record": "\(recordID)"])
            return
        }
        let versionID = record.modelVersionId ?? latestVersionID(of: modelID, in: source.store)
        let artifact = versionID.flatMap { try? source.store.artifacts(ofVersion: $0) }?.first { $0.isModelArtifact }
        var labels: [String: JSONValue] = [
            Self.labelPrefix + "inference-service-id": .string(recordID),
            Self.labelPrefix + "registered-model-id": .string(modelID),
            Self.labelPrefix + "name": .string(source.name),
            "opendatahub.io/dashboard": "true",
        ]
        if let versionID { labels[Self.labelPrefix + "model-version-id"] = .string(versionID) }
        var model: JSONValue = [
            "modelFormat": [
                "name": .string(artifact?.modelFormatName ?? "onnx"),
                "version": artifact?.modelFormatVersion.map { .string($0) } ?? .null,
            ],
            "runtime": .string(name),
        ]
        if let uri = artifact?.uri { model["storageUri"] = .string(uri) }
        let object: JSONValue = [
            "metadata": [
                "name": .string(name), "namespace": .string(namespace), "labels": .object(labels),
                "annotations": ["openshift.io/display-name": .string(record.name ?? name)],
            ],
            "spec": ["predictor": ["model": model]],
        ]
        do {
            _ = try kube.create(kind, namespace: namespace, object: object.removingNulls())
            logger.info("deployed", metadata: ["isvc": "\(namespace)/\(name)", "record": "\(recordID)"])
        } catch {
            logger.warning("cannot deploy", metadata: ["isvc": "\(namespace)/\(name)", "error": "\(error)"])
        }
    }

    private func latestVersionID(of modelID: String, in store: FakeRegistryStore) -> String? {
        let versions = (try? store.modelVersions(ofModel: modelID)) ?? []
        return versions.max {
            (Int64($0.createTimeSinceEpoch ?? "") ?? 0) < (Int64($1.createTimeSinceEpoch ?? "") ?? 0)
        }?.id
    }

    /// The KServe object name: `runtime`, else the part of the record's name before `/`, made a
    /// valid Kubernetes name (lower case, `[a-z0-9-]`, at most 63 characters).
    public static func kubernetesName(for record: RegistryAPI.InferenceService) -> String? {
        let source =
            record.runtime.flatMap { $0.isEmpty ? nil : $0 }
            ?? record.name.flatMap { $0.split(separator: "/", maxSplits: 1).first.map(String.init) }
        guard let source else { return nil }
        var name = ""
        for character in source.lowercased() {
            if character.isASCII && (character.isLetter || character.isNumber) {
                name.append(character)
            } else if !name.isEmpty && name.last != "-" {
                name.append("-")
            }
        }
        name = String(name.prefix(63))
        while name.last == "-" { name.removeLast() }
        return name.isEmpty ? nil : name
    }
}

extension JSONValue {
    /// The value with every `null` object member removed, recursively.
    func removingNulls() -> JSONValue {
        switch self {
        case .object(let members):
            return .object(members.compactMapValues { $0 == .null ? nil : $0.removingNulls() })
        case .array(let elements):
            return .array(elements.map { $0.removingNulls() })
        default:
            return self
        }
    }
}
