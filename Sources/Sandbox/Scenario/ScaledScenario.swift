extension SandboxScenario {
    /// This scenario plus `models` generated models with two versions each (one artifact per
    /// version), spread over its registries, for benchmarks. A scenario without registries gets
    /// the demo's two.
    ///
    /// ```swift
    /// let scenario = SandboxScenario.empty.scaled(models: 10_000)   // 10,000 models, 20,000 versions
    /// ```
    public func scaled(models count: Int) -> SandboxScenario {
        var scenario = self
        if scenario.registries.isEmpty { scenario.registries = SandboxScenario.empty.registries }
        guard count > 0 else { return scenario }
        scenario.name = "\(name)+scale-\(count)"
        let registryCount = scenario.registries.count
        let width = String(count).count
        var generated = [[Model]](repeating: [], count: registryCount)
        for index in 0..<count {
            let number = String(index + 1)
            let padded = String(repeating: "0", count: width - number.count) + number
            let name = "scale-model-\(padded)"
            let versions = ["v1", "v2"].map { version in
                Version(
                    name: version,
                    artifacts: [
                        Artifact(uri: "s3://scale/\(name)/\(version)", modelFormatName: "onnx", modelFormatVersion: "1")
                    ])
            }
            generated[index % registryCount].append(
                Model(
                    name: name, owner: "scale-owner-\(index % 50)", description: "Generated model \(padded).",
                    versions: versions))
        }
        for index in scenario.registries.indices {
            scenario.registries[index].models.append(contentsOf: generated[index])
        }
        return scenario
    }
}
