import ConsoleCore
import Testing

@Suite struct GridTests {
    @Test func wideCharactersTakeTwoColumnsAndTextSkipsTheContinuation() {
        var grid = Grid(size: Size(width: 10, height: 1))
        #expect(grid.write("日本x", x: 0, y: 0, role: .normal) == 5)
        #expect(grid[0, 0].width == 2)
        #expect(grid[1, 0].width == 0)
        #expect(grid.text == "日本x")
    }

    @Test func aWideCharacterThatDoesNotFitBecomesASpace() {
        var grid = Grid(size: Size(width: 3, height: 1))
        grid.write("a日本", x: 0, y: 0, role: .normal)
        #expect(grid.lines == ["a日"])
        var edge = Grid(size: Size(width: 4, height: 1))
        edge.write("abc日", x: 0, y: 0, role: .normal)
        #expect(edge.lines == ["abc"])
        #expect(edge[3, 0].width == 1)
    }

    @Test func overwritingHalfAWideCharacterBlanksTheOtherHalf() {
        var grid = Grid(size: Size(width: 4, height: 1))
        grid.write("日本", x: 0, y: 0, role: .normal)
        grid.write("x", x: 1, y: 0, role: .normal)
        #expect(grid.lines == [" x本"])
        #expect(grid.cells.allSatisfy { $0.width == 1 || $0.width == 2 || $0.width == 0 })
    }

    @Test func controlCharactersAreShownAsQuestionMarks() {
        var grid = Grid(size: Size(width: 6, height: 1))
        grid.write("a\u{1B}[b", x: 0, y: 0, role: .normal)
        #expect(grid.lines == ["a?[b"])
    }

    @Test func displayWidthUsesAFixedTable() {
        #expect(DisplayWidth.of("aè✓日🙂") == 1 + 1 + 1 + 2 + 2)
        #expect(DisplayWidth.of("e\u{301}") == 1)
        #expect(DisplayWidth.of("한국어") == 6)
    }

    @Test func truncationCountsColumnsAndEndsWithAnEllipsis() {
        #expect(DisplayWidth.truncate("bert-ja 日本語", to: 10) == "bert-ja …")
        #expect(DisplayWidth.truncate("bert-ja 日本語", to: 11) == "bert-ja 日…")
        #expect(DisplayWidth.truncate("日本語", to: 4) == "日…")
        #expect(DisplayWidth.truncate("abc", to: 3) == "abc")
        #expect(DisplayWidth.truncate("abcdef", to: 4, ellipsis: "~") == "abc~")
        #expect(DisplayWidth.pad("日本", to: 6) == "日本  ")
    }

    @Test func wideCharactersInATableStayAligned() {
        let frame = view(sampleState(), standardSize)
        let row = frame.lines.first { $0.contains("山田") }!
        let header = frame.lines[ConsoleLayout(size: standardSize).main.y + 1]
        let ownerColumn = DisplayWidth.of(header[..<header.firstRange(of: "OWNER")!.lowerBound])
        let cell = DisplayWidth.of(row[..<row.firstRange(of: "山田")!.lowerBound])
        #expect(ownerColumn == cell)
    }

    @Test func theSelectedRowIsDrawnWithTheSelectedRole() {
        var state = sampleState()
        press([.down], &state)
        let frame = view(state, standardSize)
        let firstRow = ConsoleLayout(size: standardSize).main.y + 2
        #expect(frame.roles(row: firstRow + 1).dropFirst().dropLast().allSatisfy { $0 == .selected })
        #expect(!frame.roles(row: firstRow).contains(.selected))
    }

    @Test func rowsUseStatusRoles() {
        var state = sampleState()
        type("2", &state)
        let frame = view(state, standardSize)
        // The third endpoint, sentiment-svc, is not ready.
        #expect(frame.roles(row: ConsoleLayout(size: standardSize).main.y + 4).contains(.error))
    }

