import ConsoleCore
import Testing

@Suite struct ViewSnapshotTests {
    @Test func modelsViewShowsEveryModelSortedByName() {
        Snapshot.check(view(sampleState(), standardSize), "models")
    }

    @Test func endpointsViewShowsKindReadinessAndURL() {
        var state = sampleState()
        type(":endpoints", &state)
        press([.enter], &state)
        Snapshot.check(view(state, standardSize), "endpoints")
    }

    @Test func techDocsViewSaysWhyACardIsMissing() {
        var state = sampleState()
        type("3", &state)
        Snapshot.check(view(state, standardSize), "techdocs")
    }

    @Test func cacheViewShowsShardsAndTheirShareOfOneMebibyte() {
        var state = sampleState()
        type("4", &state)
        Snapshot.check(view(state, standardSize), "cache")
    }

    @Test func asciiCacheViewDrawsTheBarsInBrackets() {
        var state = sampleState(ascii: true)
        type("4", &state)
        Snapshot.check(view(state, Size(width: 80, height: 24)), "cache-ascii-80x24")
    }

    @Test func enterOnAShardListsItsKeysWithBreadcrumbs() {
        var state = sampleState()
        type("4", &state)
        press([.enter], &state)
        Snapshot.check(view(state, standardSize), "cache-entries")
    }

    @Test func backstageViewSummarisesListPollsAndFetches() {
        var state = sampleState()
        type("5", &state)
        Snapshot.check(view(state, standardSize), "backstage")
    }

    @Test func eventsViewListsNewestFirst() {
        var state = sampleState()
        type("6", &state)
        Snapshot.check(view(state, standardSize), "events")
    }

    @Test func enterOpensADetailPaneUnderTheTable() {
        var state = sampleState()
        press([.enter], &state)
        Snapshot.check(view(state, standardSize), "models-detail")
    }

    @Test func describeShowsTheRowAndWhatItLinksTo() {
        var state = sampleState()
        press([.down, .down, .down, .char("d")], &state)
        Snapshot.check(view(state, standardSize), "models-describe")
    }

    @Test func rawShowsTheDocumentAsYAMLAndYTogglesJSON() {
        var state = sampleState()
        press([.down, .down, .down, .char("y")], &state)
        Snapshot.check(view(state, standardSize), "models-raw-yaml")
        press([.char("y")], &state)
        Snapshot.check(view(state, standardSize), "models-raw-json")
    }

    @Test func helpIsGeneratedFromTheKeymap() {
        var state = sampleState()
        press([.char("?")], &state)
        Snapshot.check(view(state, Size(width: 100, height: 40)), "help")
    }

    @Test func commandModeShowsThePromptAndACompletion() {
        var state = sampleState()
        type(":end", &state)
        Snapshot.check(view(state, standardSize), "command-mode")
    }

    @Test func asciiModeDrawsFramesWithoutLineDrawingCharacters() {
        let state = sampleState(ascii: true)
        let frame = view(state, Size(width: 80, height: 24))
        Snapshot.check(frame, "models-ascii-80x24")
        #expect(!frame.text.contains("─"))
        #expect(!frame.text.contains("│"))
    }

    @Test func readOnlyHeaderShowsTheBadgeAndHidesWriteHints() {
        let frame = view(sampleState(readOnly: true), standardSize)
        #expect(frame.lines[0].contains("READ-ONLY"))
        #expect(!frame.lines[29].contains("resync"))
        #expect(view(sampleState(), standardSize).lines[29].contains("resync"))
    }

    @Test func headerSaysWhyTheNormalizerPublishesNothing() {
        var state = sampleState()
        var snapshot = state.snapshot
        let reason = "publishing nothing because the lease rhdh/x could not be acquired or renewed for 20 s"
        snapshot.header.notPublishing = PublishingNotice(reason: reason, isFault: true)
        _ = update(&state, .snapshot(snapshot))
        let frame = view(state, standardSize)
        #expect(frame.lines[0].contains("NOT PUBLISHING"))
        #expect(frame.lines[1].hasPrefix(reason))

        snapshot.header.notPublishing = PublishingNotice(
            reason: "publishing nothing because replica b holds it", isFault: false)
        _ = update(&state, .snapshot(snapshot))
        let standby = view(state, standardSize)
        #expect(standby.lines[0].contains("STANDBY"))
        #expect(standby.lines[1] == view(sampleState(), standardSize).lines[1], "a standby keeps the component line")
    }

    @Test func beforeTheFirstSnapshotTheTableSaysItIsWaiting() {
        let state = ConsoleState()
        let text = view(state, standardSize).text
        #expect(text.contains("waiting for the engine's first snapshot"))
        #expect(text.contains("waiting for the engine"))
    }
}
