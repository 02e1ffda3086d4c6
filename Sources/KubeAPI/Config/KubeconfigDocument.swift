import Foundation
import Yams

extension KubeConfig {
    /// Builds the configuration from kubeconfig files, merged the way client-go merges a `KUBECONFIG` list:
    /// for every named cluster, user and context, and for `current-context`, the first file that has it wins.
    ///
    /// Relative certificate and token paths are relative to the folder of the file that names them.
    public static func fromKubeconfig(paths: [String], context explicitContext: String? = nil) throws -> KubeConfig {
        var merged = KubeconfigDocument()
        var readAny = false
        for path in paths {
            guard let data = FileManager.default.contents(atPath: path) else { continue }
            readAny = true
            let folder = (path as NSString).deletingLastPathComponent
            let document = try KubeconfigDocument.parse(String(decoding: data, as: UTF8.self), path: path)
            merged.merge(document.resolvingPaths(relativeTo: folder))
        }
        guard readAny else {
            throw KubeConfigError("none of the kubeconfig files exists: \(paths.joined(separator: ":"))")
        }
        return try merged.config(context: explicitContext, origin: "kubeconfig \(paths.joined(separator: ":"))")
    }

    /// Builds the configuration from kubeconfig YAML text; relative paths resolve against `directory`.
    public static func fromKubeconfig(yaml: String, directory: String, context: String? = nil) throws -> KubeConfig {
        let document = try KubeconfigDocument.parse(yaml, path: "(text)").resolvingPaths(relativeTo: directory)
        return try document.config(context: context, origin: "kubeconfig text")
    }
}

/// The parts of a kubeconfig file the client understands. YAML keys use hyphens.
struct KubeconfigDocument: Decodable {
    var currentContext: String?
    var clusters: [Named<Cluster>] = []
    var contexts: [Named<Context>] = []
    var users: [Named<User>] = []

    struct Named<Value: Decodable>: Decodable {
        var name: String
        var value: Value?

        private enum CodingKeys: String, CodingKey { case name, cluster, context, user }

        init(name: String, value: Value?) {
            self.name = name
            self.value = value
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            name = try container.decode(String.self, forKey: .name)
            value =
                try container.decodeIfPresent(Value.self, forKey: .cluster)
                ?? container.decodeIfPresent(Value.self, forKey: .context)
                ?? container.decodeIfPresent(Value.self, forKey: .user)
        }
    }

    struct Cluster: Decodable {
        var server: String?
        var certificateAuthority: String?
        var certificateAuthorityData: String?
        var insecureSkipTLSVerify: Bool?

        private enum CodingKeys: String, CodingKey {
            case server
            case certificateAuthority = "certificate-authority"
            case certificateAuthorityData = "certificate-authority-data"
            case insecureSkipTLSVerify = "insecure-skip-tls-verify"
        }
    }

    struct Context: Decodable {
        var cluster: String?
        var user: String?
        var namespace: String?
    }

    struct User: Decodable {
        var token: String?
        var tokenFile: String?
        var clientCertificate: String?
        var clientCertificateData: String?
        var clientKey: String?
        var clientKeyData: String?
        var exec: ExecPlugin?
        var authProvider: ExecPlugin?

        struct ExecPlugin: Decodable {}

        private enum CodingKeys: String, CodingKey {
            case token, tokenFile, exec
            case clientCertificate = "client-certificate"
            case clientCertificateData = "client-certificate-data"
            case clientKey = "client-key"
            case clientKeyData = "client-key-data"
            case authProvider = "auth-provider"
        }
    }

    private enum CodingKeys: String, CodingKey {
        case currentContext = "current-context"
        case clusters, contexts, users
    }

