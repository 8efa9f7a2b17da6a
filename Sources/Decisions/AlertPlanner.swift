import ArchiveModel
import Risk

/// Turns a batch's risk hits into alert steps: which hits are news, which alert each category's hits join or open,
/// and the severity and last message time that alert ends with.
///
/// Both engines used to decide this statement by statement inside their commit; deciding it here, from plain values,
/// means they group hits the same way by construction and only execute the plan.
package enum AlertPlanner {
    /// The stored alerts `plan` may need for `messages`; `nil` when no message has hits.
    package static func lookup(for messages: [ChatMessage], hits: [MessageID: [PlannedHit]]) -> OpenAlertLookup? {
        let withHits = messages.filter { !(hits[$0.id] ?? []).isEmpty }
        guard let earliest = withHits.map(\.time).min() else { return nil }
        // Grouping only ever raises an alert's last time, so no alert older than this can take any of the hits.
        return OpenAlertLookup(conversations: Set(withHits.compactMap(\.conversation)),
                               lastMessageTimeFrom: AlertGrouping.earliestJoinableLast(forHitAt: earliest))
    }

    /// The steps that store `hits` and raise or extend alerts for them.
    ///
    /// - Parameters:
    ///   - messages: the messages the store holds, in the order the engine processes them (a batch's order); a
    ///     message without hits is skipped.
    ///   - hits: rule hits by message.
    ///   - recorded: the keys of the hits the store already holds for these messages. A message's hits are compared
    ///     with it before any of them is added, so the same key twice in one message is news twice (the store keeps
    ///     the first); a message listed twice finds its hits recorded the second time.
    ///   - openAlerts: the stored alerts that can still take hits (see ``lookup(for:hits:)``).
    /// - Returns: steps in execution order: messages in order and, within a message, categories by name.
    package static func plan(messages: [ChatMessage], hits: [MessageID: [PlannedHit]], recorded: Set<RecordedHit>,
                             openAlerts: [OpenAlert]) -> [AlertPlanStep] {
        // Oldest first, so the last match is the newest alert: stored ones by id, then those this plan opens.
        var alerts = openAlerts.sorted { $0.id < $1.id }.map(Candidate.init)
        var recorded = recorded
        var opened = 0
        var steps: [AlertPlanStep] = []
        for message in messages {
            guard let messageHits = hits[message.id], !messageHits.isEmpty else { continue }
            let fresh = messageHits.filter { !recorded.contains($0.key(in: message.id)) }
            recorded.formUnion(fresh.map { $0.key(in: message.id) })
            // By category name: alert ids then follow the same order in every run and on every engine.
            for (category, categoryHits) in Dictionary(grouping: fresh, by: \.category).sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
                guard let severity = AlertSeverity.highest(of: categoryHits.map(\.severity)) else { continue }
                let step = { (alert: AlertReference, change: AlertPlanStep.Change) in
                    AlertPlanStep(alert: alert, change: change, message: message.id, conversation: message.conversation,
                                  sender: message.from, time: message.time, category: category, hits: categoryHits)
                }
                if let conversation = message.conversation,
                   let index = alerts.lastIndex(where: { $0.takes(conversation, category, at: message.time) }) {
                    alerts[index].severity = alerts[index].severity.raised(to: severity)
                    alerts[index].lastMessageTime = max(alerts[index].lastMessageTime, message.time)
                    steps.append(step(alerts[index].reference,
                                      .extend(severity: alerts[index].severity, lastMessageTime: alerts[index].lastMessageTime)))
                } else {
                    let reference = AlertReference.planned(opened)
                    opened += 1
                    alerts.append(Candidate(reference: reference, conversation: message.conversation, category: category,
                                            severity: severity, lastMessageTime: message.time))
                    steps.append(step(reference, .open(severity: severity)))
                }
            }
        }
        return steps
    }

    /// An alert as it stands while the plan is being made.
    private struct Candidate {
        var reference: AlertReference
        var conversation: ConversationID?
        var category: RiskCategory
        var severity: AlertSeverity
        var lastMessageTime: WeComTime

        init(reference: AlertReference, conversation: ConversationID?, category: RiskCategory, severity: AlertSeverity,
             lastMessageTime: WeComTime) {
            self.reference = reference
            self.conversation = conversation
            self.category = category
            self.severity = severity
            self.lastMessageTime = lastMessageTime
        }

        init(_ alert: OpenAlert) {
            self.init(reference: .stored(id: alert.id), conversation: alert.conversation, category: alert.category,
                      severity: alert.severity, lastMessageTime: alert.lastMessageTime)
        }

        func takes(_ conversation: ConversationID, _ category: RiskCategory, at time: WeComTime) -> Bool {
            self.conversation == conversation && self.category == category
                && AlertGrouping.joins(hitAt: time, alertLastAt: lastMessageTime)
        }
    }
}
