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
    /// No message sent or received by any of these party ids is returned (protected staff).
    public var excludedParties: [String] = []
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
