import Testing

@testable import ConsoleCore

/// The header's sparklines: scaling, blanks, the ASCII levels, the latest values and how the row
/// fits the terminal.
@Suite struct SparklineTests {
    // MARK: Scaling

    @Test func aConstantSeriesDrawsAFlatLineAtTheTop() {
        #expect(Sparkline.render([1_204, 1_204, 1_204], ascii: false) == "███")
        #expect(Sparkline.render([1_204, 1_204, 1_204], ascii: true) == "###")
    }

    @Test func allZerosDrawTheBottomLine() {
        #expect(Sparkline.render([0, 0, 0, 0], ascii: false) == "▁▁▁▁")
        #expect(Sparkline.render([0, 0, 0, 0], ascii: true) == "____")
    }

    @Test func oneSampleIsFullUnlessItIsZero() {
        #expect(Sparkline.render([7], ascii: false) == "█")
        #expect(Sparkline.render([0], ascii: false) == "▁")
        #expect(Sparkline.render([7], ascii: true) == "#")
    }

    @Test func heightsAreProportionalToTheLargestValue() {
        #expect(Sparkline.render([0, 1, 2, 4, 8], ascii: false) == "▁▂▃▅█")
        #expect(Sparkline.render([0, 1, 2, 4, 8], ascii: true) == "_..-#")
        #expect(Sparkline.render([8, 4, 0], ascii: false) == "█▅▁", "a drop to zero shows as one")
    }

    @Test func anyPositiveValueStandsAboveZero() {
        #expect(Sparkline.render([0, 0.001, 100], ascii: false) == "▁▂█")
        #expect(Sparkline.render([0, 0.001, 100], ascii: true) == "_.#")
    }

    @Test func aMinuteWithoutASampleIsBlankAndNoSamplesDrawNothing() {
        #expect(Sparkline.render([2, nil, 2], ascii: false) == "█ █")
        #expect(Sparkline.render([nil, nil], ascii: false) == "  ")
        #expect(Sparkline.render([], ascii: false) == "")
    }

    @Test func utf8LevelsAreTheEightBlockElements() {
        let text = Sparkline.render((0...7).map { Double($0) }, ascii: false)
        #expect(text.unicodeScalars.map(\.value) == Array(0x2581...0x2588))
        #expect(text.allSatisfy { DisplayWidth.of($0) == 1 })
    }

    // MARK: Latest values

    @Test func theLatestValueIsTheNewestSampleWrittenInItsUnit() {
        #expect(FigureSeries([3, 1_204, nil], unit: .count).latestText == "1,204")
        #expect(FigureSeries([1_234_567], unit: .count).latestText == "1,234,567")
        #expect(FigureSeries([0], unit: .count).latestText == "0")
        #expect(FigureSeries([2, 0.41], unit: .seconds).latestText == "410 ms")
        #expect(FigureSeries([2.35], unit: .seconds).latestText == "2.35 s")
        #expect(FigureSeries([12.34], unit: .seconds).latestText == "12.3 s")
        #expect(FigureSeries([123.4], unit: .seconds).latestText == "123 s")
        #expect(FigureSeries([], unit: .count).latestText == "-")
        #expect(FigureSeries([nil, nil], unit: .seconds).latestText == "-")
    }

    // MARK: The header row

    static func header(_ published: [Double?], _ read: [Double?]) -> [(label: String, values: FigureSeries)] {
        [
            ("published", FigureSeries(published, unit: .count)),
            ("registry read", FigureSeries(read, unit: .seconds)),
        ]
    }

