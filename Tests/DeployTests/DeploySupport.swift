import Foundation

/// Paths and tools the deployment tests use.
enum DeployPaths {
    /// The repository root (three levels above this file).
    static let root: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let deploy = root.appendingPathComponent("deploy")
    static let docs = root.appendingPathComponent("docs")

    /// Whether CI is running us: missing tools then fail instead of skipping.
    static var isCI: Bool { ProcessInfo.processInfo.environment["CI"] != nil }

    /// A tool from the project's Python venv: next to `$MODELBRIDGE_PYTHON`, else `.venv/bin/`, else PATH.
    static func venvTool(_ name: String) -> String? {
        var candidates: [String] = []
        if let python = ProcessInfo.processInfo.environment["MODELBRIDGE_PYTHON"], !python.isEmpty {
            candidates.append(
                URL(fileURLWithPath: python).deletingLastPathComponent().appendingPathComponent(name).path)
        }
        candidates.append(root.appendingPathComponent(".venv/bin/\(name)").path)
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? executable(name)
    }

    /// An executable from PATH.
    static func executable(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(name)" }.first {
            FileManager.default.isExecutableFile(atPath: $0)
        }
    }

    /// Every `.yaml` file under `deploy/`, relative paths, sorted.
    static func yamlFiles() throws -> [String] {
        let enumerator = FileManager.default.enumerator(atPath: deploy.path)
        var files: [String] = []
        while let path = enumerator?.nextObject() as? String {
            if path.hasSuffix(".yaml") || path.hasSuffix(".yml") { files.append(path) }
        }
        return files.sorted()
    }

    static func read(_ relativePath: String, in folder: URL = deploy) throws -> String {
        try String(contentsOf: folder.appendingPathComponent(relativePath), encoding: .utf8)
    }
}