    @Test func aTinyTerminalShowsANoticeInsteadOfCrashing() {
        var state = sampleState()
        for size in [
            Size(width: 0, height: 0), Size(width: 1, height: 1), Size(width: 39, height: 30),
            Size(width: 100, height: 9),
        ] {
            _ = update(&state, .resize(size))
            press([.down, .pageDown, .char("?"), .escape, .enter, .char("d"), .end, .escape], &state)
            let frame = view(state, size)
            #expect(frame.size == size)
        }
        Snapshot.check(view(state, Size(width: 30, height: 6)), "too-small")
    }

    @Test func everyPageRendersAtTheMinimumSize() {
        let size = ConsoleLayout.minimum
        var state = sampleState(size: size)
        _ = update(&state, .resize(size))
        for keys: [Key] in [
            [], [.enter], [.char("d")], [.char("y")], [.char("?")], [.char("r")], [.char(":")], [.char("/")],
        ] {
            var copy = state
            press(keys, &copy)
            let frame = view(copy, size)
            #expect(frame.lines.count == size.height)
        }
        Snapshot.check(view(state, size), "models-minimum-size")
    }

    @Test func resizingKeepsTheSelectionVisible() {
        var state = sampleState()
        press([.end], &state)
        _ = update(&state, .resize(Size(width: 80, height: 10)))
        let frame = view(state, Size(width: 80, height: 10))
        #expect(frame.text.contains("kserve"))
    }

    @Test func keyDecodingHandlesControlCodesAndEscapeSequences() {
        #expect(Key(codePoint: 13) == .enter)
        #expect(Key(codePoint: 3) == .ctrl("c"))
        #expect(Key(codePoint: 12) == .ctrl("l"))
        #expect(Key(codePoint: 127) == .backspace)
        #expect(Key(codePoint: 0xE9) == .char("é"))
        #expect(Key(escapeSequence: Array("[A".utf8)) == .up)
        #expect(Key(escapeSequence: Array("[1;2B".utf8)) == .down)
        #expect(Key(escapeSequence: Array("[6~".utf8)) == .pageDown)
        #expect(Key(escapeSequence: Array("[15~".utf8)) == .function(5))
        #expect(Key(escapeSequence: Array("OP".utf8)) == .function(1))
        #expect(Key(escapeSequence: Array("[Z".utf8)) == .backTab)
        #expect(Key(escapeSequence: Array("[99x".utf8)) == nil)
    }

    @Test func rawDocumentsRoundTripAsJSONAndBecomeReadableYAML() {
        let document = RawDocument(
            json: #"{"b":1.50,"a":[true,null,{"x":"y: z"}],"s":"line1\nline2","e":{},"u":"\u00e9"}"#)
        #expect(
            document?.jsonLines.joined(separator: "\n") == """
                {
                  "b": 1.50,
                  "a": [
                    true,
                    null,
                    {
                      "x": "y: z"
                    }
                  ],
                  "s": "line1\\nline2",
                  "e": {},
                  "u": "é"
                }
                """)
        #expect(
            document?.yamlLines == [
                "b: 1.50", "a:", "  - true", "  - null", "  - x: \"y: z\"", "s: |-", "  line1", "  line2", "e: {}",
                "u: é",
            ])
        #expect(RawDocument(json: "{nope") == nil)
    }

    @Test func timestampsFormatAsUTCAndAges() {
        let at = Timestamp(secondsSince1970: 1_786_000_000)
        #expect(at.iso8601 == "2026-08-06T07:06:40Z")
        #expect(at.age(at: at.adding(seconds: 59)) == "59s")
        #expect(at.age(at: at.adding(seconds: 7_200)) == "2h")
        #expect(Timestamp(secondsSince1970: 0).iso8601 == "1970-01-01T00:00:00Z")
    }

    @Test func theStaticEngineServesItsSnapshotAndAnswersWrites() async {
        let engine = StaticConsoleEngine(snapshot: .sample())
        var received: [EngineSnapshot] = []
        for await snapshot in engine.snapshots() { received.append(snapshot) }
        #expect(received == [.sample()])
        let ok = await engine.perform(.resyncModel(key: "mnist_v1.3c9a51e0b2d4"))
        #expect(ok.succeeded)
        let unknown = await engine.perform(.repushCacheEntry(key: "nope_x"))
        #expect(!unknown.succeeded)
        #expect(unknown.message == "no document with key nope_x in the sample data")
    }
}
