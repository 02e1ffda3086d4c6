import ArgumentParser
import Doctor
import Foundation
import KubeAPI
import Logging

/// `modelbridge doctor`: checks permissions, CRDs, registries, TLS, Backstage, the cache and the sidecars with the
/// roles' own configuration, and an operator's access for `modelbridge console --pod`, and prints what to fix.
struct DoctorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check that the connector can work here, and print the exact fix for anything that cannot.",
        discussion: """
            In the Developer Hub pod:
              kubectl -n ai-rhdh exec deploy/backstage-developer-hub -c rhoai-normalizer -- modelbridge doctor
            With an operator's kubeconfig it also checks what `modelbridge console --pod` needs (get, list on pods; \
            get, create on pods/proxy), and names deploy/rbac/console-operator-role.yaml when one is missing:
              modelbridge doctor --kubeconfig ~/.kube/config
            Exits 1 when any check FAILs. See docs/operations.md.
            """ + "\n\n" + EnvironmentReference.help(for: "doctor"))

    enum Output: String, ExpressibleByArgument, CaseIterable {
        case table
        case json
    }

    @Option(help: "A kubeconfig file (wins over KUBECONFIG).")
    var kubeconfig: String?

    @Option(help: "Report format: table or json.")
    var output: Output = .table

    @Option(help: "location's base URL (default http://127.0.0.1:9090, checked when POD_IP is set).")
    var locationURL: String?

    @Option(help: "storage-rest's base URL (default http://127.0.0.1:7070, checked when POD_IP is set).")
    var storageURL: String?

    @Option(help: "The normalizer's admin URL (default http://127.0.0.1:8081, checked when POD_IP is set).")
    var normalizerURL: String?

    @Option(help: "Seconds to wait for each probe.")
    var timeout: Int = 5

    func validate() throws {
        for (flag, value) in [
            ("--location-url", locationURL), ("--storage-url", storageURL), ("--normalizer-url", normalizerURL),
        ] {
            if let value, !(value.hasPrefix("http://") || value.hasPrefix("https://")) {
                throw ValidationError("\(flag) must be a URL such as http://127.0.0.1:9090")
            }
        }
        guard timeout > 0 else { throw ValidationError("--timeout must be a positive number of seconds, e.g. 5") }
    }

    func run() async throws {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .error
            return handler
        }
        let environment = RoleEnvironment()
        let logger = Logger(label: "modelbridge.doctor")
        let (kube, namespace) = try KubeSetup.client(environment: environment, kubeconfig: kubeconfig, logger: logger)
        var overrides: [DoctorSettings.Sidecar: String] = [:]
        overrides[.location] = locationURL
        overrides[.storageRest] = storageURL
        overrides[.normalizer] = normalizerURL
        let settings = DoctorSettings(
            environment: environment.values, namespace: namespace, kube: kube.config, sidecarOverrides: overrides)
        let report = await Doctor(settings: settings, kube: kube, probeTimeout: .seconds(timeout)).run()
        try? await kube.shutdown()
        print(output == .json ? report.json() : report.table(), terminator: "")
        if report.hasFailures { throw ExitCode(1) }
    }
}
