/// The `?` overlay, generated from the live keymap, the current table's columns and the
/// command list, so help can never drift from what the keys do.
public enum HelpText {
    /// The help lines for the current state.
    public static func lines(for state: ConsoleState) -> [String] {
        var lines: [String] = []
        let keyWidth = 18
        func binding(_ binding: KeyBinding) -> String {
            let keys = binding.keys.map(\.description).joined(separator: ", ")
            var text = binding.help
            if binding.isWrite { text += state.isReadOnly ? " [refused: read-only]" : " [write]" }
            return "  " + DisplayWidth.pad(keys, to: keyWidth) + text
        }
        let sections: [(String, KeyContext)] = [
            ("Everywhere", .global), ("Tables", .table), ("Describe and raw pages", .text),
        ]
        for (title, context) in sections {
            lines.append(title)
            lines += state.keyMap.bindings.filter { $0.context == context }.map(binding)
            lines.append("")
        }
        let table = TableView(state.currentTable, in: state)
        lines.append("Sort \(table.model.title): Shift+letter sorts by a column, again inverts")
        let columns = table.model.columns.map { "\($0.sortLetter) \($0.title)" }
        var row = " "
        for column in columns {
            if DisplayWidth.of(row) + column.count + 3 > 78 {
                lines.append(row)
                row = " "
            }
            row += " " + column + " "
        }
        lines.append(row)
        lines.append("")
        lines.append("Filters (/ on a table; applies while you type, Enter keeps it, Esc clears it)")
        lines += [
            "  text              rows with a cell containing text, ignoring case",
            "  /regex/           rows with a cell matching the regular expression",
            "  !text             rows that do not match (works with every form)",
            "  -l key=value      labels and custom properties: k=v, k!=v, k; comma means and",
            "  -f letters        fuzzy: the letters appear in this order",
            "",
            "Commands (: then Enter; Tab completes, Up/Down history, Esc cancels)",
        ]
        for command in CommandCatalog.commands {
            let names = command.names.map { ":" + $0 }.joined(separator: " ")
            lines.append("  " + DisplayWidth.pad(names, to: 38) + command.help + (command.isWrite ? " [write]" : ""))
        }
        lines.append("")
        lines.append("Writes ask for confirmation naming their target (y or Enter on the button; n or Esc cancels).")
        return lines
    }
}
