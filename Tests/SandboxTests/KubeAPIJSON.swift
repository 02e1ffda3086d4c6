import KubeAPI

/// The JSON value type the sandbox's mapper reads (KubeAPI's, not CatalogModel's).
typealias KubeAPIJSON = JSONValue
