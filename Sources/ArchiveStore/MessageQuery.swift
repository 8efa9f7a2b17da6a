import TextKit

/// A search over archived messages in store terms: token lookups and column filters, no SQL.
///
/// The Search module builds it from what a user typed (parsing, normalization, name resolution);
/// each store turns it into its own query language.
public struct MessageQuery: Sendable, Hashable {
    /// All clauses must match; a clause matches when any of its terms does.
    public var clauses: [[SearchTokenizer.TermTokens]] = []
    /// No message matching any of these is returned.
    public var excluded: [SearchTokenizer.TermTokens] = []
    /// Each group: the message was sent or received by at least one of these party ids (all groups must hold).
    public var partyGroups: [[String]] = []
    /// Protected staff: no message of a conversation any of these took part in is returned — the people of
    /// ``ConversationCatalog/participants(ofConversation:)``: both parties of a single chat, a group's synced members and
    /// creator, everyone who sent or received any of its messages — nor any message outside a conversation that one of
    /// them sent or received. A conversation a reader may not open thus shows nothing in search either.
    ///
    /// Cost: the conversations of these people are found once per query through the same indexes as the conversation
    /// list's scope (protected staff are few; their conversations seldom more than hundreds), and each candidate message
    /// is checked against them once.
    public var hiddenParticipants: [String] = []
    public var rooms: [String]?
    public var conversations: [String]?
    /// Inclusive lower bound, milliseconds.
    public var since: Int64?
    /// Exclusive upper bound, milliseconds.
    public var until: Int64?
    public var msgtypes: [String]?
    public var fileExtensions: [String]?
    public var hasMedia: Bool?
    public var recalled: Bool?
    /// Archive order (seq order, which follows message time): newest first by default.
    public var newestFirst = true
    public var limit = 20
    public var offset = 0
    /// Counts are exact up to this, then reported as a lower bound.
    public var countLimit = 10_000

    public init() {}
}

/// One page of results and how many there are in all.
public struct MessagePage: Sendable {
    public var total: Int
    /// `true` when more than ``MessageQuery/countLimit`` matched and ``total`` is that limit.
    public var totalIsLowerBound: Bool
    public var messages: [StoredMessage]

    package init(total: Int, totalIsLowerBound: Bool, messages: [StoredMessage]) {
        self.total = total
        self.totalIsLowerBound = totalIsLowerBound
        self.messages = messages
    }
}
