import ArchiveModel
import Risk

/// A rule hit as alert grouping sees it: category, rule, severity and span, never the matched text (that stays
/// sealed in the message).
package struct PlannedHit: Sendable, Hashable {
    package var category: RiskCategory
    package var rule: String
    package var severity: AlertSeverity
    /// Character offsets into the message's searchable text, end exclusive.
    package var start: Int
    package var end: Int

    package init(category: RiskCategory, rule: String, severity: AlertSeverity, start: Int, end: Int) {
        self.category = category
        self.rule = rule
        self.severity = severity
        self.start = start
        self.end = end
    }

    /// The hit's identity in the store (its unique key, with the message).
    package func key(in message: MessageID) -> RecordedHit {
        RecordedHit(message: message, rule: rule, start: start)
    }
}

/// A hit the store already holds, by the key both engines make unique: message, rule and start.
///
/// A hit found again (a duplicate delivery, a rescan under the same rules) is not news and raises nothing.
package struct RecordedHit: Sendable, Hashable {
    package var message: MessageID
    package var rule: String
    package var start: Int

    package init(message: MessageID, rule: String, start: Int) {
        self.message = message
        self.rule = rule
        self.start = start
    }
}
