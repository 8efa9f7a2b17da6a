/// What a chat record does: a normal message, a recall notice, or an enterprise-switch log entry.
public enum MessageAction: String, Sendable, Codable, CaseIterable {
    case send
    case recall
    case `switch`
}

/// One decoded archived message together with the exact bytes it was decoded from.
public struct ChatMessage: Sendable, Hashable {
    public var id: MessageID
    /// The archive sequence number of the envelope that carried it (0 for plaintext imports without one).
    public var seq: UInt64
    public var action: MessageAction
    public var from: PartyID
    public var toList: [PartyID]
    public var room: RoomID?
    public var time: WeComTime
    /// The msgtype string as sent (`switch` for switch records).
    public var msgtype: String
    public var content: MessageContent
    /// The decrypted message JSON exactly as received, byte for byte.
    public var raw: [UInt8]

    public init(id: MessageID, seq: UInt64, action: MessageAction, from: PartyID, toList: [PartyID], room: RoomID?,
                time: WeComTime, msgtype: String, content: MessageContent, raw: [UInt8]) {
        self.id = id
        self.seq = seq
        self.action = action
        self.from = from
        self.toList = toList
        self.room = room
        self.time = time
        self.msgtype = msgtype
        self.content = content
        self.raw = raw
    }

    /// The conversation the message belongs to; `nil` for switch records.
    public var conversation: ConversationID? {
        if let room { return .room(room) }
        guard action != .switch, let peer = toList.first else { return nil }
        return .single(from, peer)
    }

    /// Everyone the message makes a participant of its conversation: the sender and every recipient, each once, sender
    /// first.
    ///
    /// Both engines record them when the message is stored. With a single chat's two parties and a group's synced members
    /// and creator, they are who took part in the conversation: the one set that decides who may open it, which
    /// conversations a reader's scope lists, and which search results a protected employee hides.
    public var participants: [PartyID] {
        var seen = Set<PartyID>()
        return ([from] + toList).filter { seen.insert($0).inserted }
    }

    /// The searchable text of the message (see ``MessageContent/searchableText``).
    public var searchableText: String { content.searchableText }
}
