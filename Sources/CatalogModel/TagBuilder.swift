import Foundation

/// Tags from registry custom properties (upstream `getTagsFromCustomProps`), made
/// deterministic: merged by property key (model, then version, then artifacts), then
/// de-duplicated and sorted.
public enum TagBuilder {
    /// The tag of each property of one source. `isVersionOrArtifact` turns on the
    /// `_lastModified` rule, as upstream's `lastMod` flag did.
    public static func tagsByKey(_ properties: [String: PropertyValue], isVersionOrArtifact: Bool) -> [String: String] {
        var tags: [String: String] = [:]
        for (key, value) in properties {
            if PropertyKey.neverTagKeys.contains(key) { continue }
            if PropertyKey.valueOnlyTagKeys.contains(key) {
                let candidate = (value.string ?? "").lowercased()
                if BackstageRules.isValidTag(candidate) { tags[key] = candidate }
                continue
            }
            if key == PropertyKey.lastModified, isVersionOrArtifact {
                guard let text = value.string else { continue }
                var stamp = text.replacingOccurrences(of: ":", with: "-")
                stamp = stamp.replacingOccurrences(of: ".", with: "-")
                stamp = stamp.replacingOccurrences(of: "T", with: "-")
                stamp = stamp.replacingOccurrences(of: "Z", with: "")
                let candidate = "last-modified-time-" + stamp
                if BackstageRules.isValidTag(candidate) { tags[key] = candidate.lowercased() }
                continue
            }
            var candidate = key
            if let text = value.string, !text.isEmpty { candidate += "-" + text.lowercased() }
            if BackstageRules.isValidTag(candidate) { tags[key] = candidate }
        }
        return tags
    }

    /// The merged, sorted tag list of a model version; `nil` when there are none.
    public static func registryTags(
        model: RegisteredModel, version: ModelVersion, artifacts: [ModelArtifact]
    ) -> [String]? {
        var merged = tagsByKey(model.customProperties, isVersionOrArtifact: false)
        merged.merge(tagsByKey(version.customProperties, isVersionOrArtifact: true)) { _, new in new }
        for artifact in artifacts {
            merged.merge(tagsByKey(artifact.customProperties, isVersionOrArtifact: true)) { _, new in new }
        }
        let tags = Set(merged.values).sorted()
        return tags.isEmpty ? nil : tags
    }

    /// Tags from KServe labels: upstream's `key-value` shape, but sanitised to the Backstage
    /// pattern instead of emitted invalid and silently dropped by Backstage (B29).
    public static func labelTags(_ labels: [String: String]) -> [String]? {
        var tags: Set<String> = []
        for (key, value) in labels {
            let joined = NameSanitizer.sanitizeName(
                NameSanitizer.sanitizeName(key) + "-" + NameSanitizer.sanitizeName(value))
            if let tag = BackstageRules.sanitizeTag(joined.replacingOccurrences(of: "_", with: "-")) {
                tags.insert(tag)
            }
        }
        return tags.isEmpty ? nil : tags.sorted()
    }
}