    init() {}

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        currentContext = try container.decodeIfPresent(String.self, forKey: .currentContext)
        clusters = try container.decodeIfPresent([Named<Cluster>].self, forKey: .clusters) ?? []
        contexts = try container.decodeIfPresent([Named<Context>].self, forKey: .contexts) ?? []
        users = try container.decodeIfPresent([Named<User>].self, forKey: .users) ?? []
    }

    static func parse(_ text: String, path: String) throws -> KubeconfigDocument {
        if text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { return KubeconfigDocument() }
        do {
            return try YAMLDecoder().decode(KubeconfigDocument.self, from: text)
        } catch {
            throw KubeConfigError("kubeconfig \(path) is not valid: \(error)")
        }
    }

    /// Makes file references absolute, so merging files from different folders keeps them right.
    func resolvingPaths(relativeTo folder: String) -> KubeconfigDocument {
        func absolute(_ path: String?) -> String? {
            guard let path, !path.isEmpty else { return nil }
            return path.hasPrefix("/") || folder.isEmpty ? path : "\(folder)/\(path)"
        }
        var copy = self
        copy.clusters = clusters.map { named in
            guard var cluster = named.value else { return named }
            cluster.certificateAuthority = absolute(cluster.certificateAuthority)
            return Named(name: named.name, value: cluster)
        }
        copy.users = users.map { named in
            guard var user = named.value else { return named }
            user.tokenFile = absolute(user.tokenFile)
            user.clientCertificate = absolute(user.clientCertificate)
            user.clientKey = absolute(user.clientKey)
            return Named(name: named.name, value: user)
        }
        return copy
    }

    /// First definition wins, as in client-go.
    mutating func merge(_ other: KubeconfigDocument) {
        if currentContext == nil || currentContext?.isEmpty == true { currentContext = other.currentContext }
        func add<V>(_ mine: inout [Named<V>], _ theirs: [Named<V>]) {
            for entry in theirs where !mine.contains(where: { $0.name == entry.name }) { mine.append(entry) }
        }
        add(&clusters, other.clusters)
        add(&contexts, other.contexts)
        add(&users, other.users)
    }

    func config(context explicitContext: String?, origin: String) throws -> KubeConfig {
        guard let contextName = explicitContext ?? currentContext, !contextName.isEmpty else {
            throw KubeConfigError("\(origin): no current-context and no context given")
        }
        guard let context = contexts.first(where: { $0.name == contextName })?.value else {
            throw KubeConfigError("\(origin): context \"\(contextName)\" is not defined")
        }
        guard let clusterName = context.cluster, let cluster = clusters.first(where: { $0.name == clusterName })?.value
        else {
            throw KubeConfigError("\(origin): context \"\(contextName)\" names no defined cluster")
        }
        guard let server = cluster.server, !server.isEmpty else {
            throw KubeConfigError("\(origin): cluster \"\(clusterName)\" has no server")
        }
        let user = context.user.flatMap { name in users.first(where: { $0.name == name })?.value }

        var tls = KubeTLSSettings()
        tls.insecureSkipVerify = cluster.insecureSkipTLSVerify ?? false
        if let data = cluster.certificateAuthorityData {
            tls.trustRootsPEM = try decodeBase64(data, field: "certificate-authority-data", origin: origin)
        } else if let path = cluster.certificateAuthority {
            tls.trustRootsPEM = try readFile(path, field: "certificate-authority", origin: origin)
        }
        if tls.insecureSkipVerify && tls.trustRootsPEM != nil {
            throw KubeConfigError(
                "\(origin): cluster \"\(clusterName)\" sets both insecure-skip-tls-verify and a certificate "
                    + "authority, which is not allowed")
        }

        var credentials = KubeCredentials.none
        if let user {
            if let token = user.token, !token.isEmpty {
                credentials = .token(token)
            } else if let path = user.tokenFile {
                credentials = .tokenFile(path)
            } else if user.exec != nil || user.authProvider != nil,
                user.clientCertificateData == nil && user.clientCertificate == nil
            {
                throw KubeConfigError(
                    "\(origin): user \"\(context.user ?? "")\" needs an exec or auth-provider plugin, which is not "
                        + "supported; put a token (e.g. from `oc whoami -t`) in the kubeconfig or K8S_TOKEN")
            }
            if let data = user.clientCertificateData {
                tls.clientCertificatePEM = try decodeBase64(data, field: "client-certificate-data", origin: origin)
            } else if let path = user.clientCertificate {
                tls.clientCertificatePEM = try readFile(path, field: "client-certificate", origin: origin)
            }
            if let data = user.clientKeyData {
                tls.clientKeyPEM = try decodeBase64(data, field: "client-key-data", origin: origin)
            } else if let path = user.clientKey {
                tls.clientKeyPEM = try readFile(path, field: "client-key", origin: origin)
            }
            if (tls.clientCertificatePEM == nil) != (tls.clientKeyPEM == nil) {
                throw KubeConfigError("\(origin): user \"\(context.user ?? "")\" has a client certificate or key alone")
            }
        }
        let namespace = context.namespace.flatMap { $0.isEmpty ? nil : $0 } ?? "default"
        return KubeConfig(
            server: server, namespace: namespace, credentials: credentials, tls: tls,
            origin: "\(origin) context \(contextName)")
    }

    private func decodeBase64(_ text: String, field: String, origin: String) throws -> [UInt8] {
        let compact = text.filter { !$0.isWhitespace }
        guard let data = Data(base64Encoded: compact) else {
            throw KubeConfigError("\(origin): \(field) is not valid base64")
        }
        return Array(data)
    }

    private func readFile(_ path: String, field: String, origin: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw KubeConfigError("\(origin): \(field) file \(path) cannot be read")
        }
        return Array(data)
    }
}
