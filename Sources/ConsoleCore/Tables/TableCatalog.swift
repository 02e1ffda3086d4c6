/// Builds each table from a snapshot: columns, rows, and the sort each table starts with.
public enum TableCatalog {
    /// The table's columns and unsorted, unfiltered rows.
    public static func model(_ table: TableID, state: ConsoleState) -> TableModel {
        let snapshot = state.snapshot
        let now = state.now
        switch table {
        case .models: return models(snapshot, now: now)
        case .endpoints: return endpoints(snapshot)
        case .techDocs: return techDocs(snapshot, now: now)
        case .cacheShards: return cacheShards(snapshot)
        case .cacheEntries(let shard): return cacheEntries(snapshot, shard: shard, now: now)
        case .backstage: return backstage(snapshot, now: now)
        case .events: return events(snapshot.events + state.consoleEvents)
        }
    }

    /// How many rows ``model(_:state:)`` would have, without building them (the view tabs).
    public static func rowCount(_ table: TableID, state: ConsoleState) -> Int {
        let snapshot = state.snapshot
        switch table {
        case .models: return snapshot.models.count
        case .endpoints: return snapshot.endpoints.count
        case .techDocs: return snapshot.techDocs.count
        case .cacheShards: return snapshot.cache.shards.count
        case .cacheEntries(let shard): return snapshot.cache.shards.first { $0.name == shard }?.entries.count ?? 0
        case .backstage: return snapshot.backstage.fetches.count
        case .events: return snapshot.events.count + state.consoleEvents.count
        }
    }

    /// The sort a table starts with: by name, events newest first.
    public static func defaultState(for table: TableID) -> TableState {
        switch table {
        case .events: TableState(sortColumn: 0, ascending: false)
        case .models: TableState(sortColumn: 1, ascending: true)
        case .endpoints: TableState(sortColumn: 0, ascending: true)
        default: TableState(sortColumn: 0, ascending: true)
        }
    }

    static func age(_ at: Timestamp?, now: Timestamp) -> TableCell {
        guard let at else { return TableCell("-", sort: .missing, role: .dim) }
        return TableCell(at.age(at: now), sort: .number(-at.secondsSince1970))
    }

    static func fetch(_ record: FetchRecord?, now: Timestamp) -> TableCell {
        guard let record else { return TableCell("never", sort: .missing, role: .warning) }
        let role: StyleRole = (200..<400).contains(record.status) ? .normal : .error
        return TableCell(
            "\(record.status) \(record.at.age(at: now)) ago", sort: .number(-record.at.secondsSince1970), role: role)
    }

    static func bytes(_ count: Int) -> TableCell {
        let text: String
        if count < 1024 {
            text = "\(count) B"
        } else if count < 1_048_576 {
            text = "\(oneDecimal(Double(count) / 1024)) KiB"
        } else {
            text = "\(oneDecimal(Double(count) / 1_048_576)) MiB"
        }
        return TableCell(text, sort: .number(Double(count)))
    }

    static func oneDecimal(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }

    static func models(_ snapshot: EngineSnapshot, now: Timestamp) -> TableModel {
        let columns = [
            Column("REGISTRY", "R", min: 6, flex: 1), Column("MODEL", "N", min: 8, flex: 3),
            Column("VERSION", "V", min: 6, flex: 1), Column("STATE", "S", min: 5),
            Column("OWNER", "O", min: 5, flex: 1), Column("LIFECYCLE", "L", min: 5, optional: true),
            Column("FORMAT", "F", min: 4), Column("ENDPOINTS", "E", min: 4, alignRight: true),
            Column("BACKSTAGE", "B", min: 8), Column("KEY", "K", min: 8, flex: 2, optional: true),
        ]
        let rows = snapshot.models.map { model in
            TableRow(
                id: model.key, name: "\(model.model):\(model.version)",
                cells: [
                    TableCell(model.registry), TableCell(model.model), TableCell(model.version),
                    TableCell(model.state, role: stateRole(model.state)), TableCell(model.owner),
                    TableCell(model.lifecycle), TableCell(model.format),
                    TableCell("\(model.endpoints.count)", sort: .number(Double(model.endpoints.count))),
                    fetch(model.backstageFetch, now: now), TableCell(model.key, role: .dim),
                ], labels: model.labels, modelKey: model.key)
        }
        return TableModel(title: "Models", columns: columns, rows: rows)
    }

    static func stateRole(_ state: String) -> StyleRole {
        switch state.uppercased() {
        case "LIVE", "READY", "TRUE": .ok
        case "ARCHIVED", "": .dim
        default: .warning
        }
    }

