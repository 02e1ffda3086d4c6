import Yams

/// The legacy `CatalogInfoYamlFormat`: three Backstage entities (Component, Resource, API) per
/// document as multi-document YAML with sorted keys.
///
/// Differences from upstream, on purpose: entity names are the JSON document's model name
/// (upstream named the Component after the registered model and the Resource after the raw
/// version name, so every version of a model collided), `dependsOn` points at the API that is
/// actually emitted, owner and lifecycle follow the JSON rules, over-long tags are dropped, a
/// missing artifact name cannot crash it (B33), and KServe-only services get real YAML instead
/// of an empty body (B11). Every call renders its own buffer (B12).
public enum LegacyCatalogInfo {
    static func registryYAML(
        _ input: RegistryVersionInput, document: ModelCatalog, owner: String, lifecycle: String,
        cluster: ClusterView, server: KServeInferenceService?
    ) -> String {
        let name = document.models.first?.name ?? NameSanitizer.sanitizeName(input.model.name)
        let description = input.model.description ?? ""
        var serviceLinks: [Node] = []
        if let server { serviceLinks = links(of: server) }
        let artifactLinks: [Node] = input.artifacts.compactMap { artifact in
            guard let uri = nonEmpty(artifact.uri) else { return nil }
            return mapping([
                "url": .string(uri), "title": .string(artifact.description ?? artifact.name ?? "artifact"),
                "icon": .string("WebAsset"), "type": .string("website"),
            ])
        }
        let componentTags = legacyTags([input.model.customProperties])
        let resourceTags = legacyTags([input.version.customProperties] + input.artifacts.map(\.customProperties))
        return render(
            name: name, description: description, owner: owner, lifecycle: lifecycle,
            componentLinks: serviceLinks + artifactLinks, componentTags: componentTags,
            resourceLinks: artifactLinks, resourceTags: resourceTags, apiLinks: serviceLinks)
    }

    static func kserveYAML(_ service: KServeInferenceService, document: ModelCatalog) -> String {
        guard let model = document.models.first else { return "" }
        var artifactLinks: [Node] = []
        if let artifact = model.artifactLocationURL {
            artifactLinks.append(
                mapping([
                    "url": .string(artifact), "title": .string("Artifact Location"), "icon": .string("WebAsset"),
                    "type": .string("website"),
                ]))
        }
        return render(
            name: model.name, description: model.description, owner: model.owner, lifecycle: model.lifecycle,
            componentLinks: links(of: service), componentTags: model.tags ?? [], resourceLinks: artifactLinks,
            resourceTags: model.tags ?? [], apiLinks: links(of: service))
    }

    // swift-format-ignore: FunctionParameterCount
    static func render(
        name: String, description: String, owner: String, lifecycle: String, componentLinks: [Node],
        componentTags: [String], resourceLinks: [Node], resourceTags: [String], apiLinks: [Node]
    ) -> String {
        let profile = mapping(["displayName": .string(name)])
        let ownerRef = Node.string("user:" + owner)
        let component = entity(
            kind: "Component", name: name, description: description, techdocs: "./", links: componentLinks,
            tags: componentTags,
            spec: [
                "type": .string("model-server"), "lifecycle": .string(lifecycle), "owner": ownerRef,
                "dependsOn": .sequence(.init([.string("resource:" + name), .string("api:" + name)])),
                "profile": profile,
            ])
        let resource = entity(
            kind: "Resource", name: name, description: description, techdocs: "resource/", links: resourceLinks,
            tags: resourceTags,
            spec: [
                "type": .string("ai-model"), "lifecycle": .string(lifecycle), "owner": ownerRef,
                "dependencyOf": .sequence(.init([.string("component:" + name)])), "profile": profile,
            ])
        let api = entity(
            kind: "API", name: name, description: description, techdocs: "api/", links: apiLinks, tags: [],
            spec: [
                "type": .string("unknown"), "definition": .string("no-definition-yet"),
                "lifecycle": .string(lifecycle), "owner": ownerRef,
                "dependencyOf": .sequence(.init([.string("component:" + name)])), "profile": profile,
            ])
        return [component, resource, api].map { node in (try? Yams.serialize(node: node)) ?? "" }
            .joined(separator: "---\n")
    }

    // swift-format-ignore: FunctionParameterCount
    static func entity(
        kind: String, name: String, description: String, techdocs: String, links: [Node], tags: [String],
        spec: [String: Node]
    ) -> Node {
        var metadata: [String: Node] = [
            "name": .string(name), "description": .string(description),
            "annotations": mapping(["backstage.io/techdocs-ref": .string(techdocs)]),
        ]
        if !links.isEmpty { metadata["links"] = .sequence(.init(links)) }
        if !tags.isEmpty { metadata["tags"] = .sequence(.init(tags.map { .string($0) })) }
        return mapping([
            "apiVersion": .string("backstage.io/v1alpha1"), "kind": .string(kind), "metadata": mapping(metadata),
            "spec": mapping(spec),
        ])
    }

    /// Inference-service links: the status URL, then each status component's URLs, in component order.
    static func links(of service: KServeInferenceService) -> [Node] {
        var result: [Node] = []
        func link(_ url: String?, _ title: String) {
            guard let url = nonEmpty(url) else { return }
            result.append(mapping(["url": .string(url), "title": .string(title)]))
        }
        link(service.statusURL, "API URL")
        for (component, urls) in service.components.sorted(by: { $0.key < $1.key }) {
            if let url = nonEmpty(urls.url) {
                link(url + "/docs", "\(component) FastAPI URL")
                link(url, "\(component) model serving URL")
            }
            link(urls.restURL, "\(component) REST model serving URL")
            link(urls.grpcURL, "\(component) GRPC model serving URL")
        }
        return result
    }

    /// Legacy tag rule: the key must be tag-shaped; a tag-shaped string value gives `key-value`.
    static func legacyTags(_ sources: [[String: PropertyValue]]) -> [String] {
        var tags: Set<String> = []
        for properties in sources {
            for (key, value) in properties where BackstageRules.isValidTag(key) {
                if let text = value.string, !text.isEmpty {
                    if BackstageRules.isValidTag(text), BackstageRules.isValidTag(key + "-" + text) {
                        tags.insert(key + "-" + text)
                    }
                } else {
                    tags.insert(key)
                }
            }
        }
        return tags.sorted()
    }

    static func mapping(_ members: [String: Node]) -> Node {
        .mapping(.init(members.sorted { $0.key < $1.key }.map { (Node.string($0.key), $0.value) }))
    }
}

extension Node {
    fileprivate static func string(_ text: String) -> Node { Node(text) }
}
