import Foundation
import KubeAPI
import Logging

/// A simulated kubelet inside the fake Kubernetes API: every new Pod starts at once. Through the `status`
/// subresource, as a kubelet writes it, the pod gets `phase: Running`, `podIP`/`podIPs` (``podIP``, loopback by
/// default, because the sandbox's "containers" are processes on this host), `hostIP`, `startTime`, the conditions
/// `PodReadyToStartContainers`, `Initialized`, `ContainersReady`, `Ready` and `PodScheduled` = `True`, and a running,
/// ready status per container.
///
/// A pod annotated `sandbox.modelbridge.io/never-ready: "true"` stays `Pending` without an IP (as a pod that cannot
/// be scheduled). The controller watches the store (no polling): tests await the watch-driven result.
///
/// ```swift
/// let kubelet = FakeKubeletController(store: kube.store)
/// let task = Task { await kubelet.run() }   // until cancelled
/// ```
public final class FakeKubeletController: Sendable {
    /// The address every pod gets.
    public let podIP: String
    private let store: FakeKubeStore
    private let logger: Logger

    public init(store: FakeKubeStore, podIP: String = "127.0.0.1", logger: Logger? = nil) {
        self.store = store
        self.podIP = podIP
        self.logger = logger ?? Logger(label: "modelbridge.sandbox.kubelet")
    }

    /// Watches Pods until the task is cancelled.
    public func run() async {
        guard let kind = store.kind(id: Pod.resource.fakeKindID) else { return }
        while !Task.isCancelled {
            guard
                let (id, items) = try? store.startWatch(
                    kind, namespace: nil, labels: FakeKubeSelector(), fields: FakeKubeSelector(), resourceVersion: nil)
            else { return }
            for await item in items {
                guard case .event(let type, let object) = item, type != "DELETED", needsStart(object) else { continue }
                start(kind: kind, pod: object)
            }
            store.finishWatcher(id, withBookmark: false)
            // The watch was dropped (a restart): watch again; the new watch replays every pod as ADDED.
            do { try await Task.sleep(for: .milliseconds(20)) } catch { return }
        }
    }

    private func needsStart(_ pod: JSONValue) -> Bool {
        guard pod["metadata"]?["deletionTimestamp"] == nil,
            pod["metadata"]?["annotations"]?[KServeStatusController.neverReadyAnnotation]?.stringValue != "true"
        else { return false }
        return pod["status"]?["phase"]?.stringValue != "Running" || pod["status"]?["podIPs"] == nil
    }

    private func start(kind: FakeKubeResourceKind, pod: JSONValue) {
        guard let namespace = pod["metadata"]?["namespace"]?.stringValue,
            let name = pod["metadata"]?["name"]?.stringValue
        else { return }
        do {
            _ = try store.patch(
                kind, namespace: namespace, name: name, patch: ["status": Self.runningStatus(for: pod, podIP: podIP)],
                subresource: "status")
            logger.debug("pod started", metadata: ["pod": "\(namespace)/\(name)", "ip": "\(podIP)"])
        } catch {
            logger.warning("could not start the pod", metadata: ["pod": "\(namespace)/\(name)", "error": "\(error)"])
        }
    }

    /// The status a kubelet reports for a pod whose containers all run and are ready.
    public static func runningStatus(for pod: JSONValue, podIP: String) -> JSONValue {
        let now = JSONValue.string(FakeKubeStore.timestamp())
        let conditions = ["PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled"].map {
            type -> JSONValue in
            ["type": .string(type), "status": "True", "lastProbeTime": .null, "lastTransitionTime": now]
        }
        let containers = (pod["spec"]?["containers"]?.arrayValue ?? []).map { container -> JSONValue in
            let name = container["name"]?.stringValue ?? ""
            return [
                "name": .string(name), "image": container["image"] ?? "", "imageID": "",
                "containerID": .string("sandbox://\(pod["metadata"]?["uid"]?.stringValue ?? "")/\(name)"),
                "ready": true, "started": true, "restartCount": 0, "state": ["running": ["startedAt": now]],
            ]
        }
        return [
            "phase": "Running", "podIP": .string(podIP), "podIPs": [["ip": .string(podIP)]],
            "hostIP": .string(podIP), "hostIPs": [["ip": .string(podIP)]], "startTime": now,
            "conditions": .array(conditions), "containerStatuses": .array(containers),
            "qosClass": pod["status"]?["qosClass"] ?? "BestEffort",
        ]
    }
}
