import ArchiveModel
import Decisions
import Risk

extension PlannedHit {
    /// A hit as ingest stored it, as alert grouping sees it.
    package init(_ hit: StoredRiskHit) {
        self.init(category: RiskCategory(rawValue: hit.category), rule: hit.rule, severity: AlertSeverity(rawValue: hit.severity),
                  start: hit.start, end: hit.end)
    }
}

extension StoredRiskHit {
    /// The stored form of a planned hit: the same five values it was made from.
    package init(_ hit: PlannedHit) {
        self.init(category: hit.category.rawValue, rule: hit.rule, severity: hit.severity.rawValue, start: hit.start, end: hit.end)
    }
}

extension Dictionary where Key == MessageID, Value == [StoredRiskHit] {
    /// The hits as ``AlertPlanner`` takes them.
    package var planned: [MessageID: [PlannedHit]] { mapValues { $0.map(PlannedHit.init) } }
}
