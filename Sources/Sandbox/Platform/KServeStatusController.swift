import Foundation
import KubeAPI
import Logging
import Synchronization

/// A simulated KServe controller inside the fake Kubernetes API: every new (or changed)
/// InferenceService or LLMInferenceService becomes Ready after ``Configuration/readyDelay``,
/// with the status fields the bridge reads (`spec/kubernetes.md` §3.2):
///
/// - conditions `IngressReady`, `PredictorReady` and `Ready` = `True` (plus the Serverless ones),
///   `modelStatus.transitionStatus: UpToDate`, `observedGeneration`;
/// - `status.url`: `https://<name>-<ns>.<appsDomain>` for Serverless and exposed RawDeployment
///   services, else the internal URL; `status.address.url`: `http://<name>-predictor.<ns>.svc.cluster.local`;
/// - an owned `<name>-predictor` Service, and an owned `<name>-sa` ServiceAccount when the
///   service asks for auth (`security.opendatahub.io/enable-auth: "true"`); both go when the
///   InferenceService is deleted (garbage collection).
///
/// An object annotated `sandbox.modelbridge.io/never-ready: "true"` gets a failed status at once
/// and never becomes Ready. The controller watches the store (no polling), so tests await the
/// watch-driven result instead of sleeping.
///
/// ```swift
/// let controller = KServeStatusController(store: kube.store, configuration: .init(readyDelay: .milliseconds(50)))
/// let task = Task { await controller.run() }   // until cancelled
/// ```
public final class KServeStatusController: Sendable {
    /// Timing and URL shapes.
    public struct Configuration: Sendable {
        /// How long a new service takes to become Ready.
        public var readyDelay: Duration
        /// The OpenShift apps domain used in external URLs.
        public var appsDomain: String

        public init(readyDelay: Duration = .seconds(2), appsDomain: String = "apps.sandbox.example") {
            self.readyDelay = readyDelay
            self.appsDomain = appsDomain
        }
    }

    /// The annotation that keeps a service from ever becoming Ready.
    public static let neverReadyAnnotation = "sandbox.modelbridge.io/never-ready"
    /// KServe's deployment-mode annotation (`Serverless`, the default, or `RawDeployment`).
    public static let deploymentModeAnnotation = "serving.kserve.io/deploymentMode"
    /// The RawDeployment label that exposes a service outside the cluster (`exposed`).
    public static let visibilityLabel = "networking.kserve.io/visibility"
    /// The ODH annotation that turns token auth on.
    public static let authAnnotation = "security.opendatahub.io/enable-auth"

    public let configuration: Configuration
    private let store: FakeKubeStore
    private let logger: Logger
    private let pending = Mutex<Set<String>>([])

    public init(store: FakeKubeStore, configuration: Configuration = Configuration(), logger: Logger? = nil) {
        self.store = store
        self.configuration = configuration
        self.logger = logger ?? Logger(label: "modelbridge.sandbox.kserve")
    }

    /// Watches InferenceServices and LLMInferenceServices until the task is cancelled.
    public func run() async {
        await withDiscardingTaskGroup { group in
            for kindID in [InferenceService.resource.fakeKindID, LLMInferenceService.resource.fakeKindID] {
                group.addTask { await self.watch(kindID: kindID) }
            }
        }
    }

    private func watch(kindID: String) async {
        guard let kind = store.kind(id: kindID) else { return }
        await withDiscardingTaskGroup { group in
            while !Task.isCancelled {
                guard
                    let (id, items) = try? store.startWatch(
                        kind, namespace: nil, labels: FakeKubeSelector(), fields: FakeKubeSelector(),
                        resourceVersion: nil)
                else { return }
                for await item in items {
                    guard case .event(let type, let object) = item else { continue }
                    if type == "DELETED" {
                        collectGarbage(owner: object)
                    } else if let key = needsStatus(object, kind: kind), pending.withLock({ $0.insert(key).inserted }) {
                        let delay = isNeverReady(object) ? Duration.zero : configuration.readyDelay
                        group.addTask {
                            defer { self.pending.withLock { _ = $0.remove(key) } }
                            if delay > .zero {
                                do { try await Task.sleep(for: delay) } catch { return }
                            }
                            self.reconcile(kind: kind, object: object)
                        }
                    }
                }
                store.finishWatcher(id, withBookmark: false)
                // The watch was dropped (a fault or a restart): watch again. A new watch replays every
                // object as ADDED, so nothing is missed.
                do { try await Task.sleep(for: .milliseconds(20)) } catch { return }
            }
        }
    }