    static func endpoints(_ snapshot: EngineSnapshot) -> TableModel {
        let columns = [
            Column("NAMESPACE", "P", min: 6, flex: 1), Column("NAME", "N", min: 8, flex: 2),
            Column("KIND", "K", min: 4), Column("MODE", "M", min: 4, optional: true),
            Column("RUNTIME", "T", min: 5, flex: 1),
            Column("READY", "S", min: 5), Column("AUTH", "A", min: 4, optional: true),
            Column("MODEL", "O", min: 6, flex: 1),
            Column("URL", "U", min: 8, flex: 3),
        ]
        let rows = snapshot.endpoints.map { endpoint in
            let linked = [endpoint.linkedModel, endpoint.linkedVersion].compactMap { $0 }.joined(separator: ":")
            return TableRow(
                id: "\(endpoint.namespace)/\(endpoint.name)", name: "\(endpoint.namespace)/\(endpoint.name)",
                cells: [
                    TableCell(endpoint.namespace), TableCell(endpoint.name),
                    TableCell(endpoint.kind == .inferenceService ? "isvc" : "llmisvc"),
                    TableCell(endpoint.deploymentMode), TableCell(endpoint.runtime),
                    TableCell(endpoint.ready ? "True" : "False", role: endpoint.ready ? .ok : .error),
                    TableCell(endpoint.authEnabled ? "token" : "none"), TableCell(linked),
                    TableCell(endpoint.externalURL ?? endpoint.internalURL ?? "-"),
                ], labels: endpoint.labels, modelKey: endpoint.linkedKey)
        }
        return TableModel(title: "Endpoints", columns: columns, rows: rows)
    }

    static func techDocs(_ snapshot: EngineSnapshot, now: Timestamp) -> TableModel {
        let columns = [
            Column("MODEL", "N", min: 8, flex: 2), Column("VERSION", "V", min: 6, flex: 1),
            Column("SOURCE", "S", min: 6, flex: 1, optional: true), Column("CARD", "C", min: 6),
            Column("SIZE", "Z", min: 5),
            Column("SERVED", "D", min: 6, flex: 1), Column("BACKSTAGE", "B", min: 8),
            Column("REASON", "W", min: 8, flex: 2),
        ]
        let rows = snapshot.techDocs.map { row in
            let card: TableCell
            if let fetch = row.catalogFetch {
                card =
                    fetch.error == nil
                    ? TableCell(fetch.at.age(at: now) + " ago", sort: .number(-fetch.at.secondsSince1970))
                    : TableCell("failed", sort: .number(-fetch.at.secondsSince1970), role: .error)
            } else {
                card = TableCell("-", sort: .missing, role: .dim)
            }
            let reason = row.missingReason.map { TableCell($0.description, role: .warning) } ?? TableCell("")
            return TableRow(
                id: row.key, name: "\(row.model):\(row.version)",
                cells: [
                    TableCell(row.model), TableCell(row.version), TableCell(row.cardSource ?? "-"), card,
                    row.catalogFetch.map { bytes($0.bytes) } ?? TableCell("-", sort: .missing, role: .dim),
                    TableCell(row.servedPath ?? "-", role: row.servedPath == nil ? .dim : .normal),
                    fetch(row.backstageRead, now: now), reason,
                ], modelKey: row.key)
        }
        return TableModel(title: "TechDocs", columns: columns, rows: rows)
    }

    static func cacheShards(_ snapshot: EngineSnapshot) -> TableModel {
        let columns = [
            Column("CONFIGMAP", "N", min: 10, flex: 2), Column("BYTES", "Z", min: 8, alignRight: true),
            Column("USED", "U", min: 6, alignRight: true), Column("HEADROOM", "H", min: 8, alignRight: true),
            Column("KEYS", "K", min: 4, alignRight: true),
        ]
        let rows = snapshot.cache.shards.map { shard in
            let percent = shard.percentUsed
            let role: StyleRole = percent >= 90 ? .error : percent >= 75 ? .warning : .normal
            return TableRow(
                id: shard.name, name: shard.name,
                cells: [
                    TableCell(shard.name), bytes(shard.bytes),
                    TableCell(
                        oneDecimal(percent) + "%", sort: .number(percent), role: role,
                        bar: shard.budgetBytes.map { Double(shard.bytes) / Double(max($0, 1)) }),
                    shard.headroomBytes.map { bytes($0) } ?? TableCell("-", sort: .number(-1), role: .dim),
                    TableCell("\(shard.entries.count)", sort: .number(Double(shard.entries.count))),
                ], drill: .cacheEntries(shard: shard.name))
        }
        let total = snapshot.cache.shards.reduce(0) { $0 + $1.bytes }
        var model = TableModel(title: "Cache", columns: columns, rows: rows)
        // The budget is the same for every ConfigMap of a store; the figures are those /metrics exports.
        if let budget = snapshot.cache.shards.compactMap(\.budgetBytes).max() {
            model.summary =
                "\(snapshot.cache.shards.count) ConfigMaps, \(bytes(total).text) in total, filled to "
                + "\(bytes(budget).text) each (limit 1 MiB). Enter lists its keys."
        } else {
            model.summary =
                "\(snapshot.cache.shards.count) ConfigMaps, \(bytes(total).text) in total; each holds at most 1 MiB."
                + " Enter lists a ConfigMap's keys."
        }
        return model
    }

