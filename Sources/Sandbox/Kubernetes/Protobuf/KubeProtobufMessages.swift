/// The protobuf messages of the built-in kinds the fake API server reads, with the field numbers of the published
/// `generated.proto` files (`k8s.io/apimachinery/pkg/apis/meta/v1`, `k8s.io/api/core/v1`, `rbac/v1`,
/// `coordination/v1`, `authorization/v1`, and `k8s.io/apimachinery/pkg/util/intstr`).
///
/// These are the kinds `kubectl create namespace|configmap|secret|serviceaccount|service|role|rolebinding|
/// clusterrole|clusterrolebinding` and `kubectl auth can-i` send, plus Lease, which typed Go clients send. The
/// CustomResourceDefinition message (whole OpenAPI schemas) is not read: such a body gets a 400.
///
/// ```swift
/// let message = KubeProtobufMessages.byKind["v1/ConfigMap"]
/// ```
enum KubeProtobufMessages {
    /// `apiVersion/Kind` (`v1/ConfigMap`, `rbac.authorization.k8s.io/v1/Role`) → the top-level message.
    static let byKind: [String: KubeProtobufMessage] = [
        "v1/Namespace": namespace,
        "v1/ConfigMap": configMap,
        "v1/Secret": secret,
        "v1/ServiceAccount": serviceAccount,
        "v1/Service": service,
        "rbac.authorization.k8s.io/v1/Role": role,
        "rbac.authorization.k8s.io/v1/ClusterRole": clusterRole,
        "rbac.authorization.k8s.io/v1/RoleBinding": roleBinding,
        "rbac.authorization.k8s.io/v1/ClusterRoleBinding": roleBinding,
        "coordination.k8s.io/v1/Lease": lease,
        "authorization.k8s.io/v1/SelfSubjectAccessReview": selfSubjectAccessReview,
    ]

    // MARK: - meta/v1, runtime, intstr

    static let timestamp = KubeProtobufMessage("Timestamp", [1: .int64("seconds"), 2: .int32("nanos")])

    static let intOrString = KubeProtobufMessage(
        "IntOrString", [1: .int64("type", pointer: true), 2: .int32("intVal"), 3: .string("strVal", pointer: true)])

    static let fieldsV1 = KubeProtobufMessage("FieldsV1", [1: KubeProtobufField(name: "Raw", type: .bytes)])

    static let ownerReference = KubeProtobufMessage(
        "OwnerReference",
        [
            5: .string("apiVersion"), 1: .string("kind"), 3: .string("name"), 4: .string("uid"),
            6: .bool("controller", pointer: true), 7: .bool("blockOwnerDeletion", pointer: true),
        ])

    static let managedFieldsEntry = KubeProtobufMessage(
        "ManagedFieldsEntry",
        [
            1: .string("manager"), 2: .string("operation"), 3: .string("apiVersion"), 4: .time("time"),
            6: .string("fieldsType"), 7: KubeProtobufField(name: "fieldsV1", type: .rawJSON),
            8: .string("subresource"),
        ])

    static let objectMeta = KubeProtobufMessage(
        "ObjectMeta",
        [
            1: .string("name"), 2: .string("generateName"), 3: .string("namespace"), 4: .string("selfLink"),
            5: .string("uid"), 6: .string("resourceVersion"), 7: .int64("generation"),
            8: .time("creationTimestamp"), 9: .time("deletionTimestamp"),
            10: .int64("deletionGracePeriodSeconds", pointer: true), 11: .stringMap("labels"),
            12: .stringMap("annotations"), 13: .messages("ownerReferences", ownerReference),
            14: .strings("finalizers"), 17: .messages("managedFields", managedFieldsEntry),
        ])

    static let labelSelector = KubeProtobufMessage(
        "LabelSelector",
        [
            1: .stringMap("matchLabels"),
            2: .messages(
                "matchExpressions",
                KubeProtobufMessage(
                    "LabelSelectorRequirement", [1: .string("key"), 2: .string("operator"), 3: .strings("values")])),
        ])

    static let condition = KubeProtobufMessage(
        "Condition",
        [
            1: .string("type"), 2: .string("status"), 3: .int64("observedGeneration"), 4: .time("lastTransitionTime"),
            5: .string("reason"), 6: .string("message"),
        ])

    // MARK: - core/v1

    static let namespace = KubeProtobufMessage(
        "Namespace",
        [
            1: .message("metadata", objectMeta),
            2: .message("spec", KubeProtobufMessage("NamespaceSpec", [1: .strings("finalizers")])),
            3: .message(
                "status",
                KubeProtobufMessage(
                    "NamespaceStatus",
                    [
                        1: .string("phase"),
                        2: .messages(
                            "conditions",
                            KubeProtobufMessage(
                                "NamespaceCondition",
                                [
                                    1: .string("type"), 2: .string("status"), 4: .time("lastTransitionTime"),
                                    5: .string("reason"), 6: .string("message"),
                                ])),
                    ])),
        ])

    static let configMap = KubeProtobufMessage(
        "ConfigMap",
        [
            1: .message("metadata", objectMeta), 2: .stringMap("data"), 3: .bytesMap("binaryData"),
            4: .bool("immutable", pointer: true),
        ])

    static let secret = KubeProtobufMessage(
        "Secret",
        [
            1: .message("metadata", objectMeta), 2: .bytesMap("data"), 3: .string("type"),
            4: .stringMap("stringData"), 5: .bool("immutable", pointer: true),
        ])

