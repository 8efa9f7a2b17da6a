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

extension StoredMessage {
    /// A stored message as its verified raw JSON says it is: sender, recipients, room, conversation, time and msgtype
    /// are read from the unsealed body, never from the columns beside it, so an edited column cannot change what a
    /// reader sees (`verify` names such an edit). The searchable text is the sealed one: it also holds text derived
    /// later (transcripts), and sealing binds it to this msgid.
    package init(raw: [UInt8], seq: UInt64, searchableText: String, recalledBy: MessageID?, archivedAt: WeComTime,
                 leafIndex: UInt64) throws {
        let message: ChatMessage
        do {
            message = try ChatMessage.decode(raw, seq: seq)
        } catch {
            throw StorageError("an archived message no longer reads as a message (\(error)); run `chatledger verify`")
        }
        self.init(id: message.id, seq: seq, action: message.action, from: message.from, toList: message.toList, room: message.room,
                  conversation: message.conversation, time: message.time, msgtype: message.msgtype, searchableText: searchableText,
                  raw: raw, recalledBy: recalledBy, archivedAt: archivedAt, leafIndex: leafIndex)
    }
}
