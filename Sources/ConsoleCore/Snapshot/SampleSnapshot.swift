extension EngineSnapshot {
    /// A small fixed snapshot for `modelbridge console --demo-data`, the docs and the tests:
    /// two registries, KServe endpoints, cards in every state, two cache shards, wide
    /// characters and names too long for their columns. It is sample data, not a cluster.
    public static func sample(at now: Timestamp = Timestamp(secondsSince1970: 1_786_000_000)) -> EngineSnapshot {
        func ago(_ seconds: Double) -> Timestamp { now.adding(seconds: -seconds) }
        let mnist = "mnist_v1.3c9a51e0b2d4"
        let granite = "granite-3-8b-instruct_1-2-0.8f1e6a2b9c07"
        let mistral = "mistral-7b_v0-3.b44d0c9e1f2a"
        let bert = "bert-ja_2024-06.71c2e9d04a5b"
        let kserveOnly = "team-nlp_sentiment-svc"
        let longName =
            "a-model-with-a-name-far-too-long-for-any-column_v2.5e5e0a1b2c3d"
        let models = [
            ModelRow(
                key: mnist, uri: "/mnist/v1.3c9a51e0b2d4/model-catalog.json", registry: "public", model: "mnist",
                version: "v1", state: "LIVE", owner: "kubeflow", lifecycle: "production", format: "onnx",
                endpoints: ["demo/mnist-v1"], labels: ["team": "vision", "env": "prod"],
                backstageFetch: FetchRecord(at: ago(42), status: 200),
                documentJSON:
                    #"{"models":[{"description":"Handwritten digits","lifecycle":"production","name":"mnist-v1","owner":"kubeflow","tags":["onnx","vision"]}],"modelServer":{"API":{"spec":"TBD","type":"openapi","url":"https://mnist-v1-demo.apps.example.com"},"authentication":true,"description":"mnist served by KServe","lifecycle":"production","name":"mnist-v1","owner":"kubeflow"}}"#
            ),
            ModelRow(
                key: granite, uri: "/granite-3-8b-instruct/1-2-0.8f1e6a2b9c07/model-catalog.json",
                registry: "public", model: "granite-3-8b-instruct", version: "1.2.0", state: "LIVE", owner: "ibm",
                lifecycle: "production", format: "vLLM", endpoints: ["llm/granite"],
                labels: ["team": "nlp", "env": "prod", "gpu": "a100"],
                backstageFetch: FetchRecord(at: ago(42), status: 200),
                documentJSON:
                    #"{"models":[{"description":"Granite 3 8B instruct","lifecycle":"production","name":"granite-3-8b-instruct-1-2-0","owner":"ibm","tags":["llm","vllm"]}]}"#
            ),
            ModelRow(
                key: mistral, uri: "/mistral-7b/v0-3.b44d0c9e1f2a/model-catalog.json", registry: "research",
                model: "mistral-7b", version: "v0.3", state: "ARCHIVED", owner: "ml-research", lifecycle: "deprecated",
                format: "safetensors", labels: ["team": "nlp", "env": "dev"], backstageFetch: nil,
                documentJSON:
                    #"{"models":[{"description":"Mistral 7B, archived","lifecycle":"deprecated","name":"mistral-7b-v0-3","owner":"ml-research"}]}"#
            ),
            ModelRow(
                key: bert, uri: "/bert-ja/2024-06.71c2e9d04a5b/model-catalog.json", registry: "research",
                model: "bert-ja 日本語", version: "2024-06", state: "LIVE", owner: "山田", lifecycle: "experimental",
                format: "pytorch", labels: ["team": "nlp", "lang": "ja"],
                backstageFetch: FetchRecord(at: ago(3_700), status: 200),
                documentJSON:
                    #"{"models":[{"description":"日本語 BERT","lifecycle":"experimental","name":"bert-ja-2024-06","owner":"yamada"}]}"#
            ),
            ModelRow(
                key: kserveOnly, uri: "/team-nlp/sentiment-svc/model-catalog.json", registry: "kserve",
                model: "sentiment-svc", version: "", state: "Ready", owner: "team-nlp", lifecycle: "production",
                format: "sklearn", endpoints: ["team-nlp/sentiment-svc"], labels: ["team": "nlp"],
                backstageFetch: FetchRecord(at: ago(42), status: 200)
            ),
            ModelRow(
                key: longName,
                uri: "/a-model-with-a-name-far-too-long-for-any-column/v2.5e5e0a1b2c3d/model-catalog.json",
                registry: "public", model: "a-model-with-a-name-far-too-long-for-any-column", version: "v2",
                state: "LIVE", owner: "platform", lifecycle: "production", format: "onnx",
                backstageFetch: FetchRecord(at: ago(42), status: 404)
            ),
        ]
        let endpoints = [
            EndpointRow(
                namespace: "demo", name: "mnist-v1", kind: .inferenceService, deploymentMode: "Serverless",
                runtime: "ovms", conditions: [ConditionRow(type: "Ready", status: "True")], ready: true,
                externalURL: "https://mnist-v1-demo.apps.example.com",
                internalURL: "http://mnist-v1.demo.svc.cluster.local", authEnabled: true, linkedModel: "mnist",
                linkedVersion: "v1", linkedKey: mnist, labels: ["app": "mnist"],
                objectJSON:
                    #"{"apiVersion":"serving.kserve.io/v1beta1","kind":"InferenceService","metadata":{"name":"mnist-v1","namespace":"demo"},"status":{"url":"https://mnist-v1-demo.apps.example.com"}}"#
            ),
            EndpointRow(
                namespace: "llm", name: "granite", kind: .llmInferenceService, deploymentMode: "RawDeployment",
                runtime: "vllm", conditions: [ConditionRow(type: "Ready", status: "True")], ready: true,
                internalURL: "http://granite.llm.svc.cluster.local", authEnabled: false,
                linkedModel: "granite-3-8b-instruct", linkedVersion: "1.2.0", linkedKey: granite),
            EndpointRow(
                namespace: "team-nlp", name: "sentiment-svc", kind: .inferenceService, deploymentMode: "RawDeployment",
                runtime: "sklearn",
                conditions: [
                    ConditionRow(
                        type: "Ready", status: "False", reason: "RevisionMissing", message: "no pods scheduled")
                ], ready: false, internalURL: "http://sentiment-svc.team-nlp.svc.cluster.local", linkedKey: kserveOnly,
                labels: ["team": "nlp"]),
        ]
        let techDocs = [
            TechDocsRow(
                key: mnist, model: "mnist", version: "v1", cardSource: "public-catalog",
                catalogFetch: CardFetch(at: ago(300), bytes: 2_310, hash: "9f2c1e"),
                servedPath: "/modelcard/mnist_v1.3c9a51e0b2d4", backstageRead: FetchRecord(at: ago(120), status: 200)),
            TechDocsRow(
                key: granite, model: "granite-3-8b-instruct", version: "1.2.0", cardSource: "redhat-ai",
                catalogFetch: CardFetch(at: ago(300), bytes: 14_902, hash: "41ab77"),
                servedPath: "/modelcard/granite-3-8b-instruct_1-2-0.8f1e6a2b9c07"),
            TechDocsRow(
                key: mistral, model: "mistral-7b", version: "v0.3", missingReason: .registeredBeforeRHOAI225),
            TechDocsRow(
                key: bert, model: "bert-ja 日本語", version: "2024-06", cardSource: "research-catalog",
                catalogFetch: CardFetch(at: ago(600), bytes: 0, error: "GET /api/model_catalog/v1alpha1/…: 503"),
                missingReason: .catalogUnreachable),
            TechDocsRow(key: kserveOnly, model: "sentiment-svc", version: "", missingReason: .noCatalogRoute),
        ]
        let cache = CacheInfo(shards: [
            CacheShard(
                name: "bac-import-model", bytes: 803_000, budgetBytes: 921_600,
                entries: [
                    CacheEntry(
                        key: mnist, fields: ["body", "modelCard", "lastUpdateTimeSinceEpoch"], locationID: "loc-7f3a",
                        updatedAt: ago(300), bytes: 3_020, documentJSON: models[0].documentJSON),
                    CacheEntry(
                        key: granite, fields: ["body", "modelCard", "lastUpdateTimeSinceEpoch"], locationID: "loc-91c2",
                        updatedAt: ago(300), bytes: 15_400, documentJSON: models[1].documentJSON),
                    CacheEntry(
                        key: mistral, fields: ["body", "lastUpdateTimeSinceEpoch"], locationID: nil,
                        updatedAt: ago(86_400 * 3), bytes: 640, documentJSON: models[2].documentJSON),
                ]),
            CacheShard(
                name: "bac-import-model-1", bytes: 2_048, budgetBytes: 921_600,
                entries: [
                    CacheEntry(
                        key: bert, fields: ["body", "lastUpdateTimeSinceEpoch"], locationID: "loc-02de",
                        updatedAt: ago(3_600), bytes: 700, documentJSON: models[3].documentJSON),
                    CacheEntry(
                        key: kserveOnly, fields: ["body", "lastUpdateTimeSinceEpoch"], locationID: "loc-55aa",
                        updatedAt: ago(60), bytes: 512),
                ]),
        ])
        let backstage = BackstageInfo(
            lastListPoll: FetchRecord(at: ago(42), status: 200), listPolls: 118,
            fetches: [
                BackstageFetch(
                    kind: .document, path: models[0].uri, key: mnist, last: FetchRecord(at: ago(42), status: 200),
                    count: 118),
                BackstageFetch(
                    kind: .document, path: models[1].uri, key: granite, last: FetchRecord(at: ago(42), status: 200),
                    count: 117),
                BackstageFetch(
                    kind: .document, path: models[5].uri, key: longName, last: FetchRecord(at: ago(42), status: 404),
                    count: 3),
                BackstageFetch(
                    kind: .card, path: "/modelcard/mnist_v1.3c9a51e0b2d4", key: mnist,
                    last: FetchRecord(at: ago(120), status: 200), count: 9),
            ])
        let events = [
            EngineEvent(
                at: ago(900), level: .info, source: "normalizer", message: "full resync: 6 documents, 2 changed"),
            EngineEvent(
                at: ago(600), level: .error, source: "catalog",
                message: "research-catalog: 503 Service Unavailable; will retry in 30 s"),
            EngineEvent(
                at: ago(300), level: .info, source: "storage", message: "upserted \(mnist) into bac-import-model"),
            EngineEvent(
                at: ago(120), level: .warning, source: "kserve",
                message: "team-nlp/sentiment-svc not ready: RevisionMissing"),
            EngineEvent(at: ago(42), level: .info, source: "location", message: "Backstage polled /list (6 URIs)"),
        ]
        let header = HeaderInfo(
            context: "sample", mode: .sample, readOnly: false,
            components: [
                ComponentStatus(name: "kube", health: .connected, detail: "https://api.sample:6443"),
                ComponentStatus(name: "registry public", health: .connected),
                ComponentStatus(name: "registry research", health: .connected),
                ComponentStatus(name: "catalog", health: .degraded, detail: "research-catalog answers 503"),
                ComponentStatus(name: "storage", health: .connected),
                ComponentStatus(name: "location", health: .connected),
                ComponentStatus(name: "backstage", health: .connected, detail: "polls /list every 30 s"),
            ], dataAsOf: ago(5), published: samplePublished, registryRead: sampleRegistryRead)
        return EngineSnapshot(
            takenAt: now, header: header, models: models, endpoints: endpoints, techDocs: techDocs, cache: cache,
            backstage: backstage, events: events)
    }

    /// An hour of documents published: four, a fifth 20 minutes ago, a sixth 10 minutes ago.
    static let samplePublished = FigureSeries(
        (0..<60).map { minute in minute < 40 ? 4 : minute < 50 ? 5 : 6 }, unit: .count)

    /// An hour of registry reads around 0.4 s, with a slow patch 12 minutes ago.
    static let sampleRegistryRead: FigureSeries = {
        let usual = [0.38, 0.41, 0.44, 0.39, 0.36, 0.42]
        let slow: [Int: Double] = [47: 2.4, 48: 1.3, 52: 0.9, 59: 0.41]
        return FigureSeries((0..<60).map { minute in slow[minute] ?? usual[minute % usual.count] }, unit: .seconds)
    }()
}
