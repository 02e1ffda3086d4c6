import KubeAPI

/// The model-catalog entity provider's document → entity mapping (`ModelCatalogGenerator.ts`,
/// plugin 0.7–0.9.1), reproduced with its JavaScript quirks so the sandbox judges documents the
/// way Developer Hub does (`spec/backstage-contract.md` §2.1–2.3):
///
/// - names lose all whitespace; relations (`dependsOn`, `dependencyOf`, `providesApis`) use the raw names;
/// - a missing description, owner or lifecycle becomes the text `undefined` (template literals);
/// - tags lose whitespace and are dropped silently unless valid (C18);
/// - the `TechDocs` annotation becomes `backstage.io/techdocs-ref: url:<trimmed value>`;
/// - a missing model name or a `models` that is not an array throws: the plugin crashes and the
///   whole cycle is aborted.
///
/// ```swift
/// let mapper = ModelCatalogEntityMapper(providerID: "development")
/// let candidates = try mapper.entities(from: document)   // Resource per model, Component + API per server
/// ```
public struct ModelCatalogEntityMapper: Sendable {
    /// The `<id>` of `catalog.providers.modelCatalog.<id>`; it names the managing location.
    public var providerID: String

    public init(providerID: String = "development") {
        self.providerID = providerID
    }

    /// `ModelCatalogResourceEntityProvider:<id>`, the value of both managed-by annotations.
    public var locationKey: String { "ModelCatalogResourceEntityProvider:\(providerID)" }

    /// An entity with what Backstage's processing would object to (empty when valid).
    public struct Candidate: Sendable, Hashable {
        public var entity: BackstageEntity
        public var problems: [String]
    }

    /// Maps one model-catalog document. Throws ``ModelCatalogMappingError`` where the plugin crashes.
    public func entities(from document: JSONValue) throws(ModelCatalogMappingError) -> [Candidate] {
        guard case .object = document else { throw .init("the document is not a JSON object") }
        guard let models = document["models"]?.arrayValue else {
            throw .init("models.forEach is not a function (models is \(Self.javaScriptType(document["models"])))")
        }
        let server = Self.truthy(document["modelServer"]) ? document["modelServer"] : nil
        var candidates: [Candidate] = []
        for model in models {
            candidates.append(try resource(model, server: server))
        }
        if let server {
            candidates.append(contentsOf: try serverEntities(server, models: models))
        }
        return candidates
    }

    // MARK: - The three kinds

    private func resource(_ model: JSONValue, server: JSONValue?) throws(ModelCatalogMappingError) -> Candidate {
        let rawName = try Self.requiredName(model, what: "model")
        var problems: [String] = []
        var links: [BackstageEntity.Link] = []
        for (field, title) in [
            ("artifactLocationURL", "Artifact Location"), ("howToUseURL", "How to use"), ("license", "License"),
        ]
        where model[field] != nil {
            links.append(BackstageEntity.Link(title: title, url: Self.javaScriptString(model[field])))
        }
        var annotations = stringAnnotations(model["annotations"], problems: &problems)
        if let techDocs = annotations.removeValue(forKey: "TechDocs") {
            let trimmed = techDocs.trimmingWhitespace()
            if !trimmed.isEmpty { annotations["backstage.io/techdocs-ref"] = "url:\(trimmed)" }
        }
        addManagedBy(&annotations)
        let dependencyOf = server.map { ["component:\(Self.javaScriptString($0["name"]))"] } ?? []
        let entity = BackstageEntity(
            apiVersion: "backstage.io/v1beta1", kind: "Resource",
            metadata: .init(
                name: Self.strippingWhitespace(rawName), description: Self.javaScriptString(model["description"]),
                tags: Self.sanitizedTags(model["tags"]), links: links, annotations: annotations),
            spec: .init(
                type: "ai-model", owner: "user:\(Self.javaScriptString(model["owner"]))", dependencyOf: dependencyOf))
        return Candidate(entity: entity, problems: problems)
    }

    private func serverEntities(_ server: JSONValue, models: [JSONValue]) throws(ModelCatalogMappingError)
        -> [Candidate]
    {
        let rawName = try Self.requiredName(server, what: "modelServer")
        let name = Self.strippingWhitespace(rawName)
        let api = Self.truthy(server["API"]) ? server["API"] : nil
        let authTag = server["authentication"] == .bool(true) ? "auth-required" : "auth-not-required"
        let owner = "user:\(Self.javaScriptString(server["owner"]))"
        let lifecycle = Self.javaScriptString(server["lifecycle"])
        var problems: [String] = []

        var links: [BackstageEntity.Link] = []
        if let api { links.append(.init(title: "API", url: Self.javaScriptString(api["url"]))) }
        if server["homepageURL"] != nil {
            links.append(.init(title: "Homepage", url: Self.javaScriptString(server["homepageURL"])))
        }
        // API annotations first, then the server's: the server wins on a conflict.
        var annotations = stringAnnotations(api?["annotations"], problems: &problems)
        for (key, value) in stringAnnotations(server["annotations"], problems: &problems) { annotations[key] = value }
        addManagedBy(&annotations)
        var dependsOn: [String] = []
        for model in models { dependsOn.append("resource:\(Self.javaScriptString(model["name"]))") }
        let component = BackstageEntity(
            apiVersion: "backstage.io/v1alpha1", kind: "Component",
            metadata: .init(
                name: name, description: Self.javaScriptString(server["description"]),
                tags: Self.sanitizedTags(server["tags"]) + [authTag], links: links, annotations: annotations),
            spec: .init(
                type: "model-server", owner: owner, lifecycle: lifecycle, dependsOn: dependsOn,
                providesApis: api == nil ? nil : [Self.javaScriptString(server["name"])]))
        var candidates = [Candidate(entity: component, problems: problems)]
        if let api {
            var apiAnnotations: [String: String] = [:]
            addManagedBy(&apiAnnotations)
            let entity = BackstageEntity(
                apiVersion: "backstage.io/v1alpha1", kind: "API",
                metadata: .init(
                    name: name, tags: Self.sanitizedTags(api["tags"]) + [authTag],
                    links: [.init(title: "API", url: Self.javaScriptString(api["url"]))], annotations: apiAnnotations),
                spec: .init(
                    type: Self.javaScriptString(api["type"]), owner: owner, lifecycle: lifecycle,
                    definition: Self.javaScriptString(api["spec"])))
            candidates.append(Candidate(entity: entity, problems: []))
        }
        return candidates
    }

