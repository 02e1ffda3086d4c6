import KubeAPI

/// What kube-apiserver does to a Pod beyond the generic object rules: the defaults it fills in on create, the
/// status it starts with (`Pending` and the QoS class), and the part of `ValidatePod` a sandbox pod can get wrong
/// (containers, their names, images and ports).
///
/// ```swift
/// let stored = FakeKubePods.preparedForCreate(pod)   // status.phase == "Pending", ports get protocol TCP, …
/// let errors = FakeKubePods.validate(stored)         // [] or `spec.containers: Required value`, …
/// ```
enum FakeKubePods {
    /// The object defaults (`SetDefaults_PodSpec`, `SetDefaults_Container`, `SetDefaults_ContainerPort`) and the
    /// create strategy's status (`PrepareForCreate`): phase `Pending`, with the pod's QoS class.
    static func preparedForCreate(_ pod: JSONValue) -> JSONValue {
        var pod = pod
        var spec = pod["spec"]?.objectValue ?? [:]
        let defaults: [String: JSONValue] = [
            "restartPolicy": "Always", "dnsPolicy": "ClusterFirst", "terminationGracePeriodSeconds": 30,
            "schedulerName": "default-scheduler", "securityContext": [:], "enableServiceLinks": true,
            "priority": 0, "preemptionPolicy": "PreemptLowerPriority",
        ]
        for (field, value) in defaults where spec[field] == nil { spec[field] = value }
        let account = spec["serviceAccountName"]?.stringValue ?? spec["serviceAccount"]?.stringValue ?? "default"
        spec["serviceAccountName"] = .string(account)
        spec["serviceAccount"] = .string(account)
        for field in ["containers", "initContainers"] {
            guard let containers = spec[field]?.arrayValue else { continue }
            spec[field] = .array(containers.map(defaulted(container:)))
        }
        pod["spec"] = .object(spec)
        pod["status"] = ["phase": "Pending", "qosClass": .string(qosClass(pod))]
        return pod
    }

    private static func defaulted(container: JSONValue) -> JSONValue {
        var container = container
        if container["terminationMessagePath"] == nil { container["terminationMessagePath"] = "/dev/termination-log" }
        if container["terminationMessagePolicy"] == nil { container["terminationMessagePolicy"] = "File" }
        if container["resources"] == nil { container["resources"] = [:] }
        if container["imagePullPolicy"] == nil {
            // `:latest` or no tag pulls always; a pinned tag or digest only when missing.
            let image = container["image"]?.stringValue ?? ""
            let last = image.split(separator: "/").last.map(String.init) ?? image
            let pinned = image.contains("@") || (last.contains(":") && !last.hasSuffix(":latest"))
            container["imagePullPolicy"] = pinned ? "IfNotPresent" : "Always"
        }
        if let ports = container["ports"]?.arrayValue {
            container["ports"] = .array(
                ports.map { port in
                    var port = port
                    if port["protocol"] == nil { port["protocol"] = "TCP" }
                    return port
                })
        }
        return container
    }

    /// `qos.GetPodQOS` on CPU and memory: `BestEffort` without requests or limits, `Guaranteed` when every
    /// container limits both and requests (if any) equal the limits, else `Burstable`.
    static func qosClass(_ pod: JSONValue) -> String {
        let containers =
            (pod["spec"]?["containers"]?.arrayValue ?? []) + (pod["spec"]?["initContainers"]?.arrayValue ?? [])
        let computeResources = ["cpu", "memory"]
        var anySet = false
        var guaranteed = !containers.isEmpty
        for container in containers {
            let requests = container["resources"]?["requests"]?.objectValue ?? [:]
            let limits = container["resources"]?["limits"]?.objectValue ?? [:]
            for resource in computeResources {
                if requests[resource] != nil || limits[resource] != nil { anySet = true }
                guard let limit = limits[resource] else {
                    guaranteed = false
                    continue
                }
                if let request = requests[resource], request != limit { guaranteed = false }
            }
        }
        if !anySet { return "BestEffort" }
        return guaranteed ? "Guaranteed" : "Burstable"
    }

    /// The containers part of `ValidatePodSpec`, with its field paths and messages.
    static func validate(_ pod: JSONValue) -> [FakeKubeFieldError] {
        let containers = pod["spec"]?["containers"]?.arrayValue ?? []
        guard !containers.isEmpty else { return [.required("spec.containers")] }
        var errors: [FakeKubeFieldError] = []
        var names: Set<String> = []
        var portNames: Set<String> = []
        for (index, container) in containers.enumerated() {
            let path = "spec.containers[\(index)]"
            let name = container["name"]?.stringValue ?? ""
            if name.isEmpty {
                errors.append(.required("\(path).name"))
            } else {
                for message in FakeKubeValidation.dns1123Label(name) {
                    errors.append(.invalid("\(path).name", name, message))
                }
                if !names.insert(name).inserted {
                    errors.append(
                        FakeKubeFieldError(type: .duplicate, field: "\(path).name", value: .string(name), detail: ""))
                }
            }
            if (container["image"]?.stringValue ?? "").trimmingCharacters(in: .whitespaces).isEmpty {
                errors.append(.required("\(path).image"))
            }
            for (portIndex, port) in (container["ports"]?.arrayValue ?? []).enumerated() {
                let portPath = "\(path).ports[\(portIndex)]"
                if let portName = port["name"]?.stringValue, !portName.isEmpty {
                    for message in portNameMessages(portName) {
                        errors.append(.invalid("\(portPath).name", portName, message))
                    }
                    if !portNames.insert(portName).inserted {
                        errors.append(
                            FakeKubeFieldError(
                                type: .duplicate, field: "\(portPath).name", value: .string(portName), detail: ""))
                    }
                }
                let number = port["containerPort"]?.intValue ?? 0
                if number == 0 {
                    errors.append(.required("\(portPath).containerPort"))
                } else if !(1...65535).contains(number) {
                    errors.append(
                        .invalid(
                            "\(portPath).containerPort", number: Int64(number),
                            "must be between 1 and 65535, inclusive"))
                }
            }
        }
        return errors
    }

    /// `IsValidPortName`: an IANA service name (at most 15 characters, `[a-z0-9-]`, at least one letter, no `--`,
    /// no `-` at either end).
    static func portNameMessages(_ name: String) -> [String] {
        var messages: [String] = []
        if name.count > 15 { messages.append("must be no more than 15 characters") }
        if !name.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }) {
            messages.append("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)")
        }
        if name.contains("--") { messages.append("must not contain consecutive hyphens") }
        if !name.unicodeScalars.contains(where: { ("a"..."z").contains($0) }) {
            messages.append("must contain at least one letter (a-z)")
        }
        if name.hasPrefix("-") || name.hasSuffix("-") { messages.append("must not begin or end with a hyphen") }
        return messages
    }
}
