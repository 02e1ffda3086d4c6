/// What Backstage's entity processing rejects among the provider's entities: invalid names,
/// invalid tags, empty link URLs, invalid annotation keys, and empty owners, lifecycles, API
/// types or definitions (contract C13, C16–C19). A rejected entity never shows in the catalog.
///
/// ```swift
/// BackstageEntityValidator.problems(of: entity)   // [] when Backstage would accept it
/// ```
public enum BackstageEntityValidator {
    /// Every reason Backstage would refuse the entity; empty when it is valid.
    public static func problems(of entity: BackstageEntity) -> [String] {
        var problems: [String] = []
        let name = entity.metadata.name
        if !isValidName(name) {
            problems.append(
                "metadata.name \"\(name)\" is not a valid entity name (1–63 characters of [a-zA-Z0-9] "
                    + "runs separated by '-', '_' or '.')")
        }
        for tag in entity.metadata.tags where !ModelCatalogEntityMapper.isValidTag(tag) {
            problems.append("tag \"\(tag)\" is not valid")
        }
        for link in entity.metadata.links where link.url.isEmpty {
            problems.append("link \"\(link.title)\" has an empty url")
        }
        for key in entity.metadata.annotations.keys.sorted() where !isValidAnnotationKey(key) {
            problems.append("annotation key \"\(key)\" is not valid")
        }
        if !entity.spec.owner.hasPrefix("user:") || entity.spec.owner == "user:" {
            problems.append("spec.owner \"\(entity.spec.owner)\" is not a valid entity reference")
        }
        if entity.spec.type.isEmpty { problems.append("spec.type is empty") }
        if entity.kind != "Resource", entity.spec.lifecycle?.isEmpty ?? true {
            problems.append("spec.lifecycle is empty")
        }
        if entity.kind == "API", entity.spec.definition?.isEmpty ?? true {
            problems.append("spec.definition is empty")
        }
        return problems
    }

    /// Backstage's object-name rule: 1–63 characters, `[a-zA-Z0-9]` runs separated by `-`, `_` or `.`.
    public static func isValidName(_ name: String) -> Bool {
        guard !name.isEmpty, name.count <= 63 else { return false }
        var previousWasSeparator = true
        for scalar in name.unicodeScalars {
            if "-_.".unicodeScalars.contains(scalar) {
                if previousWasSeparator { return false }
                previousWasSeparator = true
            } else if isASCIIAlphanumeric(scalar) {
                previousWasSeparator = false
            } else {
                return false
            }
        }
        return !previousWasSeparator
    }

    /// `[prefix/]name`: the prefix a lower-case DNS subdomain (≤ 253), the name a valid object name.
    public static func isValidAnnotationKey(_ key: String) -> Bool {
        let parts = key.split(separator: "/", omittingEmptySubsequences: false)
        switch parts.count {
        case 1: return isValidName(key)
        case 2:
            let prefix = parts[0]
            let labelsAreValid = prefix.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { label in
                !label.isEmpty && label.first != "-" && label.last != "-"
                    && label.unicodeScalars.allSatisfy {
                        ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-"
                    }
            }
            return !prefix.isEmpty && prefix.count <= 253 && labelsAreValid && isValidName(String(parts[1]))
        default: return false
        }
    }

    private static func isASCIIAlphanumeric(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
    }
}