    private func addManagedBy(_ annotations: inout [String: String]) {
        annotations["backstage.io/managed-by-location"] = locationKey
        annotations["backstage.io/managed-by-origin-location"] = locationKey
    }

    /// Copies annotations; values that are not strings are kept as JavaScript would print them
    /// and reported, because Backstage rejects non-string annotation values (C19).
    private func stringAnnotations(_ value: JSONValue?, problems: inout [String]) -> [String: String] {
        var result: [String: String] = [:]
        for (key, member) in value?.objectValue ?? [:] {
            if member.stringValue == nil {
                problems.append("annotation \(key) is not a string")
            }
            result[key] = Self.javaScriptString(member)
        }
        return result
    }

    // MARK: - JavaScript semantics

    /// `x.name.replace(/\s/g, '')` throws unless `name` is a string.
    private static func requiredName(_ value: JSONValue, what: String) throws(ModelCatalogMappingError) -> String {
        guard let name = value["name"]?.stringValue else {
            throw .init(
                "Cannot read properties of \(what).name (\(javaScriptType(value["name"]))): replace is not a function")
        }
        return name
    }

    /// A tag survives when, without whitespace, it matches `^[a-z0-9:+#]+(-[a-z0-9:+#]+)*$` and has at
    /// most 63 characters (C18). Values that are not strings are dropped too.
    public static func sanitizedTags(_ value: JSONValue?) -> [String] {
        (value?.arrayValue ?? []).compactMap { $0.stringValue.map(strippingWhitespace) }.filter(isValidTag)
    }

    /// The tag rule of the provider (C18).
    public static func isValidTag(_ tag: String) -> Bool {
        guard !tag.isEmpty, tag.count <= 63 else { return false }
        let words = tag.split(separator: "-", omittingEmptySubsequences: false)
        return words.allSatisfy { word in
            !word.isEmpty
                && word.unicodeScalars.allSatisfy { scalar in
                    ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar)
                        || ":+#".unicodeScalars.contains(scalar)
                }
        }
    }

    /// Removes every whitespace character, as `replace(/\s/g, '')` does.
    public static func strippingWhitespace(_ text: String) -> String {
        String(text.filter { !$0.isWhitespace })
    }

    /// What a JavaScript template literal makes of a JSON value: `undefined` for a missing one.
    static func javaScriptString(_ value: JSONValue?) -> String {
        switch value {
        case nil: return "undefined"
        case .null?: return "null"
        case .bool(let flag)?: return flag ? "true" : "false"
        case .int(let number)?: return String(number)
        case .double(let number)?:
            return number == number.rounded() && abs(number) < 1e15 ? String(Int64(number)) : String(number)
        case .string(let text)?: return text
        case .array(let elements)?:
            return elements.map { $0 == .null ? "" : javaScriptString($0) }.joined(separator: ",")
        case .object?: return "[object Object]"
        }
    }

    /// JavaScript truthiness of a JSON value (`if (modelServer)`).
    static func truthy(_ value: JSONValue?) -> Bool {
        switch value {
        case nil, .null?: return false
        case .bool(let flag)?: return flag
        case .int(let number)?: return number != 0
        case .double(let number)?: return number != 0 && !number.isNaN
        case .string(let text)?: return !text.isEmpty
        case .array?, .object?: return true
        }
    }

    static func javaScriptType(_ value: JSONValue?) -> String {
        switch value {
        case nil: return "undefined"
        case .null?: return "null"
        case .bool?: return "boolean"
        case .int?, .double?: return "number"
        case .string?: return "string"
        case .array?: return "array"
        case .object?: return "object"
        }
    }
}

/// A document the provider cannot map: the plugin would throw and abort the whole cycle.
public struct ModelCatalogMappingError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}

extension String {
    /// The text without leading and trailing whitespace (JavaScript's `trim()`).
    func trimmingWhitespace() -> String {
        var slice = Substring(self)
        while slice.first?.isWhitespace == true { slice.removeFirst() }
        while slice.last?.isWhitespace == true { slice.removeLast() }
        return String(slice)
    }
}
