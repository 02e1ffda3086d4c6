import ConsoleCore
import Testing

@Suite struct FilterTests {
    func visibleNames(_ state: ConsoleState) -> [String] {
        TableView(state.currentTable, in: state).rows.map(\.name)
    }

    @Test func substringFilterKeepsRowsWithAMatchingCellIgnoringCase() {
        var state = sampleState()
        type("/MNIST", &state)
        press([.enter], &state)
        #expect(visibleNames(state) == ["mnist:v1"])
        Snapshot.check(view(state, standardSize), "filter-substring")
    }

    @Test func regexFilterBetweenSlashesMatchesAPattern() {
        var state = sampleState()
        type("//^(mnist|mistral)/", &state)
        press([.enter], &state)
        #expect(visibleNames(state) == ["mistral-7b:v0.3", "mnist:v1"])
    }

    @Test func anInvalidRegexIsMatchedAsTextAndSaysSo() {
        var state = sampleState()
        type("//([/", &state)
        #expect(view(state, standardSize).lines[28].contains("not a valid regular expression"))
        press([.enter], &state)
        #expect(state.flash?.isError == true)
        #expect(visibleNames(state).isEmpty)
    }

    @Test func inverseFilterHidesMatchingRows() {
        var state = sampleState()
        type("/!public", &state)
        press([.enter], &state)
        #expect(visibleNames(state) == ["bert-ja 日本語:2024-06", "mistral-7b:v0.3", "sentiment-svc:"])
        Snapshot.check(view(state, standardSize), "filter-inverse")
    }

    @Test func labelFilterMatchesCustomPropertiesWithAndSemantics() {
        var state = sampleState()
        type("/-l team=nlp,env!=dev", &state)
        press([.enter], &state)
        #expect(visibleNames(state) == ["bert-ja 日本語:2024-06", "granite-3-8b-instruct:1.2.0", "sentiment-svc:"])
        Snapshot.check(view(state, standardSize), "filter-labels")
    }

    @Test func labelFilterWithABareKeyRequiresTheLabel() {
        var state = sampleState()
        type("/-l gpu", &state)
        #expect(visibleNames(state) == ["granite-3-8b-instruct:1.2.0"])
    }

    @Test func fuzzyFilterMatchesLettersInOrder() {
        var state = sampleState()
        type("/-f grnt", &state)
        press([.enter], &state)
        #expect(visibleNames(state) == ["granite-3-8b-instruct:1.2.0"])
        Snapshot.check(view(state, standardSize), "filter-fuzzy")
    }

    @Test func filterAppliesWhileTypingAndTheTitleShowsIt() {
        var state = sampleState()
        type("/res", &state)
        let frame = view(state, standardSize)
        #expect(frame.lines[ConsoleLayout(size: standardSize).main.y].contains("Models [2 of 6] /res"))
        #expect(frame.lines[28].hasPrefix("/res"))
    }

    @Test func escapeInTheFilterPromptClearsTheFilter() {
        var state = sampleState()
        type("/mnist", &state)
        press([.escape], &state)
        #expect(state.mode == .normal)
        #expect(visibleNames(state).count == 6)
    }

    @Test func escapeOnATableClearsAKeptFilter() {
        var state = sampleState()
        type("/mnist", &state)
        press([.enter], &state)
        #expect(visibleNames(state).count == 1)
        press([.escape], &state)
        #expect(visibleNames(state).count == 6)
    }

    @Test func filtersAreKeptPerTable() {
        var state = sampleState()
        type("/mnist", &state)
        press([.enter], &state)
        type("2", &state)
        #expect(visibleNames(state).count == 3)
        type("1", &state)
        #expect(visibleNames(state) == ["mnist:v1"])
    }

    @Test func aFilterMatchingNothingSaysHowToClearIt() {
        var state = sampleState()
        type("/zzz", &state)
        #expect(view(state, standardSize).text.contains("no rows match /zzz (Esc clears the filter)"))
    }
}
