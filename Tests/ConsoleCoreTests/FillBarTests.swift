import ConsoleCore
import Testing

/// The Cache view's bars: how full each ConfigMap is of its budget.
@Suite struct FillBarTests {
    @Test func anEmptyBudgetDrawsAnEmptyBar() {
        #expect(FillBar.render(0, width: 10, ascii: false) == "░░░░░░░░░░")
        #expect(FillBar.render(0, width: 10, ascii: true) == "[--------]")
    }

    @Test func halfABudgetFillsHalfTheBar() {
        #expect(FillBar.render(0.5, width: 10, ascii: false) == "█████░░░░░")
        #expect(FillBar.render(0.5, width: 10, ascii: true) == "[####----]")
    }

    @Test func aFullBudgetFillsTheBar() {
        #expect(FillBar.render(1, width: 10, ascii: false) == "██████████")
        #expect(FillBar.render(1, width: 10, ascii: true) == "[########]")
    }

    @Test func theBarIsFullOnlyWhenTheBudgetIs() {
        #expect(FillBar.render(0.999, width: 10, ascii: false) == "█████████░")
        #expect(FillBar.render(0.999, width: 10, ascii: true) == "[#######-]")
    }

    @Test func overTheBudgetDrawsFullAndNonsenseDrawsEmpty() {
        #expect(FillBar.render(1.4, width: 10, ascii: false) == "██████████")
        #expect(FillBar.render(1.4, width: 10, ascii: true) == "[########]")
        #expect(FillBar.render(-0.2, width: 10, ascii: false) == "░░░░░░░░░░")
        #expect(FillBar.render(.nan, width: 10, ascii: true) == "[--------]")
    }

    @Test func aCellPutsTheBarLeftOfItsRightAlignedText() {
        #expect(FillBar.beside("87.1%", fraction: 0.871, width: 17, ascii: false) == "████████░░  87.1%")
        #expect(FillBar.beside("87.1%", fraction: 0.871, width: 17, ascii: true) == "[######--]  87.1%")
        #expect(FillBar.beside("87.1%", fraction: 0.871, width: 12, ascii: false) == "█████░ 87.1%", "narrower")
    }

    @Test func aCellTooNarrowForABarShowsOnlyItsText() {
        #expect(FillBar.beside("87.1%", fraction: 0.871, width: 9, ascii: false) == "    87.1%")
        #expect(FillBar.beside("100.0%", fraction: 1, width: 6, ascii: true) == "100.0%")
    }

    @Test func aShardWithoutABudgetHasNoBar() {
        var snapshot = EngineSnapshot.sample()
        snapshot.cache.shards[1].budgetBytes = nil
        let rows = TableCatalog.model(.cacheShards, state: ConsoleState(snapshot: snapshot)).rows
        #expect(rows[0].cells[2].bar != nil)
        #expect(rows[1].cells[2].bar == nil)
        #expect(rows.allSatisfy { !$0.cells[2].text.contains("█") }, "the bar is drawn, never part of the text")
    }
}