    static func cacheEntries(_ snapshot: EngineSnapshot, shard name: String, now: Timestamp) -> TableModel {
        let columns = [
            Column("KEY", "N", min: 10, flex: 3), Column("FIELDS", "F", min: 6, flex: 2, optional: true),
            Column("LOCATION", "L", min: 8, flex: 1), Column("UPDATED", "A", min: 7),
            Column("BYTES", "Z", min: 6, alignRight: true),
        ]
        let entries = snapshot.cache.shards.first { $0.name == name }?.entries ?? []
        let rows = entries.map { entry in
            TableRow(
                id: entry.key, name: entry.key,
                cells: [
                    TableCell(entry.key), TableCell(entry.fields.joined(separator: ",")),
                    TableCell(entry.locationID ?? "-", role: entry.locationID == nil ? .warning : .normal),
                    age(entry.updatedAt, now: now), bytes(entry.bytes),
                ], modelKey: entry.key, cacheKey: entry.key)
        }
        return TableModel(title: "Cache \(name)", columns: columns, rows: rows)
    }

    static func backstage(_ snapshot: EngineSnapshot, now: Timestamp) -> TableModel {
        let columns = [
            Column("KIND", "K", min: 4), Column("PATH", "N", min: 12, flex: 3), Column("STATUS", "S", min: 6),
            Column("FETCHED", "A", min: 7), Column("COUNT", "C", min: 5, alignRight: true),
            Column("KEY", "Y", min: 8, flex: 1, optional: true),
        ]
        let rows = snapshot.backstage.fetches.map { fetch in
            TableRow(
                id: "\(fetch.kind.rawValue) \(fetch.path)", name: fetch.path,
                cells: [
                    TableCell(fetch.kind.rawValue), TableCell(fetch.path),
                    TableCell(
                        "\(fetch.last.status)", sort: .number(Double(fetch.last.status)),
                        role: (200..<400).contains(fetch.last.status) ? .ok : .error),
                    TableCell(fetch.last.at.age(at: now) + " ago", sort: .number(-fetch.last.at.secondsSince1970)),
                    TableCell("\(fetch.count)", sort: .number(Double(fetch.count))),
                    TableCell(fetch.key ?? "-", role: .dim),
                ], modelKey: fetch.key)
        }
        var model = TableModel(title: "Backstage", columns: columns, rows: rows)
        let documents = snapshot.backstage.fetches.filter { $0.kind == .document }.count
        let cards = snapshot.backstage.fetches.filter { $0.kind == .card }.count
        if let poll = snapshot.backstage.lastListPoll {
            model.summary =
                "GET /list: \(snapshot.backstage.listPolls) polls, last \(poll.at.age(at: now)) ago (\(poll.status));"
                + " \(documents) documents and \(cards) cards fetched"
        } else {
            model.summary = "GET /list: Backstage has not polled yet"
        }
        return model
    }

    static func events(_ events: [EngineEvent]) -> TableModel {
        let columns = [
            Column("TIME", "A", min: 8), Column("LEVEL", "L", min: 5), Column("SOURCE", "S", min: 6),
            Column("MESSAGE", "M", min: 10, flex: 4),
        ]
        var rows: [TableRow] = []
        for (index, event) in events.enumerated() {
            let role: StyleRole =
                switch event.level {
                case .error: .error
                case .warning: .warning
                case .debug: .dim
                case .info: .normal
                }
            rows.append(
                TableRow(
                    id: "\(event.at.secondsSince1970)#\(index)", name: event.message,
                    cells: [
                        TableCell(event.at.timeOfDay, sort: .number(event.at.secondsSince1970 * 1e6 + Double(index))),
                        TableCell(event.level.rawValue, sort: .number(Double(event.level.rank)), role: role),
                        TableCell(event.source), TableCell(event.message),
                    ]))
        }
        return TableModel(title: "Events", columns: columns, rows: rows)
    }
}
