/// A message as the reply clock sees it.
public struct ReplyEvent: Sendable, Hashable {
    public var msgid: String
    public var sender: String
    public var fromStaff: Bool
    /// msgtime, milliseconds.
    public var time: Int64

    public init(msgid: String, sender: String, fromStaff: Bool, time: Int64) {
        self.msgid = msgid
        self.sender = sender
        self.fromStaff = fromStaff
        self.time = time
    }
}

/// One wait of a customer: from their first unanswered message to the reply that answered it.
public struct ReplyEpisode: Sendable, Hashable {
    /// The customer's first message of the wait.
    public var customerMessage: ReplyEvent
    /// The staff message that answered, or nil while the customer is still waiting.
    public var reply: ReplyEvent?
}

/// Splits a conversation into waits. Pure, so a late message or a recall simply means computing again
/// from the conversation's messages in `msgtime` order: the result never depends on arrival order.
public enum ReplyEpisodes {
    /// - Parameters:
    ///   - events: the conversation's messages in msgtime order, recalled messages and system records left out.
    ///   - answers: whether a staff message counts as an answer (in groups, perhaps only the owner's).
    public static func split(_ events: [ReplyEvent], answers: (ReplyEvent) -> Bool = { _ in true }) -> [ReplyEpisode] {
        var episodes: [ReplyEpisode] = []
        var waiting: ReplyEvent?
        for event in events {
            if !event.fromStaff {
                if waiting == nil { waiting = event }
            } else if let first = waiting, answers(event) {
                episodes.append(ReplyEpisode(customerMessage: first, reply: event))
                waiting = nil
            }
        }
        if let waiting { episodes.append(ReplyEpisode(customerMessage: waiting, reply: nil)) }
        return episodes
    }
}
