/// The schemas of the kinds in ``FakeKubeResourceKind/standardKinds``, written for the sandbox from the public API
/// reference of each kind (Kubernetes core, RBAC, coordination, authorization and apiextensions; OpenShift Route;
/// KServe InferenceService and LLMInferenceService).
///
/// Built-in kinds are complete down to the fields kubectl and the bridge write. Where a subtree is large and never
/// inspected by the sandbox (a pod's volumes, probes, affinity; a custom resource's `status`), it is an open object:
/// its listed fields are still checked, the rest is kept as sent. `docs/sandbox.md` lists these places.
///
/// ```swift
/// let schema = FakeKubeSchemas.schema(for: kind)   // nil: the kind has no schema and is not checked
/// ```
enum FakeKubeSchemas {
    /// `apiVersion/Kind` → the schema of the whole object.
    static func schema(apiVersion: String, kind: String) -> FakeKubeSchema? {
        guard let body = bodies["\(apiVersion)/\(kind)"] else { return nil }
        var properties = body
        properties["apiVersion"] = .string
        properties["kind"] = .string
        properties["metadata"] = objectMeta
        return .object(properties)
    }

    static func schema(for kind: FakeKubeResourceKind) -> FakeKubeSchema? {
        schema(apiVersion: kind.apiVersion, kind: kind.kind)
    }

    // MARK: - meta/v1

    static let objectMeta = FakeKubeSchema.object([
        "name": .string, "generateName": .string, "namespace": .string, "selfLink": .string, "uid": .string,
        "resourceVersion": .string, "generation": .int64, "creationTimestamp": .time, "deletionTimestamp": .time,
        "deletionGracePeriodSeconds": .int64, "labels": .stringMap, "annotations": .stringMap,
        "ownerReferences": .list(
            .object([
                "apiVersion": .string, "kind": .string, "name": .string, "uid": .string, "controller": .bool,
                "blockOwnerDeletion": .bool,
            ]), patch: .merge(key: "uid")),
        "finalizers": .list(.string, patch: .mergeSet),
        "managedFields": .list(
            .object([
                "manager": .string, "operation": .string, "apiVersion": .string, "time": .time,
                "fieldsType": .string, "fieldsV1": .anything, "subresource": .string,
            ])),
    ])

    static let labelSelector = FakeKubeSchema.object([
        "matchLabels": .stringMap,
        "matchExpressions": .list(.object(["key": .string, "operator": .string, "values": .strings])),
    ])

    static let condition = FakeKubeSchema.object([
        "type": .string, "status": .string, "observedGeneration": .int64, "lastTransitionTime": .time,
        "reason": .string, "message": .string,
    ])

    // MARK: - core/v1

    static let objectReference = FakeKubeSchema.object([
        "kind": .string, "namespace": .string, "name": .string, "uid": .string, "apiVersion": .string,
        "resourceVersion": .string, "fieldPath": .string,
    ])

    static let localObjectReference = FakeKubeSchema.object(["name": .string])

    static let serviceSpec = FakeKubeSchema.object([
        "ports": .list(
            .object([
                "name": .string, "protocol": .string, "appProtocol": .string, "port": .int32,
                "targetPort": .intOrString, "nodePort": .int32,
            ]), patch: .merge(key: "port", mapKeys: ["port", "protocol"])),
        "selector": .stringMap, "clusterIP": .string, "clusterIPs": .strings, "type": .string,
        "externalIPs": .strings, "sessionAffinity": .string, "loadBalancerIP": .string,
        "loadBalancerSourceRanges": .strings, "externalName": .string, "externalTrafficPolicy": .string,
        "healthCheckNodePort": .int32, "publishNotReadyAddresses": .bool,
        "sessionAffinityConfig": .object(["clientIP": .object(["timeoutSeconds": .int32])]),
        "ipFamilies": .strings, "ipFamilyPolicy": .string, "allocateLoadBalancerNodePorts": .bool,
        "loadBalancerClass": .string, "internalTrafficPolicy": .string, "trafficDistribution": .string,
    ])

