import ArchiveModel

/// A message as the archive holds it.
public struct StoredMessage: Sendable, Hashable {
    public var id: MessageID
    public var seq: UInt64
    public var action: MessageAction
    public var from: PartyID
    public var toList: [PartyID]
    public var room: RoomID?
    public var conversation: ConversationID?
    public var time: WeComTime
    public var msgtype: String
    public var searchableText: String
    /// The original message JSON, byte-exact.
    public var raw: [UInt8]
    /// The msgid of the revoke record that recalled this message, if it was recalled.
    public var recalledBy: MessageID?
    public var archivedAt: WeComTime
    /// The message's position in the Merkle log.
    public var leafIndex: UInt64

    package init(id: MessageID, seq: UInt64, action: MessageAction, from: PartyID, toList: [PartyID], room: RoomID?, conversation: ConversationID?, time: WeComTime, msgtype: String, searchableText: String, raw: [UInt8], recalledBy: MessageID?, archivedAt: WeComTime, leafIndex: UInt64) {
        self.id = id
        self.seq = seq
        self.action = action
        self.from = from
        self.toList = toList
        self.room = room
        self.conversation = conversation
        self.time = time
        self.msgtype = msgtype
        self.searchableText = searchableText
        self.raw = raw
        self.recalledBy = recalledBy
        self.archivedAt = archivedAt
        self.leafIndex = leafIndex
    }
}

/// Counts that describe the archive.
public struct ArchiveStats: Sendable, Hashable, Codable {
    public var messages: Int
    public var quarantined: Int
    public var conversations: Int
    public var media: Int
    public var mediaPending: Int
    public var mediaFailed: Int
    public var seqGaps: Int
    public var recalled: Int
    public var firstMessageTime: WeComTime?
    public var lastMessageTime: WeComTime?
    public var byMsgtype: [String: Int]
    public var cursors: [String: UInt64]

    package init(messages: Int, quarantined: Int, conversations: Int, media: Int, mediaPending: Int, mediaFailed: Int, seqGaps: Int, recalled: Int, firstMessageTime: WeComTime?, lastMessageTime: WeComTime?, byMsgtype: [String: Int], cursors: [String: UInt64]) {
        self.messages = messages
        self.quarantined = quarantined
        self.conversations = conversations
        self.media = media
        self.mediaPending = mediaPending
        self.mediaFailed = mediaFailed
        self.seqGaps = seqGaps
        self.recalled = recalled
        self.firstMessageTime = firstMessageTime
        self.lastMessageTime = lastMessageTime
        self.byMsgtype = byMsgtype
        self.cursors = cursors
    }
}
