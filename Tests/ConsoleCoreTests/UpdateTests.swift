import ConsoleCore
import Testing

@Suite struct UpdateTests {
    @Test func qQuitsAndCtrlCQuitsFromAnyMode() {
        var state = sampleState()
        #expect(press([.char("q")], &state) == [.quit])
        type(":mod", &state)
        #expect(press([.ctrl("c")], &state) == [.quit])
    }

    @Test func ctrlLAsksForARedraw() {
        var state = sampleState()
        #expect(press([.ctrl("l")], &state) == [.redraw])
    }

    @Test func commandAliasesSwitchViews() {
        for (command, table) in [
            ("ep", TableID.endpoints), ("td", .techDocs), ("cm", .cacheShards), ("bs", .backstage), ("ev", .events),
            ("mo", .models),
        ] {
            var state = sampleState()
            type(":" + command, &state)
            press([.enter], &state)
            #expect(state.currentTable == table, "for :\(command)")
        }
    }

    @Test func commandHistoryRecallsEarlierCommandsWithUpAndDown() {
        var state = sampleState()
        type(":events", &state)
        press([.enter], &state)
        type(":cache", &state)
        press([.enter], &state)
        type(":", &state)
        press([.up], &state)
        #expect(state.mode == .command(LineEditor("cache"), historyIndex: 1))
        press([.up], &state)
        #expect(state.mode == .command(LineEditor("events"), historyIndex: 0))
        press([.down, .down], &state)
        #expect(state.mode == .command(LineEditor(""), historyIndex: nil))
    }

    @Test func tabCompletesACommand() {
        var state = sampleState()
        type(":back", &state)
        press([.tab, .enter], &state)
        #expect(state.currentTable == .backstage)
    }

    @Test func anUnknownCommandFlashesAnError() {
        var state = sampleState()
        type(":pods", &state)
        press([.enter], &state)
        #expect(state.flash?.isError == true)
        #expect(state.flash?.text.contains(":pods") == true)
    }

    @Test func shiftLetterSortsByAColumnAndAgainInverts() {
        var state = sampleState()
        type("O", &state)
        var owners = TableView(.models, in: state).rows.map { $0.cells[4].text }
        #expect(owners == ["ibm", "kubeflow", "ml-research", "platform", "team-nlp", "山田"])
        type("O", &state)
        owners = TableView(.models, in: state).rows.map { $0.cells[4].text }
        #expect(owners == ["山田", "team-nlp", "platform", "ml-research", "kubeflow", "ibm"])
        Snapshot.check(view(state, standardSize), "sorted-owner-descending")
    }

    @Test func angleBracketsMoveTheSortColumn() {
        var state = sampleState()
        type(">", &state)
        #expect(state.tableState(.models).sortColumn == 2)
        type("<<", &state)
        #expect(state.tableState(.models).sortColumn == 0)
    }

    @Test func numbersSortNumericallyAndMissingValuesLast() {
        var state = sampleState()
        type("4", &state)
        press([.enter], &state)
        type("Z", &state)
        #expect(TableView(state.currentTable, in: state).rows.map(\.id).first == "mistral-7b_v0-3.b44d0c9e1f2a")
        type("1B", &state)
        let statuses = TableView(.models, in: state).rows.map { $0.cells[8].text }
        #expect(statuses.last == "never")
    }

    @Test func selectionFollowsTheRowWhenTheSortChanges() {
        var state = sampleState()
        press([.down, .down], &state)
        let selected = TableView(.models, in: state).selectedRow?.id
        type("O", &state)
        #expect(TableView(.models, in: state).selectedRow?.id == selected)
    }

    @Test func selectionSurvivesANewSnapshot() {
        var state = sampleState()
        press([.down, .down], &state)
        let selected = TableView(.models, in: state).selectedRow?.id
        var next = EngineSnapshot.sample()
        next.models.reverse()
        _ = update(&state, .snapshot(next))
        #expect(TableView(.models, in: state).selectedRow?.id == selected)
    }