    /// The pending-work key when the object still needs a status from this controller.
    private func needsStatus(_ object: JSONValue, kind: FakeKubeResourceKind) -> String? {
        let metadata = object["metadata"]
        guard metadata?["deletionTimestamp"] == nil, let name = metadata?["name"]?.stringValue,
            let namespace = metadata?["namespace"]?.stringValue, let uid = metadata?["uid"]?.stringValue
        else { return nil }
        let generation = metadata?["generation"]?.intValue ?? 1
        let status = object["status"]
        if status?["observedGeneration"]?.intValue == generation {
            let settled = isNeverReady(object) || Self.condition("Ready", of: object) == "True"
            if settled { return nil }
        }
        return "\(kind.id)/\(namespace)/\(name)/\(uid)"
    }

    private func isNeverReady(_ object: JSONValue) -> Bool {
        object["metadata"]?["annotations"]?[Self.neverReadyAnnotation]?.stringValue == "true"
    }

    private func reconcile(kind: FakeKubeResourceKind, object seen: JSONValue) {
        guard let namespace = seen["metadata"]?["namespace"]?.stringValue,
            let name = seen["metadata"]?["name"]?.stringValue,
            let current = try? store.get(kind, namespace: namespace, name: name),
            current["metadata"]?["uid"] == seen["metadata"]?["uid"], current["metadata"]?["deletionTimestamp"] == nil
        else { return }
        let status =
            isNeverReady(current)
            ? Self.failedStatus(for: current, kind: kind)
            : Self.readyStatus(for: current, kind: kind, appsDomain: configuration.appsDomain)
        do {
            _ = try store.patch(
                kind, namespace: namespace, name: name, patch: ["status": status], subresource: "status")
            ensureOwned(
                kind: KubeService.resource.fakeKindID, name: "\(name)-predictor", owner: current, kindName: kind.kind)
            if current["metadata"]?["annotations"]?[Self.authAnnotation]?.stringValue == "true" {
                ensureOwned(
                    kind: ServiceAccount.resource.fakeKindID, name: "\(name)-sa", owner: current, kindName: kind.kind)
            }
            logger.debug("status written", metadata: ["object": "\(namespace)/\(name)"])
        } catch {
            logger.warning("could not write status", metadata: ["object": "\(namespace)/\(name)", "error": "\(error)"])
        }
    }

    /// Creates the owned Service or ServiceAccount unless it exists.
    private func ensureOwned(kind kindID: String, name: String, owner: JSONValue, kindName: String) {
        guard let kind = store.kind(id: kindID), let namespace = owner["metadata"]?["namespace"]?.stringValue,
            let ownerName = owner["metadata"]?["name"]?.stringValue,
            (try? store.get(kind, namespace: namespace, name: name)) == nil
        else { return }
        let reference: JSONValue = [
            "apiVersion": owner["apiVersion"] ?? "serving.kserve.io/v1beta1", "kind": .string(kindName),
            "name": .string(ownerName), "uid": owner["metadata"]?["uid"] ?? "", "controller": true,
            "blockOwnerDeletion": true,
        ]
        var object: JSONValue = [
            "metadata": [
                "name": .string(name), "namespace": .string(namespace),
                "labels": ["serving.kserve.io/inferenceservice": .string(ownerName), "component": "predictor"],
                "ownerReferences": [reference],
            ]
        ]
        if kindID == KubeService.resource.fakeKindID {
            object["spec"] = [
                "type": "ClusterIP",
                "ports": [["name": "http", "port": 80, "protocol": "TCP", "targetPort": 8080]],
                "selector": ["serving.kserve.io/inferenceservice": .string(ownerName)],
            ]
        }
        _ = try? store.create(kind, namespace: namespace, object: object)
    }

    /// Deletes what the deleted object owned (Kubernetes garbage collection).
    private func collectGarbage(owner: JSONValue) {
        guard let namespace = owner["metadata"]?["namespace"]?.stringValue,
            let name = owner["metadata"]?["name"]?.stringValue, let uid = owner["metadata"]?["uid"]
        else { return }
        for (kindID, ownedName) in [
            (KubeService.resource.fakeKindID, "\(name)-predictor"), (ServiceAccount.resource.fakeKindID, "\(name)-sa"),
        ] {
            guard let kind = store.kind(id: kindID),
                let owned = try? store.get(kind, namespace: namespace, name: ownedName),
                owned["metadata"]?["ownerReferences"]?.arrayValue?.contains(where: { $0["uid"] == uid }) == true
            else { continue }
            _ = try? store.delete(kind, namespace: namespace, name: ownedName)
        }
    }

