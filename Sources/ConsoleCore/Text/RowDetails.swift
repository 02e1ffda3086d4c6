/// The words about one row: detail-pane fields, the describe page, and the raw document.
public enum RowDetails {
    /// Label and value pairs for the detail pane (and the top of describe); empty when the row
    /// is gone from the snapshot.
    public static func fields(_ table: TableID, row id: String, state: ConsoleState) -> [(String, String)] {
        let snapshot = state.snapshot
        let now = state.now
        switch table {
        case .models:
            guard let model = snapshot.models.first(where: { $0.key == id }) else { return [] }
            return [
                ("Registry", model.registry), ("Model", model.model), ("Version", model.version),
                ("State", model.state), ("Owner", model.owner), ("Lifecycle", model.lifecycle),
                ("Format", model.format),
                ("Endpoints", model.endpoints.isEmpty ? "none" : model.endpoints.joined(separator: ", ")),
                ("Key", model.key), ("URI", model.uri),
                ("Backstage", fetchText(model.backstageFetch, now: now, never: "not fetched by Backstage yet")),
                ("Labels", labelText(model.labels)),
            ]
        case .endpoints:
            guard let endpoint = snapshot.endpoints.first(where: { "\($0.namespace)/\($0.name)" == id }) else {
                return []
            }
            var fields = [
                ("Namespace", endpoint.namespace), ("Name", endpoint.name), ("Kind", endpoint.kind.rawValue),
                ("Deployment mode", endpoint.deploymentMode), ("Runtime", endpoint.runtime),
                ("Ready", endpoint.ready ? "True" : "False"), ("External URL", endpoint.externalURL ?? "none"),
                ("Internal URL", endpoint.internalURL ?? "none"),
                ("Auth", endpoint.authEnabled ? "token required" : "none"),
                ("Model", [endpoint.linkedModel, endpoint.linkedVersion].compactMap { $0 }.joined(separator: " ")),
                ("Key", endpoint.linkedKey ?? "none"), ("Labels", labelText(endpoint.labels)),
            ]
            for condition in endpoint.conditions {
                let why = [condition.reason, condition.message].filter { !$0.isEmpty }.joined(separator: ": ")
                fields.append(("Condition " + condition.type, condition.status + (why.isEmpty ? "" : " (\(why))")))
            }
            return fields
        case .techDocs:
            guard let row = snapshot.techDocs.first(where: { $0.key == id }) else { return [] }
            let card: String
            if let fetch = row.catalogFetch {
                card =
                    fetch.error.map { "failed \(fetch.at.age(at: now)) ago: \($0)" }
                    ?? "\(fetch.bytes) bytes, hash \(fetch.hash), \(fetch.at.age(at: now)) ago (\(fetch.at))"
            } else {
                card = "never fetched"
            }
            return [
                ("Model", row.model), ("Version", row.version), ("Key", row.key),
                ("Card source", row.cardSource ?? "unknown"), ("Catalog fetch", card),
                ("Served at", row.servedPath ?? "not served"),
                ("Backstage read", fetchText(row.backstageRead, now: now, never: "not read by TechDocs yet")),
                ("Missing because", row.missingReason?.description ?? "-"),
            ]
        case .cacheShards:
            guard let shard = snapshot.cache.shards.first(where: { $0.name == id }) else { return [] }
            return [
                ("ConfigMap", shard.name), ("Bytes", "\(shard.bytes) of \(CacheInfo.shardLimitBytes)"),
                ("Used", TableCatalog.oneDecimal(shard.percentUsed) + "%"), ("Keys", "\(shard.entries.count)"),
            ]
        case .cacheEntries(let shardName):
            let shard = snapshot.cache.shards.first { $0.name == shardName }
            guard let entry = shard?.entries.first(where: { $0.key == id }) else { return [] }
            return [
                ("Key", entry.key), ("ConfigMap", shardName), ("Fields", entry.fields.joined(separator: ", ")),
                ("Location id", entry.locationID ?? "none"),
                ("Updated", entry.updatedAt.map { "\($0) (\($0.age(at: now)) ago)" } ?? "unknown"),
                ("Bytes", "\(entry.bytes)"),
            ]
        case .backstage:
            guard let fetch = snapshot.backstage.fetches.first(where: { "\($0.kind.rawValue) \($0.path)" == id })
            else { return [] }
            return [
                ("Kind", fetch.kind.rawValue), ("Path", fetch.path), ("Key", fetch.key ?? "unknown"),
                ("Last status", "\(fetch.last.status)"),
                ("Last fetch", "\(fetch.last.at) (\(fetch.last.at.age(at: now)) ago)"),
                ("Fetches", "\(fetch.count)"),
            ]
        case .events:
            guard let row = TableView(.events, in: state).row(id: id) else { return [] }
            return [
                ("Time", row.cells[0].text), ("Level", row.cells[1].text), ("Source", row.cells[2].text),
                ("Message", row.cells[3].text),
            ]
        }
    }