    static let objectReference = KubeProtobufMessage(
        "ObjectReference",
        [
            1: .string("kind"), 2: .string("namespace"), 3: .string("name"), 4: .string("uid"),
            5: .string("apiVersion"), 6: .string("resourceVersion"), 7: .string("fieldPath"),
        ])

    static let serviceAccount = KubeProtobufMessage(
        "ServiceAccount",
        [
            1: .message("metadata", objectMeta), 2: .messages("secrets", objectReference),
            3: .messages("imagePullSecrets", KubeProtobufMessage("LocalObjectReference", [1: .string("name")])),
            4: .bool("automountServiceAccountToken", pointer: true),
        ])

    static let servicePort = KubeProtobufMessage(
        "ServicePort",
        [
            1: .string("name"), 2: .string("protocol"), 6: .string("appProtocol", pointer: true), 3: .int32("port"),
            4: .intOrString("targetPort"), 5: .int32("nodePort"),
        ])

    static let serviceSpec = KubeProtobufMessage(
        "ServiceSpec",
        [
            1: .messages("ports", servicePort), 2: .stringMap("selector"), 3: .string("clusterIP"),
            18: .strings("clusterIPs"), 4: .string("type"), 5: .strings("externalIPs"),
            7: .string("sessionAffinity"), 8: .string("loadBalancerIP"), 9: .strings("loadBalancerSourceRanges"),
            10: .string("externalName"), 11: .string("externalTrafficPolicy"), 12: .int32("healthCheckNodePort"),
            13: .bool("publishNotReadyAddresses"),
            14: .message(
                "sessionAffinityConfig",
                KubeProtobufMessage(
                    "SessionAffinityConfig",
                    [
                        1: .message(
                            "clientIP",
                            KubeProtobufMessage("ClientIPConfig", [1: .int32("timeoutSeconds", pointer: true)]))
                    ])),
            19: .strings("ipFamilies"), 17: .string("ipFamilyPolicy", pointer: true),
            20: .bool("allocateLoadBalancerNodePorts", pointer: true), 21: .string("loadBalancerClass", pointer: true),
            22: .string("internalTrafficPolicy", pointer: true),
        ])

    static let service = KubeProtobufMessage(
        "Service",
        [
            1: .message("metadata", objectMeta), 2: .message("spec", serviceSpec),
            3: .message(
                "status",
                KubeProtobufMessage(
                    "ServiceStatus",
                    [
                        1: .message(
                            "loadBalancer",
                            KubeProtobufMessage(
                                "LoadBalancerStatus",
                                [
                                    1: .messages(
                                        "ingress",
                                        KubeProtobufMessage(
                                            "LoadBalancerIngress", [1: .string("ip"), 2: .string("hostname")]))
                                ])),
                        2: .messages("conditions", condition),
                    ])),
        ])

    // MARK: - rbac/v1

    static let policyRule = KubeProtobufMessage(
        "PolicyRule",
        [
            1: .strings("verbs"), 2: .strings("apiGroups"), 3: .strings("resources"), 4: .strings("resourceNames"),
            5: .strings("nonResourceURLs"),
        ])

    static let role = KubeProtobufMessage(
        "Role", [1: .message("metadata", objectMeta), 2: .messages("rules", policyRule)])

    static let clusterRole = KubeProtobufMessage(
        "ClusterRole",
        [
            1: .message("metadata", objectMeta), 2: .messages("rules", policyRule),
            3: .message(
                "aggregationRule",
                KubeProtobufMessage("AggregationRule", [1: .messages("clusterRoleSelectors", labelSelector)])),
        ])

    /// RoleBinding and ClusterRoleBinding share one shape.
    static let roleBinding = KubeProtobufMessage(
        "RoleBinding",
        [
            1: .message("metadata", objectMeta),
            2: .messages(
                "subjects",
                KubeProtobufMessage(
                    "Subject",
                    [1: .string("kind"), 2: .string("apiGroup"), 3: .string("name"), 4: .string("namespace")]
                )),
            3: .message(
                "roleRef",
                KubeProtobufMessage("RoleRef", [1: .string("apiGroup"), 2: .string("kind"), 3: .string("name")])),
        ])

    // MARK: - coordination/v1, authorization/v1

    static let lease = KubeProtobufMessage(
        "Lease",
        [
            1: .message("metadata", objectMeta),
            2: .message(
                "spec",
                KubeProtobufMessage(
                    "LeaseSpec",
                    [
                        1: .string("holderIdentity", pointer: true), 2: .int32("leaseDurationSeconds", pointer: true),
                        3: .microTime("acquireTime"), 4: .microTime("renewTime"),
                        5: .int32("leaseTransitions", pointer: true),
                    ])),
        ])

    static let selfSubjectAccessReview = KubeProtobufMessage(
        "SelfSubjectAccessReview",
        [
            1: .message("metadata", objectMeta),
            2: .message(
                "spec",
                KubeProtobufMessage(
                    "SelfSubjectAccessReviewSpec",
                    [
                        1: .message(
                            "resourceAttributes",
                            KubeProtobufMessage(
                                "ResourceAttributes",
                                [
                                    1: .string("namespace"), 2: .string("verb"), 3: .string("group"),
                                    4: .string("version"), 5: .string("resource"), 6: .string("subresource"),
                                    7: .string("name"),
                                ])),
                        2: .message(
                            "nonResourceAttributes",
                            KubeProtobufMessage("NonResourceAttributes", [1: .string("path"), 2: .string("verb")])),
                    ])),
            3: .message(
                "status",
                KubeProtobufMessage(
                    "SubjectAccessReviewStatus",
                    [1: .bool("allowed"), 4: .bool("denied"), 2: .string("reason"), 3: .string("evaluationError")])),
        ])
}
