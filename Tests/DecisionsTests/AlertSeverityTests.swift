import Decisions
import Risk
import Testing

@Suite struct AlertSeverityTests {
    @Test func knownNamesRankAsRiskSeverities() {
        #expect(Severity.allCases.map { AlertSeverity($0).rank } == Severity.allCases)
    }

    @Test func anUnknownNameRanksAsLow() {
        #expect(AlertSeverity("urgent").rank == .low)
        #expect(AlertSeverity("").rank == .low)
        #expect(AlertSeverity("HIGH").rank == .low)
    }

    @Test func highestKeepsTheFirstOfEquallyRankedNames() {
        #expect(AlertSeverity.highest(of: ["low", "high", "medium"]) == "high")
        #expect(AlertSeverity.highest(of: ["high", "critical", "critical"]) == "critical")
        #expect(AlertSeverity.highest(of: ["urgent", "low"]) == "urgent")
        #expect(AlertSeverity.highest(of: ["low", "urgent"]) == "low")
        #expect(AlertSeverity.highest(of: ["urgent", "medium"]) == "medium")
        #expect(AlertSeverity.highest(of: []) == nil)
    }

    @Test func raisingReplacesOnlyWithAStrictlyHigherRank() {
        #expect(AlertSeverity("medium").raised(to: "high") == "high")
        #expect(AlertSeverity("high").raised(to: "medium") == "high")
        #expect(AlertSeverity("high").raised(to: "high") == "high")
        #expect(AlertSeverity("urgent").raised(to: "low") == "urgent")
        #expect(AlertSeverity("low").raised(to: "urgent") == "low")
        #expect(AlertSeverity("urgent").raised(to: "medium") == "medium")
    }
}