    // MARK: - Status shapes (pure)

    /// The status of a Ready service.
    public static func readyStatus(for object: JSONValue, kind: FakeKubeResourceKind, appsDomain: String) -> JSONValue {
        let metadata = object["metadata"]
        let name = metadata?["name"]?.stringValue ?? ""
        let namespace = metadata?["namespace"]?.stringValue ?? ""
        let mode = metadata?["annotations"]?[deploymentModeAnnotation]?.stringValue ?? "Serverless"
        let raw = mode == "RawDeployment"
        let internalURL = "http://\(name)-predictor.\(namespace).svc.cluster.local"
        let externalURL = "https://\(name)-\(namespace).\(appsDomain)"
        let exposed =
            raw
            ? metadata?["labels"]?[visibilityLabel]?.stringValue == "exposed"
            : metadata?["labels"]?["networking.knative.dev/visibility"]?.stringValue != "cluster-local"
        let url = exposed ? externalURL : internalURL
        let now = JSONValue.string(FakeKubeStore.timestamp())
        var conditionTypes = ["IngressReady", "PredictorReady", "Ready"]
        if !raw && kind.kind == "InferenceService" {
            conditionTypes += [
                "LatestDeploymentReady", "PredictorConfigurationReady", "PredictorRouteReady", "RoutesReady",
            ]
        }
        let conditions = conditionTypes.sorted().map { type -> JSONValue in
            ["type": .string(type), "status": "True", "lastTransitionTime": now]
        }
        var status: JSONValue = [
            "observedGeneration": .int(metadata?["generation"]?.intValue ?? 1),
            "url": .string(url),
            "address": ["url": .string(internalURL)],
            "conditions": .array(conditions),
        ]
        if kind.kind == "LLMInferenceService" {
            status["addresses"] = [["url": .string(internalURL)]]
            return status
        }
        var predictor: JSONValue = [
            "url": .string(exposed && !raw ? "https://\(name)-predictor-\(namespace).\(appsDomain)" : url),
            "address": ["url": .string(internalURL)],
        ]
        if !raw {
            let revision = JSONValue.string("\(name)-predictor-00001")
            predictor["latestCreatedRevision"] = revision
            predictor["latestReadyRevision"] = revision
            predictor["latestRolledoutRevision"] = revision
            predictor["traffic"] = [["revisionName": revision, "percent": 100, "latestRevision": true]]
        }
        status["components"] = ["predictor": predictor]
        status["modelStatus"] = [
            "transitionStatus": "UpToDate",
            "states": ["activeModelState": "Loaded", "targetModelState": "Loaded"],
            "copies": ["failedCopies": 0, "totalCopies": 1],
        ]
        status["deploymentMode"] = .string(raw ? "RawDeployment" : "Serverless")
        return status
    }

    /// The status of a service that failed to load its model.
    public static func failedStatus(for object: JSONValue, kind: FakeKubeResourceKind) -> JSONValue {
        let now = JSONValue.string(FakeKubeStore.timestamp())
        let conditions = ["IngressReady", "PredictorReady", "Ready"].map { type -> JSONValue in
            [
                "type": .string(type), "status": "False", "reason": "ModelLoadFailed",
                "message": "the sandbox keeps this service from ever becoming ready", "lastTransitionTime": now,
            ]
        }
        var status: JSONValue = [
            "observedGeneration": .int(object["metadata"]?["generation"]?.intValue ?? 1),
            "conditions": .array(conditions),
        ]
        if kind.kind == "InferenceService" {
            status["modelStatus"] = [
                "transitionStatus": "BlockedByFailedLoad",
                "states": ["activeModelState": "", "targetModelState": "FailedToLoad"],
                "lastFailureInfo": ["reason": "ModelLoadFailed", "message": "simulated failure"],
            ]
        }
        return status
    }

    static func condition(_ type: String, of object: JSONValue) -> String? {
        object["status"]?["conditions"]?.arrayValue?.first { $0["type"]?.stringValue == type }?["status"]?.stringValue
    }
}
