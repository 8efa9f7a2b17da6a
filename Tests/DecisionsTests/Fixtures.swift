import ArchiveModel

/// Messages built in place: only the fields the decisions read matter.
enum Fixtures {
    /// 2023-11-14T22:13:20Z, a plain round time.
    static let t0: Int64 = 1_700_000_000_000
    static let minute: Int64 = 60_000

    static func message(_ id: MessageID, from: PartyID = "zhangsan", to: [PartyID] = ["wmC1"], room: RoomID? = nil,
                        at milliseconds: Int64 = t0, content: MessageContent = .text(content: "hi"),
                        action: MessageAction = .send) -> ChatMessage {
        ChatMessage(id: id, seq: 0, action: action, from: from, toList: to, room: room, time: WeComTime(milliseconds: milliseconds),
                    msgtype: "text", content: content, raw: [])
    }

    static func revoke(_ id: MessageID, of target: MessageID, at milliseconds: Int64 = t0) -> ChatMessage {
        message(id, at: milliseconds, content: .revoke(preMessageID: target), action: .recall)
    }

    static func switchRecord(_ id: MessageID, user: PartyID = "zhangsan", at milliseconds: Int64 = t0) -> ChatMessage {
        ChatMessage(id: id, seq: 0, action: .switch, from: user, toList: [], room: nil, time: WeComTime(milliseconds: milliseconds),
                    msgtype: "switch", content: .switchRecord(user: user), raw: [])
    }
}