    static let serviceStatus = FakeKubeSchema.object([
        "loadBalancer": .object([
            "ingress": .list(
                .object([
                    "ip": .string, "hostname": .string, "ipMode": .string,
                    "ports": .list(.object(["port": .int32, "protocol": .string, "error": .string])),
                ]))
        ]),
        "conditions": .list(condition, patch: .merge(key: "type")),
    ])

    /// A container of a pod: every field of `core/v1 Container` is known; the nested probes, lifecycle, security
    /// context and mounts are open objects.
    static let container = FakeKubeSchema.object([
        "name": .string, "image": .string, "command": .strings, "args": .strings, "workingDir": .string,
        "ports": .list(
            .object([
                "name": .string, "hostPort": .int32, "containerPort": .int32, "protocol": .string, "hostIP": .string,
            ]), patch: .merge(key: "containerPort", mapKeys: ["containerPort", "protocol"])),
        "envFrom": .list(.open()),
        "env": .list(.object(["name": .string, "value": .string, "valueFrom": .open()]), patch: .merge(key: "name")),
        "resources": .object([
            "limits": .map(.intOrString), "requests": .map(.intOrString), "claims": .list(.open()),
        ]),
        "resizePolicy": .list(.open()), "restartPolicy": .string,
        "volumeMounts": .list(.open(), patch: .merge(key: "mountPath")),
        "volumeDevices": .list(.open(), patch: .merge(key: "devicePath")),
        "livenessProbe": .open(), "readinessProbe": .open(), "startupProbe": .open(), "lifecycle": .open(),
        "terminationMessagePath": .string, "terminationMessagePolicy": .string, "imagePullPolicy": .string,
        "securityContext": .open(), "stdin": .bool, "stdinOnce": .bool, "tty": .bool,
    ])

    /// The fields of `core/v1 PodSpec`, which KServe's component specs inline.
    static let podSpecFields: [String: FakeKubeSchema] = [
        "volumes": .list(.open(), patch: .merge(key: "name")),
        "initContainers": .list(container, patch: .merge(key: "name")),
        "containers": .list(container, patch: .merge(key: "name")),
        "ephemeralContainers": .list(.open()), "restartPolicy": .string, "terminationGracePeriodSeconds": .int64,
        "activeDeadlineSeconds": .int64, "dnsPolicy": .string, "nodeSelector": .stringMap,
        "serviceAccountName": .string, "serviceAccount": .string, "automountServiceAccountToken": .bool,
        "nodeName": .string, "hostNetwork": .bool, "hostPID": .bool, "hostIPC": .bool,
        "shareProcessNamespace": .bool, "securityContext": .open(),
        "imagePullSecrets": .list(localObjectReference, patch: .merge(key: "name")), "hostname": .string,
        "subdomain": .string, "affinity": .open(), "schedulerName": .string, "tolerations": .list(.open()),
        "hostAliases": .list(.open()), "priorityClassName": .string, "priority": .int32, "dnsConfig": .open(),
        "readinessGates": .list(.open()), "runtimeClassName": .string, "enableServiceLinks": .bool,
        "preemptionPolicy": .string, "overhead": .map(.intOrString), "topologySpreadConstraints": .list(.open()),
        "setHostnameAsFQDN": .bool, "os": .open(), "hostUsers": .bool, "schedulingGates": .list(.open()),
        "resourceClaims": .list(.open()), "resources": .open(),
    ]

    // MARK: - KServe

    /// KServe's `ComponentExtensionSpec`, shared by the predictor, explainer and transformer.
    static let componentExtensionFields: [String: FakeKubeSchema] = [
        "minReplicas": .int32, "maxReplicas": .int32, "scaleTarget": .int32, "scaleMetric": .string,
        "scaleMetricType": .string, "containerConcurrency": .int64, "timeout": .int64,
        "canaryTrafficPercent": .int64, "logger": .open(), "batcher": .open(), "labels": .stringMap,
        "annotations": .stringMap, "deploymentStrategy": .open(), "autoScaling": .open(),
    ]