    @Test func breadcrumbsFollowEnterAndEscape() {
        var state = sampleState()
        type("4", &state)
        press([.enter, .enter], &state)
        #expect(
            view(state, standardSize).lines[27] == "cache › bac-import-model › granite-3-8b-instruct_1-2-0.8f1e6a2b9c07"
        )
        type("y", &state)
        #expect(view(state, standardSize).lines[27].hasSuffix("› granite-3-8b-instruct_1-2-0.8f1e6a2b9c07 › yaml"))
        press([.escape, .escape], &state)
        #expect(view(state, standardSize).lines[27] == "cache › bac-import-model")
        press([.escape, .escape], &state)
        #expect(state.stack.count == 1)
        #expect(view(state, standardSize).lines[27] == "cache")
        Snapshot.check(view(state, standardSize), "breadcrumbs-back-to-root")
    }

    @Test func theDetailPaneFollowsTheSelection() {
        var state = sampleState()
        press([.enter, .down], &state)
        #expect(state.current.page == .detail(.models, row: "bert-ja_2024-06.71c2e9d04a5b"))
    }

    @Test func resyncAsksForConfirmationNamingTheModel() {
        var state = sampleState()
        press([.down, .down, .down], &state)
        #expect(press([.char("r")], &state).isEmpty)
        Snapshot.check(view(state, standardSize), "confirm-resync")
        #expect(press([.char("y")], &state) == [.perform(.resyncModel(key: "mistral-7b_v0-3.b44d0c9e1f2a"))])
        #expect(state.modal == nil)
    }

    @Test func enterOnTheConfirmDialogCancelsUnlessTheButtonHasFocus() {
        var state = sampleState()
        press([.char("r")], &state)
        #expect(press([.enter], &state).isEmpty)
        #expect(state.flash?.text.hasPrefix("cancelled") == true)
        press([.char("r"), .tab], &state)
        #expect(press([.enter], &state).count == 1)
    }

    @Test func escapeCancelsTheConfirmDialog() {
        var state = sampleState()
        press([.function(5)], &state)
        #expect(press([.escape], &state).isEmpty)
        #expect(state.modal == nil)
    }

    @Test func syncCommandAsksToResyncEverything() {
        var state = sampleState()
        type(":sync", &state)
        press([.enter], &state)
        guard case .confirm(let dialog) = state.modal else {
            Issue.record("no dialog")
            return
        }
        #expect(dialog.action == .resyncAll)
        #expect(dialog.details.first == "all 6 models from every registry and KServe")
    }

    @Test func rePushWorksOnlyOnACacheKey() {
        var state = sampleState()
        press([.char("p")], &state)
        #expect(state.modal == nil)
        #expect(state.flash?.isError == true)
        type("4", &state)
        press([.enter], &state)
        press([.char("p")], &state)
        Snapshot.check(view(state, standardSize), "confirm-repush")
        #expect(
            press([.char("y")], &state) == [
                .perform(.repushCacheEntry(key: "granite-3-8b-instruct_1-2-0.8f1e6a2b9c07"))
            ])
    }

    @Test func readOnlyModeRefusesWritesAndLogsTheRefusal() {
        var state = sampleState(readOnly: true)
        #expect(press([.char("r"), .function(5)], &state).isEmpty)
        type(":sync", &state)
        #expect(press([.enter], &state).isEmpty)
        #expect(state.modal == nil)
        #expect(state.flash?.isError == true)
        #expect(state.flash?.text == "refused: resync everything (the console runs with --read-only)")
        #expect(state.consoleEvents.count == 3)
        Snapshot.check(view(state, standardSize), "read-only-refusal")
    }

    @Test func anEngineThatIsReadOnlyAlsoRefusesWrites() {
        var state = sampleState()
        var snapshot = EngineSnapshot.sample()
        snapshot.header.readOnly = true
        _ = update(&state, .snapshot(snapshot))
        press([.char("r")], &state)
        #expect(state.flash?.text.contains("the engine is read-only") == true)
    }

    /// Attached, read-only is the default, so the refusal names the flag that allows writes.
    @Test func attachedAndReadOnlyTheRefusalNamesAllowWrites() {
        var state = sampleState(readOnly: true)
        var snapshot = EngineSnapshot.sample()
        snapshot.header.mode = .attached
        snapshot.header.readOnly = true
        _ = update(&state, .snapshot(snapshot))
        press([.function(5)], &state)
        #expect(
            state.flash?.text
                == "refused: resync everything (attached read-only: start the console with --allow-writes to write)")
    }

    @Test func actionResultsFlashAndAppearInEvents() {
        var state = sampleState()
        let failure = ActionResult(action: .resyncAll, succeeded: false, message: "registry public: 503")
        _ = update(&state, .actionFinished(failure))
        #expect(
            state.flash == Flash(text: "resync everything failed: registry public: 503", isError: true, expires: nil))
        type("6", &state)
        let messages = TableView(.events, in: state).rows.map(\.name)
        #expect(messages.first == "resync everything failed: registry public: 503")
    }

    @Test func flashMessagesExpireAfterAFewTicks() {
        var state = sampleState()
        press([.char("c")], &state)
        #expect(state.flash != nil)
        _ = update(&state, .tick(state.now.adding(seconds: 1)))
        #expect(state.flash != nil)
        _ = update(&state, .tick(state.now.adding(seconds: 7)))
        #expect(state.flash == nil)
    }

    @Test func copyPutsTheSelectedKeyOnTheClipboard() {
        var state = sampleState()
        #expect(
            press([.char("c")], &state) == [.copy("a-model-with-a-name-far-too-long-for-any-column_v2.5e5e0a1b2c3d")])
    }

    @Test func scrollingATextPageStopsAtTheEnd() {
        var state = sampleState(size: Size(width: 60, height: 12))
        press([.char("d"), .end], &state)
        let lastScroll = state.current.scroll
        #expect(lastScroll > 0)
        press([.down, .pageDown], &state)
        #expect(state.current.scroll == lastScroll)
        press([.char("g")], &state)
        #expect(state.current.scroll == 0)
    }

    @Test func pageDownMovesTheSelectionByAScreenfulAndScrolls() {
        var state = sampleState(size: Size(width: 80, height: 12))
        _ = update(&state, .resize(Size(width: 80, height: 12)))
        press([.pageDown], &state)
        let table = TableView(.models, in: state)
        #expect(table.selected == 3)
        press([.end], &state)
        #expect(TableView(.models, in: state).selected == 5)
        #expect(state.tableState(.models).top == 3)
    }

    @Test func helpClosesWithEscape() {
        var state = sampleState()
        press([.char("?")], &state)
        #expect(state.modal == .help(scroll: 0))
        press([.char("j")], &state)
        #expect(state.modal == .help(scroll: 1))
        press([.escape], &state)
        #expect(state.modal == nil)
    }

    @Test func helpListsEveryKeymapBinding() {
        let lines = HelpText.lines(for: sampleState()).joined(separator: "\n")
        for binding in KeyMap.standard.bindings {
            #expect(lines.contains(binding.help), "missing \(binding.help)")
        }
    }

    @Test func noWriteIsBoundToACtrlKey() {
        for binding in KeyMap.standard.bindings where binding.isWrite {
            #expect(!binding.keys.contains { if case .ctrl = $0 { true } else { false } })
        }
    }
}
