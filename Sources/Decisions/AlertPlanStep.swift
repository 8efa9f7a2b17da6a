import ArchiveModel
import Risk

/// The alert a plan step writes to: one the store holds, or one an earlier step of the same plan opens.
package enum AlertReference: Sendable, Hashable {
    case stored(id: Int64)
    /// The alert opened by the plan's `n`-th opening step (from 0); the engine learns its id when it inserts it.
    case planned(Int)
}

/// One category's fresh hits in one message, and what they do to an alert.
///
/// The engine executes the steps in order. For each: store ``hits`` against the alert (a hit whose key is already
/// stored is ignored by the unique key, as today), add `hits.count` violations of ``category`` for ``sender`` on the
/// day of ``time`` (the sender, not the responsible employee, is charged with a violation), then apply ``change``.
package struct AlertPlanStep: Sendable, Hashable {
    package enum Change: Sendable, Hashable {
        /// Insert an alert with status `open`, this step's conversation, category, sender and severity, ``time`` as
        /// its first and last message time and a hit count of 1; record its `opened` event and queue it for every
        /// channel.
        case open(severity: AlertSeverity)
        /// Add 1 to the alert's hit count and set its severity and last message time to these (already raised and
        /// maxed by the planner); its first message time stays.
        case extend(severity: AlertSeverity, lastMessageTime: WeComTime)
    }

    package var alert: AlertReference
    package var change: Change
    package var message: MessageID
    /// `nil` only for a message outside any conversation (a switch record); such an alert is never joined.
    package var conversation: ConversationID?
    package var sender: PartyID
    package var time: WeComTime
    package var category: RiskCategory
    /// The message's fresh hits of ``category``, in the order found.
    package var hits: [PlannedHit]

    package init(alert: AlertReference, change: Change, message: MessageID, conversation: ConversationID?, sender: PartyID,
                 time: WeComTime, category: RiskCategory, hits: [PlannedHit]) {
        self.alert = alert
        self.change = change
        self.message = message
        self.conversation = conversation
        self.sender = sender
        self.time = time
        self.category = category
        self.hits = hits
    }
}
