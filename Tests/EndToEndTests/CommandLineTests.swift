import Foundation
import Testing

/// The command line as a user meets it: the built binary, not the library behind it.
@Suite(.serialized)
struct CommandLineTests {
    /// The subcommands the top-level `--help` lists.
    static func listedSubcommands() async throws -> [String] {
        let help = try await CommandRun.run(["--help"])
        let lines = help.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let start = lines.firstIndex(where: { $0.hasPrefix("SUBCOMMANDS:") }) else { return [] }
        // A subcommand's line is indented by two spaces; its wrapped description by more.
        return lines[(start + 1)...].prefix { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
            .filter { $0.hasPrefix("  ") && !$0.hasPrefix("   ") }
            .compactMap { $0.split(separator: " ").first.map(String.init) }
    }

    @Test func everySubcommandAnswersHelpWithItsUsage() async throws {
        let subcommands = try await Self.listedSubcommands()
        // The documented ones, doctor included: it was documented and implemented, but once not registered.
        for expected in ["location", "storage-rest", "rhoai-normalizer", "all", "console", "doctor", "sandbox", "demo"]
        {
            #expect(subcommands.contains(expected), "modelbridge --help lists no \(expected): \(subcommands)")
        }
        for subcommand in subcommands {
            let run = try await CommandRun.run([subcommand, "--help"])
            #expect(run.status == 0, "\(run)")
            #expect(run.stdout.contains("USAGE: modelbridge \(subcommand)"), "\(run)")
        }
    }

    @Test func versionPrintsTheVersionOfTheSources() async throws {
        let source = try String(
            contentsOf: repositoryRoot.appendingPathComponent("Sources/modelbridge/ModelBridgeVersion.swift"),
            encoding: .utf8)
        let declared = try #require(source.firstMatch(of: /current = "([^"]+)"/)).1
        let run = try await CommandRun.run(["--version"])
        #expect(run.status == 0, "\(run)")
        #expect(run.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == String(declared))
    }

    @Test(arguments: [
        (["location", "--address", "127.0.0.1:0"], "NORMALIZER_FORMAT", "bogus", "JsonArrayFormat"),
        (["storage-rest", "--address", "127.0.0.1:0"], "STORAGE_TYPE", "Disk", "ConfigMap or Memory"),
        (["rhoai-normalizer", "--metrics-address", "127.0.0.1:0"], "PROBE_INTERVAL", "soon", "Go duration"),
        (["rhoai-normalizer", "--metrics-address", "127.0.0.1:0"], "LEADER_ELECT", "ture", "true or false"),
        (["all", "--location-address", "127.0.0.1:0"], "MODELCARD_UPSTREAM_COUNTER", "yes", "true or false"),
    ])
    func aBadEnvironmentValueNamesTheVariableAndExits2WithoutUsage(
        arguments: [String], variable: String, value: String, allowed: String
    ) async throws {
        let run = try await CommandRun.run(arguments, environment: [variable: value], timeout: .seconds(30))
        #expect(run.status == 2, "\(run)")
        #expect(run.stderr.contains("\(variable)=\(value) is not valid"), "\(run)")
        #expect(run.stderr.contains(allowed), "\(run)")
        #expect(!run.stderr.contains("USAGE") && !run.stdout.contains("USAGE"), "\(run)")
    }

    /// Which subcommands read the variables a source file reads.
    static let readers: [String: [String]] = [
        "Sources/modelbridge/LocationCommand.swift": ["location"],
        "Sources/modelbridge/StorageRestCommand.swift": ["storage-rest"],
        "Sources/modelbridge/NormalizerCommand.swift": ["rhoai-normalizer"],
        "Sources/modelbridge/NormalizerRuntime.swift": ["rhoai-normalizer", "all", "console"],
        "Sources/modelbridge/InProcessEngine.swift": ["all", "console"],
        "Sources/modelbridge/StoreFactory.swift": ["storage-rest", "all", "console"],
        "Sources/modelbridge/ConsoleCommand.swift": ["console"],
        "Sources/Doctor/DoctorSettings.swift": ["doctor"],
        "Sources/RegistryAPI/Discovery/RegistryDiscovery.swift": ["rhoai-normalizer", "all", "console", "doctor"],
        "Sources/KubeAPI/Config/KubeConfig.swift": ["storage-rest", "rhoai-normalizer", "all", "console", "doctor"],
        "Sources/ConsoleTerminal/TerminalTheme.swift": ["console"],
        "Sources/ConsoleTerminal/CursesTerminal.swift": ["console"],
    ]

    /// The names a file reads from the environment, by the accessors the code uses.
    static func variablesRead(in text: String) -> Set<String> {
        let access =
            /(?:environment|env|values)(?:\.values)?\s*(?:\[|\.value\(|\.bool\(|\.flag\()\s*"([A-Za-z_.0-9]+)"|(?:\bvalue|\bflag|duration\(environment,)\s*\(?\s*"([A-Za-z_.0-9]+)"/
        return Set(text.matches(of: access).compactMap { match in (match.1 ?? match.2).map(String.init) })
    }

    @Test func everyVariableTheCodeReadsIsInTheHelpOfItsCommandsAndInTheConfigurationReference() async throws {
        let sources = repositoryRoot.appendingPathComponent("Sources")
        let files = try FileManager.default.subpathsOfDirectory(atPath: sources.path)
            .filter { $0.hasSuffix(".swift") && !$0.hasPrefix("modelbridge-bench/") }
        var everyRead: Set<String> = []
        var unmapped: [String] = []
        for file in files {
            let text = try String(contentsOf: sources.appendingPathComponent(file), encoding: .utf8)
            let read = Self.variablesRead(in: text)
            everyRead.formUnion(read)
            if !read.isEmpty && Self.readers["Sources/" + file] == nil { unmapped.append("Sources/\(file): \(read)") }
        }
        #expect(unmapped.isEmpty, "files that read the environment but whose commands this test does not know")
        #expect(everyRead.count > 25, "the scan found too little; has the accessor changed? \(everyRead)")

        var helps: [String: String] = [:]
        for command in Set(Self.readers.values.joined()) {
            helps[command] = try await CommandRun.run([command, "--help"]).stdout
        }
        for (file, commands) in Self.readers {
            let read = Self.variablesRead(
                in: try String(contentsOf: repositoryRoot.appendingPathComponent(file), encoding: .utf8))
            for variable in read {
                for command in commands {
                    #expect(
                        helps[command]?.contains(variable) == true,
                        "\(file) reads \(variable), but `modelbridge \(command) --help` does not name it")
                }
            }
        }

        // docs/configuration.md: the first column of its tables.
        let reference = try String(
            contentsOf: repositoryRoot.appendingPathComponent("docs/configuration.md"), encoding: .utf8)
        let documented = Set(
            reference.split(separator: "\n").filter { $0.hasPrefix("| `") }.flatMap { row in
                row.split(separator: "|").first.map { cell in
                    cell.matches(of: /`([A-Za-z_.0-9]+)`/).map { String($0.1) }
                } ?? []
            })
        for variable in everyRead.sorted() {
            #expect(documented.contains(variable), "\(variable) is read by the code but not in docs/configuration.md")
        }
    }
}
