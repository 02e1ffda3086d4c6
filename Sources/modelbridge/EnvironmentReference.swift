/// One environment variable a command reads, and what it means.
struct EnvironmentVariable: Sendable {
    let name: String
    /// The subcommands that read it (`location`, `storage-rest`, `rhoai-normalizer`, `all`, `console`, `doctor`).
    let commands: Set<String>
    let meaning: String
}

/// Every environment variable the commands read: the one list behind each command's `--help`, checked against
/// the code and docs/configuration.md by `CommandLineTests`.
///
/// ```swift
/// CommandConfiguration(commandName: "location", discussion: EnvironmentReference.help(for: "location"))
/// ```
enum EnvironmentReference {
    private static let roles: Set<String> = ["location", "storage-rest", "rhoai-normalizer", "all", "console"]
    private static let kubernetesReaders: Set<String> = [
        "storage-rest", "rhoai-normalizer", "all", "console", "doctor",
    ]
    private static let normalizerReaders: Set<String> = ["rhoai-normalizer", "all", "console", "doctor"]

    static let all: [EnvironmentVariable] = [
        .init(
            name: "NORMALIZER_FORMAT", commands: roles,
            meaning: "JsonArrayFormat (default) or CatalogInfoYamlFormat; anything else stops the role"),
        .init(
            name: "POD_IP", commands: roles.union(["doctor"]),
            meaning:
                "the pod's address: mutating endpoints accept callers from it; sibling URLs default to it; set, the console attaches to the sidecars on loopback"
        ),
        .init(
            name: "BRIDGE_TOKEN", commands: roles,
            meaning:
                "bearer token accepted on mutating endpoints from outside the pod, sent between roles and with an attached console's writes"
        ),
        .init(
            name: "STORAGE_URL", commands: ["location", "rhoai-normalizer"],
            meaning: "storage-rest (default http://$POD_IP:7070, or loopback without POD_IP)"),
        .init(
            name: "MODELCARD_UPSTREAM_COUNTER", commands: ["location", "all", "console"],
            meaning: "true restores upstream's 304 after ten reads of /modelcard (default false)"),
        .init(
            name: "BRIDGE_URL", commands: ["storage-rest"],
            meaning: "location (default http://$POD_IP:9090, or loopback without POD_IP)"),
        .init(
            name: "STORAGE_TYPE", commands: ["storage-rest", "all", "console", "doctor"],
            meaning: "ConfigMap (default) or Memory"),
        .init(
            name: "PUSH_TO_RHDH", commands: ["storage-rest", "doctor"],
            meaning: "true registers every document as a Backstage location (default false)"),
        .init(
            name: "BKSTG_URL", commands: ["storage-rest", "doctor"],
            meaning: "Developer Hub's URL for PUSH_TO_RHDH (default: the backstage Route in POD_NAMESPACE)"),
        .init(
            name: "RHDH_TOKEN", commands: ["storage-rest", "doctor"],
            meaning: "bearer token for Developer Hub's catalog API with PUSH_TO_RHDH"),
        .init(
            name: "MR_ROUTE", commands: normalizerReaders,
            meaning: "registries to read, comma-separated namespace:name or name (default: discovery by label)"),
        .init(
            name: "KFMR_TOKEN", commands: normalizerReaders,
            meaning: "bearer token for the registries and the catalog (default: the Kubernetes token)"),
        .init(
            name: "PROBE_INTERVAL", commands: ["rhoai-normalizer", "all", "console"],
            meaning: "how often each registry is probed for change, a Go duration (default 10s)"),
        .init(
            name: "POLLING_INTERVAL", commands: ["rhoai-normalizer", "all", "console"],
            meaning: "how often everything is read in full, a Go duration (default 2m)"),
        .init(
            name: "DEFAULT_OWNER", commands: ["rhoai-normalizer", "all", "console"],
            meaning: "owner when a model names none (default rhdh-rhoai-bridge)"),
        .init(
            name: "DEFAULT_LIFECYCLE", commands: ["rhoai-normalizer", "all", "console"],
            meaning: "lifecycle when a model names none (default development)"),
        .init(
            name: "MODELCARD_BASE_URL", commands: ["rhoai-normalizer", "all", "console"],
            meaning: "base of the TechDocs links to model cards (default http://localhost:9090)"),
        .init(
            name: "REGISTRY_CA_FILE", commands: normalizerReaders,
            meaning: "PEM file of the CA that signed the registry and catalog Routes"),
        .init(
            name: "REGISTRY_INSECURE_SKIP_TLS_VERIFY", commands: normalizerReaders,
            meaning: "true turns registry certificate checks off, with a warning (default false)"),
        .init(
            name: "LEADER_ELECT", commands: normalizerReaders,
            meaning: "true: only the holder of the Lease modelbridge-normalizer writes (default false)"),
        .init(
            name: "POD_NAME", commands: ["rhoai-normalizer", "all", "console"],
            meaning: "the identity in the Lease (default: host name and process id)"),
        .init(
            name: "POD_NAMESPACE", commands: kubernetesReaders,
            meaning: "where the ConfigMaps and the Lease live (default: the Kubernetes configuration's namespace)"),
        .init(name: "NAMESPACE", commands: kubernetesReaders, meaning: "read when POD_NAMESPACE is unset"),
        .init(
            name: "KUBECONFIG", commands: kubernetesReaders,
            meaning: "kubeconfig files, colon-separated (--kubeconfig wins)"),
        .init(
            name: "KUBERNETES_SERVICE_HOST", commands: kubernetesReaders,
            meaning: "the API server, with the service-account files or the token Secret's variables"),
        .init(name: "KUBERNETES_SERVICE_PORT", commands: kubernetesReaders, meaning: "the API server's port"),
        .init(
            name: "token", commands: kubernetesReaders,
            meaning: "the connector token Secret's token, through envFrom (with KUBERNETES_SERVICE_HOST/PORT)"),
        .init(name: "ca.crt", commands: kubernetesReaders, meaning: "that Secret's CA bundle, through envFrom"),
        .init(name: "namespace", commands: kubernetesReaders, meaning: "that Secret's namespace, through envFrom"),
        .init(
            name: "K8S_TOKEN", commands: kubernetesReaders,
            meaning: "a token used when the Kubernetes configuration has none"),
        .init(name: "HOME", commands: kubernetesReaders, meaning: "where ~/.kube/config is looked for last"),
        .init(name: "TERM", commands: ["console"], meaning: "the terminal type (terminfo); dumb means no colours"),
        .init(name: "NO_COLOR", commands: ["console"], meaning: "any value turns colours off"),
        .init(
            name: "COLORFGBG", commands: ["console"],
            meaning: "the terminal's colours, to pick a dark or light theme (--theme auto)"),
    ]

    /// The `Environment:` section of a command's `--help`: each variable on a line, its meaning indented below.
    static func help(for command: String) -> String {
        let variables = all.filter { $0.commands.contains(command) }
        guard !variables.isEmpty else { return "" }
        let lines = variables.map { "  \($0.name)\n      \($0.meaning)" }
        return "Environment (see docs/configuration.md):\n" + lines.joined(separator: "\n")
    }
}