    /// A model-server spec (`sklearn`, `onnx`, … and `model`): a container plus where the model is.
    static let predictorModel: FakeKubeSchema = {
        guard case .object(var fields, _) = container else { return container }
        fields["storageUri"] = .string
        fields["runtimeVersion"] = .string
        fields["protocolVersion"] = .string
        fields["storage"] = .object([
            "path": .string, "schemaPath": .string, "parameters": .stringMap, "key": .string,
        ])
        fields["modelFormat"] = .object(["name": .string, "version": .string])
        fields["runtime"] = .string
        return .object(fields)
    }()

    static let predictor: FakeKubeSchema = {
        var fields = podSpecFields.merging(componentExtensionFields) { first, _ in first }
        for framework in [
            "sklearn", "xgboost", "tensorflow", "pytorch", "triton", "onnx", "huggingface", "pmml", "lightgbm",
            "paddle", "model",
        ] {
            fields[framework] = predictorModel
        }
        fields["workerSpec"] = .open()
        return .object(fields)
    }()

    static let explainer: FakeKubeSchema = {
        var fields = podSpecFields.merging(componentExtensionFields) { first, _ in first }
        fields["art"] = .open()
        return .object(fields)
    }()

    static let transformer = FakeKubeSchema.object(
        podSpecFields.merging(componentExtensionFields) { first, _ in first })

    // MARK: - The kinds