    static func fetchText(_ record: FetchRecord?, now: Timestamp, never: String) -> String {
        guard let record else { return never }
        return "HTTP \(record.status), \(record.at.age(at: now)) ago (\(record.at))"
    }

    static func labelText(_ labels: [String: String]) -> String {
        labels.isEmpty
            ? "none" : labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ")
    }

    /// The describe page: the fields, then what the row links to elsewhere in the console.
    public static func describe(_ table: TableID, row id: String, state: ConsoleState) -> [String] {
        let fields = fields(table, row: id, state: state)
        guard !fields.isEmpty else { return ["This row is no longer in the engine's snapshot."] }
        let labelWidth = fields.map { DisplayWidth.of($0.0) }.max() ?? 0
        var lines = fields.map { DisplayWidth.pad($0.0 + ":", to: labelWidth + 1) + " " + $0.1 }
        let key: String? =
            switch table {
            case .models, .techDocs, .cacheEntries: id
            case .endpoints: state.snapshot.endpoints.first { "\($0.namespace)/\($0.name)" == id }?.linkedKey
            case .backstage: state.snapshot.backstage.fetches.first { "\($0.kind.rawValue) \($0.path)" == id }?.key
            case .cacheShards, .events: nil
            }
        guard let key else { return lines }
        let snapshot = state.snapshot
        func section(_ title: String, _ body: [String]) {
            lines.append("")
            lines.append(title)
            lines.append(contentsOf: body.isEmpty ? ["  none"] : body.map { "  " + $0 })
        }
        if table != .models {
            section(
                "Model",
                snapshot.models.filter { $0.key == key }.map {
                    "\($0.registry) \($0.model) \($0.version) (\($0.state))"
                })
        }
        if table != .endpoints {
            section(
                "Endpoints",
                snapshot.endpoints.filter { $0.linkedKey == key }.map {
                    "\($0.namespace)/\($0.name) ready=\($0.ready) \($0.externalURL ?? $0.internalURL ?? "")"
                })
        }
        if table != .techDocs {
            section(
                "TechDocs",
                snapshot.techDocs.filter { $0.key == key }.map {
                    $0.missingReason.map { "no card: \($0)" } ?? "card served at \($0.servedPath ?? "-")"
                })
        }
        if !table.isCacheEntries {
            var cached: [String] = []
            for shard in snapshot.cache.shards {
                for entry in shard.entries where entry.key == key {
                    cached.append("\(shard.name): \(entry.fields.joined(separator: ",")), \(entry.bytes) bytes")
                }
            }
            section("Cache", cached)
        }
        section(
            "Backstage",
            snapshot.backstage.fetches.filter { $0.key == key }.map {
                "\($0.kind.rawValue) \($0.path): \($0.last.status), \($0.last.at.age(at: state.now)) ago, \($0.count)x"
            })
        let events = snapshot.events.filter { $0.message.contains(key) }.suffix(5)
        section("Recent events", events.map { "\($0.at.timeOfDay) \($0.level.rawValue) \($0.source): \($0.message)" })
        return lines
    }

    /// The raw JSON of a row: the document or object as the engine holds it, or its fields
    /// as an object when there is no document.
    public static func rawJSON(_ table: TableID, row id: String, state: ConsoleState) -> String? {
        let snapshot = state.snapshot
        switch table {
        case .models: if let json = snapshot.models.first(where: { $0.key == id })?.documentJSON { return json }
        case .endpoints:
            if let json = snapshot.endpoints.first(where: { "\($0.namespace)/\($0.name)" == id })?.objectJSON {
                return json
            }
        case .cacheEntries(let shard):
            let entry = snapshot.cache.shards.first { $0.name == shard }?.entries.first { $0.key == id }
            if let json = entry?.documentJSON { return json }
        default: break
        }
        let fields = fields(table, row: id, state: state)
        guard !fields.isEmpty else { return nil }
        return "{" + fields.map { RawDocument.quoted($0.0) + ":" + RawDocument.quoted($0.1) }.joined(separator: ",")
            + "}"
    }

    /// The raw page's lines in `format`; text that is not JSON is shown as it is.
    public static func raw(_ table: TableID, row id: String, format: RawFormat, state: ConsoleState) -> [String] {
        guard let json = rawJSON(table, row: id, state: state) else {
            return ["This row is no longer in the engine's snapshot."]
        }
        guard let document = RawDocument(json: json) else {
            return json.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        }
        return format == .json ? document.jsonLines : document.yamlLines
    }
}
