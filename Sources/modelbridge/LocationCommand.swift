import ArgumentParser
import AsyncHTTPClient
import Bridge
import CatalogModel
import Logging

/// `modelbridge location`: the service Backstage reads.
struct LocationCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "location",
        abstract: "Serve /list, the model-catalog documents and the model cards to Developer Hub.",
        discussion: EnvironmentReference.help(for: "location"))

    @Option(help: "Where to listen: PORT, :PORT or HOST:PORT.")
    var address = "9090"

    @Option(help: "Largest accepted request body, in bytes (413 beyond).")
    var maxBodyBytes = 4 << 20

    @Flag(
        inversion: .prefixedNo,
        help: "Count every request and answer GET /metrics (Prometheus). --no-metrics drops both; the bench uses it.")
    var metrics = true

    @OptionGroup var log: LogOptions

    func validate() throws {
        guard ListenAddress(parsing: address) != nil else {
            throw ValidationError("--address must be PORT, :PORT or HOST:PORT, for example 9090 or 127.0.0.1:9090")
        }
    }

    func run() async throws {
        let environment = RoleEnvironment()
        try environment.check(for: "location")
        log.bootstrap()
        let logger = Logger(label: "modelbridge.location")
        let format = try environment.normalizerFormat()
        let index = LocationIndex(format: format)
        let storageURL = environment["STORAGE_URL"] ?? environment.siblingURL(port: 7070)
        try await Cleanup.around { cleanup in
            let client = HTTPClient(eventLoopGroupProvider: .singleton)
            cleanup.add { try? await client.shutdown() }
            let server = RoleServer(
                name: "location", address: ListenAddress(parsing: address)!,
                responder: LocationResponder(
                    index: index,
                    guardian: .sharedSecret(
                        environment["BRIDGE_TOKEN"], podAddresses: Set([environment["POD_IP"]].compactMap { $0 })),
                    upstreamModelCardCounter: environment.bool("MODELCARD_UPSTREAM_COUNTER") ?? false,
                    maximumBodySize: maxBodyBytes,
                    metrics: metrics ? HTTPServerMetrics(role: "location") : nil, logger: logger),
                logger: logger, shutdownSignals: [.sigterm, .sigint])
            try await server.start()
            logger.info("loading from storage", metadata: ["storage": "\(storageURL)", "format": "\(format.rawValue)"])
            // The loader retries until storage answers; the server runs until SIGTERM/SIGINT.
            let loader = Task {
                try await StorageLoader(
                    storage: StorageClient(baseURL: storageURL, client: client), index: index, logger: logger
                )
                .run()
            }
            try await server.wait()
            loader.cancel()
            _ = try? await loader.value
        }
    }
}