    /// Each kind's fields besides `apiVersion`, `kind` and `metadata`.
    static let bodies: [String: [String: FakeKubeSchema]] = [
        "v1/Namespace": [
            "spec": .object(["finalizers": .strings]),
            "status": .object([
                "phase": .string,
                "conditions": .list(
                    .object([
                        "type": .string, "status": .string, "lastTransitionTime": .time, "reason": .string,
                        "message": .string,
                    ]), patch: .merge(key: "type")),
            ]),
        ],
        "v1/ConfigMap": ["data": .stringMap, "binaryData": .map(.bytes), "immutable": .bool],
        "v1/Secret": ["data": .map(.bytes), "stringData": .stringMap, "type": .string, "immutable": .bool],
        "v1/ServiceAccount": [
            "secrets": .list(objectReference, patch: .merge(key: "name")),
            "imagePullSecrets": .list(localObjectReference),
            "automountServiceAccountToken": .bool,
        ],
        "v1/Service": ["spec": serviceSpec, "status": serviceStatus],
        "v1/Pod": [
            "spec": .object(podSpecFields),
            "status": .open([
                "phase": .string, "podIP": .string, "podIPs": .list(.object(["ip": .string]), patch: .merge(key: "ip")),
                "hostIP": .string, "hostIPs": .list(.object(["ip": .string]), patch: .merge(key: "ip")),
                "startTime": .time, "qosClass": .string, "reason": .string, "message": .string,
                "conditions": .list(
                    .object([
                        "type": .string, "status": .string, "lastProbeTime": .time, "lastTransitionTime": .time,
                        "reason": .string, "message": .string, "observedGeneration": .int64,
                    ]), patch: .merge(key: "type")),
                "containerStatuses": .list(.open()), "initContainerStatuses": .list(.open()),
            ]),
        ],
        "rbac.authorization.k8s.io/v1/Role": ["rules": .list(policyRule)],
        "rbac.authorization.k8s.io/v1/ClusterRole": [
            "rules": .list(policyRule), "aggregationRule": .object(["clusterRoleSelectors": .list(labelSelector)]),
        ],
        "rbac.authorization.k8s.io/v1/RoleBinding": ["subjects": .list(subject), "roleRef": roleRef],
        "rbac.authorization.k8s.io/v1/ClusterRoleBinding": ["subjects": .list(subject), "roleRef": roleRef],
        "coordination.k8s.io/v1/Lease": [
            "spec": .object([
                "holderIdentity": .string, "leaseDurationSeconds": .int32, "acquireTime": .time, "renewTime": .time,
                "leaseTransitions": .int32, "strategy": .string, "preferredHolder": .string,
            ])
        ],
        "apiextensions.k8s.io/v1/CustomResourceDefinition": [
            "spec": .object([
                "group": .string,
                "names": .object([
                    "plural": .string, "singular": .string, "shortNames": .strings, "kind": .string,
                    "listKind": .string, "categories": .strings,
                ]),
                "scope": .string,
                "versions": .list(
                    .object([
                        "name": .string, "served": .bool, "storage": .bool, "deprecated": .bool,
                        "deprecationWarning": .string, "schema": .object(["openAPIV3Schema": .anything]),
                        "subresources": .open(), "additionalPrinterColumns": .list(.open()),
                        "selectableFields": .list(.open()),
                    ])),
                "conversion": .open(), "preserveUnknownFields": .bool,
            ]),
            "status": .open(),
        ],
        "authorization.k8s.io/v1/SelfSubjectAccessReview": [
            "spec": .object([
                "resourceAttributes": .object([
                    "namespace": .string, "verb": .string, "group": .string, "version": .string,
                    "resource": .string, "subresource": .string, "name": .string, "fieldSelector": .open(),
                    "labelSelector": .open(),
                ]),
                "nonResourceAttributes": .object(["path": .string, "verb": .string]),
            ]),
            "status": .object([
                "allowed": .bool, "denied": .bool, "reason": .string, "evaluationError": .string,
            ]),
        ],
        "route.openshift.io/v1/Route": [
            "spec": .object([
                "host": .string, "subdomain": .string, "path": .string,
                "to": .object(["kind": .string, "name": .string, "weight": .int32]),
                "alternateBackends": .list(.object(["kind": .string, "name": .string, "weight": .int32])),
                "port": .object(["targetPort": .intOrString]),
                "tls": .object([
                    "termination": .string, "certificate": .string, "key": .string, "caCertificate": .string,
                    "destinationCACertificate": .string, "insecureEdgeTerminationPolicy": .string,
                    "externalCertificate": localObjectReference,
                ]),
                "wildcardPolicy": .string, "httpHeaders": .open(),
            ]),
            "status": .object([
                "ingress": .list(
                    .object([
                        "host": .string, "routerName": .string, "wildcardPolicy": .string,
                        "routerCanonicalHostname": .string,
                        "conditions": .list(
                            .object([
                                "type": .string, "status": .string, "reason": .string, "message": .string,
                                "lastTransitionTime": .time,
                            ])),
                    ]))
            ]),
        ],
        "serving.kserve.io/v1beta1/InferenceService": [
            "spec": .object(["predictor": predictor, "explainer": explainer, "transformer": transformer]),
            "status": .open([
                "url": .string, "address": .open(), "conditions": .list(.open()), "components": .map(.open()),
                "modelStatus": .open(), "observedGeneration": .int64, "deploymentMode": .string,
            ]),
        ],
        "serving.kserve.io/v1alpha1/LLMInferenceService": [
            "spec": .open([
                "model": .open(["uri": .string, "name": .string, "criticality": .string, "lora": .open()]),
                "replicas": .int32, "parallelism": .open(), "template": .open(podSpecFields), "worker": .open(),
                "prefill": .open(), "router": .open(), "baseRefs": .list(localObjectReference),
            ]),
            "status": .open(["url": .string, "conditions": .list(.open()), "addresses": .list(.open())]),
        ],
    ]

    // MARK: - rbac/v1

    static let policyRule = FakeKubeSchema.object([
        "verbs": .strings, "apiGroups": .strings, "resources": .strings, "resourceNames": .strings,
        "nonResourceURLs": .strings,
    ])

    static let subject = FakeKubeSchema.object([
        "kind": .string, "apiGroup": .string, "name": .string, "namespace": .string,
    ])

    static let roleRef = FakeKubeSchema.object(["apiGroup": .string, "kind": .string, "name": .string])
}
