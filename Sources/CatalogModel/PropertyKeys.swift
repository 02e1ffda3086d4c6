import Foundation

/// The well-known registry custom-property keys (exact, case-sensitive) and the matching
/// KServe input annotations (`modelcatalogbridge.rhdh.io/<key lowercased, spaces removed>`).
public enum PropertyKey {
    public static let owner = "Owner"
    public static let lifecycle = "Lifecycle"
    public static let ethics = "Ethics"
    public static let howToUse = "How to use"
    public static let support = "Support"
    public static let training = "Training"
    public static let usage = "Usage"
    public static let license = "License"
    public static let techDocs = "TechDocs"
    public static let homepageURL = "Homepage URL"
    public static let apiSpec = "API Spec"
    public static let apiType = "API Type"
    public static let description = "Description"
    public static let lastModified = "_lastModified"

    /// Keys whose tag is just the lowercased value.
    static let valueOnlyTagKeys: Set<String> = [
        "Source model version", "Source model", "Registered from", "Provider", apiType,
        "_registeredFromCatalogRepositoryName",
    ]

    /// Keys that never become tags.
    static let neverTagKeys: Set<String> = [license, techDocs]

    /// The input annotation prefix on KServe objects.
    public static let annotationPrefix = "modelcatalogbridge.rhdh.io/"

    /// The annotation that carries `key` on a KServe object.
    public static func annotation(_ key: String) -> String {
        annotationPrefix + key.lowercased().replacingOccurrences(of: " ", with: "")
    }
}

/// The registry labels KServe objects carry when the registry deployed them. Both the Open
/// Data Hub and the Kubeflow spelling are read.
public enum RegistryLabel {
    public static let prefixes = ["modelregistry.opendatahub.io/", "modelregistry.kubeflow.org/"]

    static func value(_ name: String, in labels: [String: String]) -> String? {
        for prefix in prefixes {
            if let value = labels[prefix + name]?.trimmingCharacters(in: .whitespaces), !value.isEmpty {
                return value
            }
        }
        return nil
    }

    /// `registered-model-id`.
    public static func registeredModelID(_ labels: [String: String]) -> String? {
        value("registered-model-id", in: labels)
    }

    /// `model-version-id`.
    public static func modelVersionID(_ labels: [String: String]) -> String? {
        value("model-version-id", in: labels)
    }

    /// `inference-service-id`.
    public static func inferenceServiceID(_ labels: [String: String]) -> String? {
        value("inference-service-id", in: labels)
    }
}
