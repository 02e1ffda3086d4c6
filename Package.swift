// swift-tools-version:6.1
import PackageDescription

// Every dependency resolves from the machine's package mirror by its GitHub URL and a
// version listed there; Package.resolved stays out of git (the mirror's commit ids differ).
let package = Package(
    name: "modelbridge",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "modelbridge", targets: ["modelbridge"]),
        .executable(name: "modelbridge-bench", targets: ["modelbridge-bench"]),
        .library(name: "CatalogModel", targets: ["CatalogModel"]),
    ],
    dependencies: [
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/adam-fowler/compress-nio.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.7.4"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
    ],
    targets: [
        // The one wire vocabulary (JSONValue) every module speaks. A leaf: Foundation only.
        .target(name: "WireValues"),
        .testTarget(name: "WireValuesTests", dependencies: ["WireValues"]),
        // The model-catalog document, import keys, Backstage rules and the normalizer. Pure.
        .target(
            name: "CatalogModel",
            dependencies: ["WireValues", .product(name: "Yams", package: "Yams")]
        ),
        // Kubernetes REST client: config, typed resources, list/watch/informer, patch/update.
        .target(
            name: "KubeAPI",
            dependencies: [
                "WireValues",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        // Model Registry v1alpha3 and catalog v1alpha1 client.
        .target(
            name: "RegistryAPI",
            dependencies: [
                "WireValues",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The engine: the three roles (location, storage-rest, rhoai-normalizer), their HTTP
        // routes, the catalog store and the observable state the console reads.
        .target(
            name: "Bridge",
            dependencies: [
                "CatalogModel",
                "KubeAPI",
                "RegistryAPI",
                "WireValues",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        // Installation diagnostics behind `modelbridge doctor`: permissions, CRDs, registries, Backstage, cache, sidecars.
        .target(
            name: "Doctor",
            dependencies: [
                "Bridge",
                "KubeAPI",
                "RegistryAPI",
                "WireValues",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        // The simulated platform: fake Kubernetes API, Model Registry and catalog servers.
        .target(
            name: "Sandbox",
            dependencies: [
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                "KubeAPI",
                "RegistryAPI",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        // The console as pure state: State, update(&State, Msg) -> [Effect], view(State, Size) -> Grid.
        .target(
            name: "ConsoleCore"
        ),
        // libncursesw, wrapped by a shim header (wide characters, globals as functions).
        .systemLibrary(
            name: "CNCursesW",
            path: "Sources/CNCursesW",
            providers: [.apt(["libncurses-dev"])]
        ),
        // The only ncurses importer: key decoding, colours, blitting a Grid, terminal restore.
        .target(
            name: "ConsoleTerminal",
            dependencies: ["CNCursesW", "ConsoleCore"]
        ),
        // Turns the engine's state into console snapshots and console actions into engine calls.
        .target(
            name: "ConsoleBridge",
            dependencies: [
                "Bridge", "CatalogModel", "ConsoleCore", "KubeAPI",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .executableTarget(
            name: "modelbridge",
            dependencies: [
                "Bridge",
                "CatalogModel",
                "ConsoleBridge",
                "ConsoleCore",
                "ConsoleTerminal",
                "Doctor",
                "KubeAPI",
                "RegistryAPI",
                "Sandbox",
                "WireValues",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]
        ),
        // Benchmarks: a program that prints a table of figures against their targets.
        .executableTarget(
            name: "modelbridge-bench",
            dependencies: [
                "Bridge",
                "CatalogModel",
                "ConsoleCore",
                "KubeAPI",
                "RegistryAPI",
                "Sandbox",
                "WireValues",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        // Helpers the test targets share: polling with a deadline, throw-away PKI, kubeconfig text, the fake
        // Kubernetes API and registry, Prometheus text, child processes, a seeded generator, log capture.
        // A plain library (no Testing, no XCTest): a helper that gives up throws a descriptive error.
        .target(
            name: "ModelbridgeTesting",
            dependencies: [
                "KubeAPI",
                "Sandbox",
                "WireValues",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Tests/ModelbridgeTesting"
        ),
        .testTarget(
            name: "CatalogModelTests",
            dependencies: ["CatalogModel", "ModelbridgeTesting"]
        ),
        .testTarget(
            name: "BridgeTests",
            dependencies: [
                "ModelbridgeTesting",
                "Bridge",
                "CatalogModel",
                "KubeAPI",
                "RegistryAPI",
                "Sandbox",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        // Starts the real `modelbridge` binary as separate processes against the fakes.
        .testTarget(
            name: "EndToEndTests",
            dependencies: [
                "ModelbridgeTesting",
                "Sandbox",
                "CatalogModel",
                "KubeAPI",
                "RegistryAPI",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        // Fuzz, fault and security drills against the real roles.
        .testTarget(
            name: "HardeningTests",
            dependencies: [
                "ModelbridgeTesting",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                "Bridge",
                "CatalogModel",
                "KubeAPI",
                "RegistryAPI",
                "Sandbox",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The deployment manifests and `modelbridge doctor` against the fake API.
        .testTarget(
            name: "DeployTests",
            dependencies: [
                "ModelbridgeTesting",
                "Bridge",
                "Doctor",
                "KubeAPI",
                "RegistryAPI",
                "Sandbox",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        // The Kubernetes-facing behaviour through the API alone: the sandbox by default, or any cluster named by
        // MODELBRIDGE_CONFORMANCE_KUBECONFIG (docs/operations.md, "Conformance suite").
        .testTarget(
            name: "ConformanceTests",
            dependencies: [
                "ModelbridgeTesting",
                "KubeAPI",
                "Sandbox",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            exclude: ["Fixtures"]
        ),
        .testTarget(
            name: "ConsoleBridgeTests",
            dependencies: [
                "ConsoleBridge", "Bridge", "CatalogModel", "ConsoleCore", "KubeAPI", "ModelbridgeTesting",
                "RegistryAPI",
                "Sandbox",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "ConsoleCoreTests",
            dependencies: ["ConsoleCore"],
            exclude: ["Snapshots"]
        ),
        .testTarget(
            name: "SandboxTests",
            dependencies: [
                "ModelbridgeTesting",
                "Sandbox",
                "Bridge",
                "CatalogModel",
                "KubeAPI",
                "RegistryAPI",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "KubeAPITests",
            dependencies: [
                "ModelbridgeTesting",
                "KubeAPI",
                "Sandbox",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "RegistryAPITests",
            dependencies: [
                "RegistryAPI",
                "Sandbox",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
    ]
)
