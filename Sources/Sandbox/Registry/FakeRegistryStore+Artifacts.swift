import RegistryAPI

/// Artifacts (model and doc artifacts): their own id space, linked to at most one model version at a time, a
/// name unique among the artifacts of that version; `state` defaults to UNKNOWN.
extension FakeRegistryStore {
    /// `POST /model_artifacts` or `/artifacts`: an artifact linked to no version. `artifactType`
    /// defaults to `model-artifact`; only `model-artifact` and `doc-artifact` are known.
    public func createArtifact(_ body: ModelArtifact) throws(FakeRegistryError) -> ModelArtifact {
        try write { state, stamp throws(FakeRegistryError) in
            try state.createArtifact(body, versionId: nil, stamp: stamp)
        }
    }

    /// `POST /model_versions/{id}/artifacts`: creates the artifact and links it when the body
    /// has no `id` (`created` is true: 201), else updates and links the existing one (200).
    public func upsertVersionArtifact(versionId: String, _ body: ModelArtifact) throws(FakeRegistryError)
        -> (artifact: ModelArtifact, created: Bool)
    {
        try write { state, stamp throws(FakeRegistryError) in
            _ = try state.modelVersions.existing(versionId)
            guard let id = body.id else {
                return (try state.createArtifact(body, versionId: versionId, stamp: stamp), true)
            }
            let updated = try state.updateArtifact(id: id, body, stamp: stamp)
            state.artifactLinks.link(id, to: versionId)
            return (updated, false)
        }
    }

    /// `PATCH /model_artifacts/{id}` or `/artifacts/{id}`.
    public func updateArtifact(id: String, _ patch: ModelArtifact) throws(FakeRegistryError) -> ModelArtifact {
        try write { state, stamp throws(FakeRegistryError) in
            try state.updateArtifact(id: id, patch, stamp: stamp)
        }
    }

    /// Every artifact (model and doc), in id order.
    public func artifacts() -> [ModelArtifact] { all(\.artifacts) }

    /// Every model artifact, in id order.
    public func modelArtifacts() -> [ModelArtifact] {
        artifacts().filter { $0.artifactType == ModelArtifact.modelArtifactType }
    }

    /// The artifacts linked to one version, or 404 when the version does not exist.
    public func artifacts(ofVersion versionId: String) throws(FakeRegistryError) -> [ModelArtifact] {
        try read { state throws(FakeRegistryError) in
            _ = try state.modelVersions.existing(versionId)
            return state.artifactLinks.artifactIds(of: versionId).sorted { (Int64($0) ?? 0) < (Int64($1) ?? 0) }
                .compactMap { state.artifacts[$0] }
        }
    }

    /// One artifact, or 404.
    public func artifact(id: String) throws(FakeRegistryError) -> ModelArtifact {
        try one(\.artifacts, id: id)
    }

    /// `GET /model_artifact` (model artifacts only) or `/artifact` (any type), with the parent
    /// being a model version.
    public func findArtifact(name: String?, externalId: String?, parentResourceId: String?, modelOnly: Bool)
        throws(FakeRegistryError) -> ModelArtifact
    {
        try read { state throws(FakeRegistryError) in
            try state.artifacts.find(
                name: name, externalId: externalId, parentResourceId: parentResourceId,
                including: { !modelOnly || $0.artifactType == ModelArtifact.modelArtifactType }
            ) { state.artifactLinks.version(of: $0.id ?? "") == parentResourceId }
        }
    }
}

extension FakeRegistryState {
    /// Creates an artifact, linked to `versionId` when given (which must exist).
    mutating func createArtifact(_ body: ModelArtifact, versionId: String?, stamp: String) throws(FakeRegistryError)
        -> ModelArtifact
    {
        let type = body.artifactType ?? ModelArtifact.modelArtifactType
        guard type == ModelArtifact.modelArtifactType || type == ModelArtifact.docArtifactType else {
            throw .badRequest("unsupported artifactType \(type)")
        }
        if let versionId, let name = body.name,
            artifactLinks.artifactIds(of: versionId).contains(where: { artifacts[$0]?.name == name })
        {
            throw artifacts.conflict(name: name, in: versionId)
        }
        var artifact = body
        artifact.artifactType = type
        artifact.state = body.state ?? .unknown
        artifact = try create(artifact, in: \.artifacts, parent: nil, stamp: stamp)
        if let versionId, let id = artifact.id {
            artifactLinks.link(id, to: versionId)
        }
        return artifact
    }

    /// Merges `patch` into a stored artifact; its `artifactType`, when given, must be the stored one.
    mutating func updateArtifact(id: String, _ patch: ModelArtifact, stamp: String) throws(FakeRegistryError)
        -> ModelArtifact
    {
        let stored = try artifacts.existing(id)
        if let type = patch.artifactType, type != stored.artifactType {
            throw .badRequest("artifactType \(type) does not match the stored \(stored.artifactType ?? "")")
        }
        return try update(stored, in: \.artifacts, with: patch, stamp: stamp) { artifact in
            artifact.uri = patch.uri ?? artifact.uri
            artifact.state = patch.state ?? artifact.state
            artifact.modelFormatName = patch.modelFormatName ?? artifact.modelFormatName
            artifact.modelFormatVersion = patch.modelFormatVersion ?? artifact.modelFormatVersion
            artifact.storageKey = patch.storageKey ?? artifact.storageKey
            artifact.storagePath = patch.storagePath ?? artifact.storagePath
            artifact.serviceAccountName = patch.serviceAccountName ?? artifact.serviceAccountName
            artifact.modelSourceKind = patch.modelSourceKind ?? artifact.modelSourceKind
            artifact.modelSourceClass = patch.modelSourceClass ?? artifact.modelSourceClass
            artifact.modelSourceGroup = patch.modelSourceGroup ?? artifact.modelSourceGroup
            artifact.modelSourceId = patch.modelSourceId ?? artifact.modelSourceId
            artifact.modelSourceName = patch.modelSourceName ?? artifact.modelSourceName
            artifact.experimentId = patch.experimentId ?? artifact.experimentId
            artifact.experimentRunId = patch.experimentRunId ?? artifact.experimentRunId
        }
    }
}

/// Which model version each artifact is linked to. Unlike the parents of versions and inference services, an
/// artifact's version changes when it is upserted into another one, so its links are kept apart from its table.
struct FakeRegistryArtifactLinks: Sendable {
    /// artifact id → model version id.
    private var versionOfArtifact: [String: String] = [:]
    /// model version id → ids of the artifacts linked to it.
    private var artifactIdsByVersion: [String: Set<String>] = [:]

    /// The version an artifact is linked to, if any.
    func version(of artifactId: String) -> String? { versionOfArtifact[artifactId] }

    /// The ids of the artifacts linked to a version, in no particular order.
    func artifactIds(of versionId: String) -> Set<String> { artifactIdsByVersion[versionId] ?? [] }

    /// Links an artifact to a version, unlinking it from the one it had.
    mutating func link(_ artifactId: String, to versionId: String) {
        if let previous = versionOfArtifact[artifactId] {
            artifactIdsByVersion[previous]?.remove(artifactId)
        }
        versionOfArtifact[artifactId] = versionId
        artifactIdsByVersion[versionId, default: []].insert(artifactId)
    }
}