    @Test func theSparklinesShareTheWidthAndShowTheNewestMinutes() {
        let line = FigureLine.fit(
            Self.header((1...60).map(Double.init), (1...60).map { _ in 0.4 }), width: 100, ascii: false)
        #expect(line.parts.map(\.label) == ["published", "registry read"])
        let shown = line.parts[0].sparkline.count
        #expect(shown > 8 && shown < 60 && line.parts[1].sparkline.count == shown)
        #expect(line.parts[0].sparkline.last == "█", "the newest minute is the largest")
        #expect(line.parts[0].value == "60" && line.parts[1].value == "400 ms")
        #expect(line.note == "last \(shown) min")
        let wide = FigureLine.fit(
            Self.header((1...60).map(Double.init), (1...60).map { _ in 0.4 }), width: 200, ascii: false)
        #expect(wide.parts[0].sparkline.count == 60 && wide.note == "last 60 min")
    }

    @Test func aNarrowRowDropsTheNoteThenTheRegistrySeriesThenEverything() {
        let series = Self.header((1...60).map(Double.init), (1...60).map { _ in 0.4 })
        let widths = stride(from: 120, through: 10, by: -1).map { width in
            let line = FigureLine.fit(series, width: width, ascii: false)
            return (width, line)
        }
        for (width, line) in widths {
            let drawn =
                line.parts.map { "\($0.label) \($0.sparkline) \($0.value)" }.joined(separator: FigureLine.gap)
                + (line.note.isEmpty ? "" : FigureLine.gap + line.note)
            #expect(line.parts.isEmpty || DisplayWidth.of(drawn) <= width, "\(width): \(drawn)")
            #expect(line.parts.allSatisfy { $0.sparkline.count >= FigureLine.minimumSparkline }, "\(width)")
        }
        let kinds = widths.map { _, line in "\(line.parts.count)\(line.note.isEmpty ? "" : "+note")" }
        var order: [String] = []
        for kind in kinds where order.last != kind { order.append(kind) }
        #expect(order == ["2+note", "2", "1+note", "1", "0"])
    }

    @Test func withoutSamplesTheRowShowsDashes() {
        let line = FigureLine.fit(Self.header([], []), width: 100, ascii: false)
        #expect(line.parts.map(\.value) == ["-", "-"])
        #expect(line.parts.allSatisfy(\.sparkline.isEmpty) && line.note.isEmpty)
    }

    @Test func theHeaderDrawsBothSeriesWithTheirLatestValues() {
        let frame = view(sampleState(), standardSize)
        #expect(frame.lines[2].hasPrefix("published ▆▆"))
        #expect(frame.lines[2].contains("█ 6   registry read "))
        #expect(frame.lines[2].contains(" 410 ms   last "))
        #expect(frame.lines[3].hasPrefix(" 1 Models 6"), "the tabs move down a row")
    }

    @Test func theASCIIHeaderAndCacheUseNoBlockCharacters() {
        var state = sampleState(ascii: true)
        let models = view(state, Size(width: 80, height: 24))
        type("4", &state)
        let cache = view(state, Size(width: 80, height: 24))
        for frame in [models, cache] {
            #expect(!frame.text.unicodeScalars.contains { (0x2580...0x259F).contains($0.value) })
        }
        #expect(models.lines[2].hasPrefix("published ==") && models.lines[2].contains("registry read "))
        #expect(cache.lines.contains { $0.contains("[######--] 87.1%") })
    }

    @Test func aShortTerminalKeepsItsRowsForThePage() {
        let short = view(sampleState(), Size(width: 100, height: ConsoleLayout.figuresMinimumHeight - 1))
        #expect(short.lines[2].hasPrefix(" 1 Models 6"))
        #expect(!short.text.contains("published"))
        let tall = view(sampleState(), Size(width: 100, height: ConsoleLayout.figuresMinimumHeight))
        #expect(tall.lines[2].hasPrefix("published"))
    }

    @Test func aSnapshotWithoutFiguresShowsDashesNotACrash() {
        var state = sampleState()
        var snapshot = state.snapshot
        snapshot.header.published = FigureSeries(unit: .count)
        snapshot.header.registryRead = FigureSeries(unit: .seconds)
        _ = update(&state, .snapshot(snapshot))
        #expect(view(state, standardSize).lines[2] == "published -   registry read -")
    }
}
