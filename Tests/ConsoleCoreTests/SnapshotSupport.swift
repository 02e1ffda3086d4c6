import ConsoleCore
import Foundation
import Testing

/// Frame snapshots live in `Snapshots/<name>.txt`; `RECORD_SNAPSHOTS=1 swift test` rewrites them.
enum Snapshot {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
        "Snapshots")

    static func check(_ grid: Grid, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let url = directory.appendingPathComponent(name + ".txt")
        let actual = grid.text + "\n"
        if ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] == "1" {
            try? actual.write(to: url, atomically: true, encoding: .utf8)
            return
        }
        guard let expected = try? String(contentsOf: url, encoding: .utf8) else {
            Issue.record(
                "missing snapshot \(name).txt; run with RECORD_SNAPSHOTS=1\n\(actual)", sourceLocation: sourceLocation)
            return
        }
        #expect(actual == expected, "frame \(name) differs:\n\(actual)", sourceLocation: sourceLocation)
    }
}

/// A console with the sample snapshot and a clock 5 s after it.
func sampleState(readOnly: Bool = false, ascii: Bool = false, size: Size = Size(width: 100, height: 30)) -> ConsoleState
{
    var state = ConsoleState(options: ConsoleOptions(readOnly: readOnly, ascii: ascii), size: size)
    _ = update(&state, .snapshot(.sample()))
    _ = update(&state, .tick(EngineSnapshot.sample().takenAt.adding(seconds: 5)))
    return state
}

/// Feeds keys one by one and returns every effect.
@discardableResult
func press(_ keys: [Key], _ state: inout ConsoleState) -> [Effect] {
    keys.flatMap { update(&state, .key($0)) }
}

/// Feeds a string as character keys.
@discardableResult
func type(_ text: String, _ state: inout ConsoleState) -> [Effect] {
    press(text.map { Key.char($0) }, &state)
}

let standardSize = Size(width: 100, height: 30)
