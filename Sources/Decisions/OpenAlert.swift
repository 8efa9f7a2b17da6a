import ArchiveModel
import Risk

/// An alert the store holds that can still take hits (its status is one of
/// ``AlertGrouping/joinableStatuses``): what ``AlertPlanner`` needs to know of it.
package struct OpenAlert: Sendable, Hashable {
    package var id: Int64
    package var conversation: ConversationID
    package var category: RiskCategory
    package var severity: AlertSeverity
    package var lastMessageTime: WeComTime

    package init(id: Int64, conversation: ConversationID, category: RiskCategory, severity: AlertSeverity, lastMessageTime: WeComTime) {
        self.id = id
        self.conversation = conversation
        self.category = category
        self.severity = severity
        self.lastMessageTime = lastMessageTime
    }
}

/// Which stored alerts a batch's hits could join: the engine fetches the alerts with a joinable status, one of
/// ``conversations`` and a last message time at or after ``lastMessageTimeFrom``, and hands them to the planner.
///
/// A wider fetch is harmless (the planner checks every condition again); a narrower one would open alerts that
/// should have been joined.
package struct OpenAlertLookup: Sendable, Hashable {
    package var conversations: Set<ConversationID>
    package var lastMessageTimeFrom: WeComTime

    package init(conversations: Set<ConversationID>, lastMessageTimeFrom: WeComTime) {
        self.conversations = conversations
        self.lastMessageTimeFrom = lastMessageTimeFrom
    }
}
