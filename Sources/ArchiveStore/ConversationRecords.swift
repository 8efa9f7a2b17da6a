import ArchiveModel
import Foundation

/// A conversation as the console lists it.
public struct ConversationSummary: Sendable, Hashable {
    public var id: String
    public var roomID: String?
    public var roomName: String?
    /// Single chats: the two parties; groups: nil.
    public var partyA: String?
    public var partyB: String?
    public var firstMsgtime: Int64
    public var lastMsgtime: Int64
    public var messageCount: Int

    package init(id: String, roomID: String? = nil, roomName: String? = nil, partyA: String? = nil, partyB: String? = nil, firstMsgtime: Int64, lastMsgtime: Int64, messageCount: Int) {
        self.id = id
        self.roomID = roomID
        self.roomName = roomName
        self.partyA = partyA
        self.partyB = partyB
        self.firstMsgtime = firstMsgtime
        self.lastMsgtime = lastMsgtime
        self.messageCount = messageCount
    }
}

/// Which conversations to list, and whose conversations the reader may see at all.
public struct ConversationFilter: Sendable, Hashable {
    /// Conversations this party (employee or customer) took part in.
    public var party: String?
    public var room: String?
    /// Only conversations with at least one of these employees (nil: no restriction).
    public var visibleStaff: Set<String>?
    /// Never conversations with any of these (protected staff the reader is not named for).
    public var hiddenStaff: Set<String>
    public var limit: Int
    public var offset: Int

    public init(party: String? = nil, room: String? = nil, visibleStaff: Set<String>? = nil, hiddenStaff: Set<String> = [],
                limit: Int = 50, offset: Int = 0) {
        self.party = party
        self.room = room
        self.visibleStaff = visibleStaff
        self.hiddenStaff = hiddenStaff
        self.limit = limit
        self.offset = offset
    }
}

/// A directory entry as the console shows it.
public struct DirectoryParty: Sendable, Hashable {
    public var id: String
    public var kind: String
    public var name: String
    public var departmentIDs: [Int64]
    public var corpName: String?

    package init(id: String, kind: String, name: String, departmentIDs: [Int64], corpName: String? = nil) {
        self.id = id
        self.kind = kind
        self.name = name
        self.departmentIDs = departmentIDs
        self.corpName = corpName
    }
}
