import ArchiveModel
import Foundation

/// A search as the CLI and the console ask for it.
public struct SearchRequest: Sendable, Hashable {
    public var text: String = ""
    /// Employee userids or names; a message matches when any of them sent or received it.
    public var employees: [String] = []
    /// Department ids; their sub-departments are included.
    public var departments: [Int64] = []
    /// External contact ids or names.
    public var customers: [String] = []
    public var rooms: [String] = []
    public var conversations: [String] = []
    public var since: Date?
    public var until: Date?
    public var msgtypes: [String] = []
    public var fileExtensions: [String] = []
    public var hasMedia: Bool?
    public var recalled: Bool?
    public var newestFirst = true
    public var limit = 20
    public var offset = 0
    /// Only messages sent or received by one of these employees (the reader's scope); nil: no restriction.
    public var visibleStaff: Set<String>?
    /// Never messages of a conversation one of these took part in, nor messages sent or received by them (protected staff
    /// the reader is not named for): what the reader may not open, search does not show (``MessageQuery/hiddenParticipants``).
    public var hiddenStaff: Set<String> = []
    /// Mask phone, ID-card and bank-card numbers in snippets (a reader without unmask): the text is masked
    /// before the snippet is cut and marked, so no highlight can spell out a masked digit.
    public var maskPII = false

    public init() {}
}

/// One hit: the message and a snippet with the matches marked 【like this】.
public struct SearchHit: Sendable {
    public var message: StoredMessageSummary
    public var snippet: String
}

/// The fields a result list shows.
public struct StoredMessageSummary: Sendable, Hashable {
    public var msgid: String
    public var seq: UInt64
    public var msgtime: Int64
    public var from: String
    public var toList: [String]
    public var roomid: String
    public var msgtype: String
    public var conversation: String?
    public var recalled: Bool
}

public struct SearchResult: Sendable {
    public var total: Int
    public var totalIsLowerBound: Bool
    public var hits: [SearchHit]
}

/// A request that cannot be run as given, with what to change.
public struct SearchError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
