import ArgumentParser
import AsyncHTTPClient
import Bridge
import CatalogModel
import ConsoleBridge
import ConsoleCore
import ConsoleTerminal
import Foundation
import Logging

/// `modelbridge console`: the ncurses operations console over the engine's state.
struct ConsoleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "console",
        abstract: "Browse models, endpoints, TechDocs, the cache and Backstage fetches; trigger resyncs.",
        discussion: """
            Keys: ? help, : commands (:models :endpoints :docs :cache :backstage :events :sync :q), \
            / filter, Enter detail, d describe, y raw, r resync, p re-push, q quit. \
            Every write asks for confirmation first. NO_COLOR turns colours off. \
            Modes: attached to a pod (--pod NAME or --selector LABELS, -n NAMESPACE: the sidecars of a \
            running Developer Hub pod through the API server's pods/proxy with the kubeconfig); attached by \
            URL (--attach-location, --attach-storage, --attach-normalizer: running sidecars, e.g. through \
            oc port-forward); inside the pod (`oc exec -it POD -c rhoai-normalizer -- modelbridge console`: \
            with POD_IP set and no other mode chosen, the sibling sidecars on loopback, 9090, 7070 and 8081); \
            in-process (elsewhere, or --in-process: runs the engine here, configured like `modelbridge all`, \
            with --kubeconfig or the usual Kubernetes configuration); the sandbox (`modelbridge demo`); \
            sample data (--demo-data). Attached, the console is read-only unless --allow-writes; writes carry \
            the sidecars' BRIDGE_TOKEN (--token-file, else the BRIDGE_TOKEN variable).
            """ + "\n\n" + EnvironmentReference.help(for: "console"))

    @Flag(help: "Refuse every write (resync, re-push); the header shows READ-ONLY.")
    var readOnly = false

    @Flag(help: "Draw frames and symbols in ASCII (automatic when the locale is not UTF-8).")
    var ascii = false

    @Option(help: "Colours: auto (from COLORFGBG), dark, light, or none. NO_COLOR always means none.")
    var theme: ThemeChoice = .auto

    @Option(help: "The view to open first: models, endpoints, docs, cache, backstage or events.")
    var view: String = "models"

    @Option(
        help: ArgumentHelp(
            "Attach to the sidecars of this Developer Hub pod through the API server (pods/proxy), with the kubeconfig.",
            discussion: "Needs get on pods and get on pods/proxy in its namespace (create on pods/proxy for writes)."))
    var pod: String?

    @Option(
        help:
            "Attach to the running pod these labels select, as --pod does (rhdh.redhat.com/app=backstage-developer-hub when given as \"\")."
    )
    var selector: String?

    @Option(
        name: [.customShort("n"), .long],
        help:
            "The namespace of --pod or --selector (default: POD_NAMESPACE or NAMESPACE, else the kubeconfig context's)."
    )
    var namespace: String?

    @Flag(
        help:
            "Attached (by pod, by URL or inside the pod): allow writes (resync, re-push). Attached, the console is read-only otherwise."
    )
    var allowWrites = false

    @Option(
        help: ArgumentHelp(
            "Attached: a file holding the sidecars' BRIDGE_TOKEN, sent with writes (default: the BRIDGE_TOKEN variable).",
            valueName: "path"))
    var tokenFile: String?

    @Flag(help: "Run the engine in this process even inside a pod (where the default is to attach on loopback).")
    var inProcess = false

    @Option(help: "Attach to a running location sidecar at this URL instead of running the engine in-process.")
    var attachLocation: String?

    @Option(help: "Attach to a running storage-rest sidecar at this URL.")
    var attachStorage: String?

    @Option(help: "Attach to a running rhoai-normalizer sidecar at this URL.")
    var attachNormalizer: String?

    @Flag(help: "Show built-in SAMPLE DATA (six made-up models), not a cluster; writes do nothing.")
    var demoData = false

    @Option(help: "Print one frame as text at this size (for example 100x30) and exit, without a terminal.")
    var printFrame: String?

    @Option(help: "In-process mode and --pod: a kubeconfig file (wins over KUBECONFIG).")
    var kubeconfig: String?

    enum ThemeChoice: String, ExpressibleByArgument, CaseIterable {
        case auto, dark, light, none
    }

    func validate() throws {
        guard ViewKind(rawValue: view) != nil else {
            throw ValidationError("--view must be one of: models, endpoints, docs, cache, backstage, events")
        }
        if let printFrame, Self.parseSize(printFrame) == nil {
            throw ValidationError("--print-frame takes COLUMNSxROWS, for example 100x30")
        }
        let byPod = pod != nil || selector != nil
        if byPod && ([attachLocation, attachStorage, attachNormalizer].contains { $0 != nil } || demoData) {
            throw ValidationError("--pod and --selector attach by pod; leave out --attach-… and --demo-data")
        }
        if pod != nil && selector != nil { throw ValidationError("--pod and --selector both name a pod: give one") }
        if namespace != nil && !byPod { throw ValidationError("--namespace goes with --pod or --selector") }
        if allowWrites && readOnly { throw ValidationError("--allow-writes and --read-only contradict each other") }
        let byURL = [attachLocation, attachStorage, attachNormalizer].contains { $0 != nil }
        if inProcess && (byPod || byURL || demoData) {
            throw ValidationError(
                "--in-process runs the engine here; leave out --pod, --selector, --attach-… and --demo-data")
        }
        if allowWrites && (inProcess || demoData) {
            throw ValidationError("--allow-writes is for an attached console; in-process and sample data write already")
        }
        for url in [attachLocation, attachStorage, attachNormalizer].compactMap({ $0 })
        where URL(string: url)?.host == nil {
            throw ValidationError("--attach-… takes an absolute URL such as http://127.0.0.1:9090, not \(url)")
        }
    }

    static func parseSize(_ text: String) -> Size? {
        let parts = text.lowercased().split(separator: "x")
        guard parts.count == 2, let width = Int(parts[0]), let height = Int(parts[1]), width > 0, height > 0 else {
            return nil
        }
        return Size(width: width, height: height)
    }

    func run() async throws {
        // The console owns the terminal: only critical log lines, on standard error.
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .critical
            return handler
        }
        let options = ConsoleOptions(readOnly: readOnly, ascii: ascii, startView: ViewKind(rawValue: view) ?? .models)
        if demoData {
            let now = Timestamp(secondsSince1970: Date().timeIntervalSince1970)
            try await show(StaticConsoleEngine(snapshot: .sample(at: now)), options: options)
        } else if pod != nil || selector != nil {
            try await showPod(options: options)
        } else if [attachLocation, attachStorage, attachNormalizer].contains(where: { $0 != nil }) {
            try await showURLs(
                location: attachLocation, storage: attachStorage, normalizer: attachNormalizer, options: options)
        } else if let siblings = Self.siblings(
            environment: RoleEnvironment(), kubeconfig: kubeconfig, inProcess: inProcess)
        {
            try await showURLs(
                location: siblings.location, storage: siblings.storage, normalizer: siblings.normalizer,
                options: options)
        } else {
            let environment = RoleEnvironment()
            try environment.check(for: "console")
            try await Cleanup.around { cleanup in
                let logger = Logger(label: "modelbridge.console")
                let engine = try await InProcessEngine(
                    environment: environment, kubeconfig: kubeconfig,
                    addresses: .init(
                        location: ListenAddress(host: "127.0.0.1", port: 0),
                        storage: ListenAddress(host: "127.0.0.1", port: 0),
                        admin: ListenAddress(host: "127.0.0.1", port: 0)),
                    maxBodyBytes: 4 << 20, shutdownSignals: false, cleanup: cleanup, logger: logger)
                cleanup.add { await engine.stopServers() }
                try await engine.start()
                let work = Task { try await engine.runNormalizer() }
                cleanup.add {
                    work.cancel()
                    _ = try? await work.value
                }
                let consoleEngine = BridgeConsoleEngine(
                    index: engine.index, controller: engine.runtime.controller, store: engine.store.store,
                    location: InProcessLocationSink(index: engine.index), events: engine.runtime.events,
                    format: engine.index.format, mode: .inProcess, context: engine.kube.config.server,
                    readOnly: readOnly)
                try await show(consoleEngine, options: options)
            }
        }
    }

    /// Inside the Developer Hub pod (`POD_IP` set, as the deployment sets it in every sidecar) with no mode chosen
    /// and no kubeconfig given: the sibling sidecars on loopback, at the ports the deployment gives them. `nil`
    /// elsewhere (in-process mode).
    static func siblings(environment: RoleEnvironment, kubeconfig: String?, inProcess: Bool) -> (
        location: String, storage: String, normalizer: String
    )? {
        guard !inProcess, kubeconfig == nil, let ip = environment["POD_IP"], !ip.isEmpty else { return nil }
        return ("http://127.0.0.1:9090", "http://127.0.0.1:7070", "http://127.0.0.1:8081")
    }

    /// The token writes carry: `--token-file`'s contents, else `BRIDGE_TOKEN`.
    func writeToken(environment: RoleEnvironment) throws -> String? {
        if let tokenFile {
            guard let data = FileManager.default.contents(atPath: tokenFile) else {
                throw ValidationError("--token-file: cannot read \(tokenFile)")
            }
            let token = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            guard !token.isEmpty else { throw ValidationError("--token-file: \(tokenFile) is empty") }
            return token
        }
        return environment["BRIDGE_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Attached by URL (given, or the siblings inside the pod): read-only unless `--allow-writes`.
    func showURLs(location: String?, storage: String?, normalizer: String?, options: ConsoleOptions) async throws {
        let environment = RoleEnvironment()
        let token = try writeToken(environment: environment)
        // A sidecar that is down shows as down at once: no retrying a refused connection until the request's deadline.
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.retryConnectionEstablishment = false
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        var options = options
        options.readOnly = readOnly || !allowWrites
        let engine = AttachedConsoleEngine(
            locationURL: location, storageURL: storage, normalizerURL: normalizer,
            format: NormalizerFormat(environmentValue: environment["NORMALIZER_FORMAT"]) ?? .jsonArray,
            readOnly: options.readOnly, client: client, token: token)
        do {
            try await show(engine, options: options)
        } catch {
            try? await client.shutdown()
            throw error
        }
        try await client.shutdown()
    }

    /// `--pod` / `--selector`: the pod's sidecars through the API server, read-only unless `--allow-writes`.
    /// A refused permission or an unreachable sidecar ends the command before it takes the terminal.
    func showPod(options: ConsoleOptions) async throws {
        let environment = RoleEnvironment()
        let token = try writeToken(environment: environment)
        let (kube, contextNamespace) = try KubeSetup.client(
            environment: environment, kubeconfig: kubeconfig, logger: Logger(label: "modelbridge.console"))
        do {
            let target = try await PodAttachment.resolve(
                client: kube, namespace: namespace ?? contextNamespace, pod: pod,
                selector: selector.map { $0.isEmpty ? PodAttachment.defaultSelector : $0 })
            try await target.check(client: kube)
            let channels = target.channels(client: kube, token: token)
            let readOnly = readOnly || !allowWrites
            var options = options
            options.readOnly = readOnly
            let engine = AttachedConsoleEngine(
                location: channels.location, storage: channels.storage, normalizer: channels.normalizer,
                format: NormalizerFormat(environmentValue: environment["NORMALIZER_FORMAT"]) ?? .jsonArray,
                readOnly: readOnly)
            try await show(engine, options: options)
        } catch {
            try? await kube.shutdown()
            throw error
        }
        try await kube.shutdown()
    }

    func show(_ engine: some ConsoleEngine, options: ConsoleOptions) async throws {
        if let printFrame, let size = Self.parseSize(printFrame) {
            print(await ConsoleRunner.frameText(engine: engine, options: options, size: size))
            return
        }
        let palette: TerminalTheme.Palette? =
            switch theme {
            case .auto: nil
            case .dark: .dark
            case .light: .light
            case .none: .monochrome
            }
        // ncurses owns this thread until the user quits; engine tasks run on the cooperative pool.
        try ConsoleRunner.run(
            engine: engine, options: options, settings: CursesTerminal.Settings(palette: palette),
            environment: ProcessInfo.processInfo.environment)
    }
}
