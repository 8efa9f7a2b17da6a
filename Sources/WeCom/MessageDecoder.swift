import ArchiveModel

/// Turns a decrypted WeCom message (JSON bytes) into a ``ChatMessage``.
///
/// Decoding is lenient where WeCom is inconsistent (numbers as strings, seconds vs milliseconds,
/// vote nested or flat, inner JSON strings) and strict where data would otherwise be lost:
/// a message without a msgid, or a chat message without a sender, is refused.
public struct MessageDecoder: Sendable {
    /// Messages larger than this are refused rather than parsed (a defence against garbage input).
    public var maximumMessageBytes: Int

    public init(maximumMessageBytes: Int = 16 << 20) {
        self.maximumMessageBytes = maximumMessageBytes
    }

    /// Decodes one message.
    /// - Parameters:
    ///   - raw: the decrypted JSON exactly as received; kept unchanged in the result.
    ///   - seq: the archive sequence number of the envelope, or 0 when unknown.
    /// - Throws: ``WeComError`` (`oversized`, `invalid-json`, `missing-field`).
    public func decode(_ raw: [UInt8], seq: UInt64) throws(WeComError) -> ChatMessage {
        guard raw.count <= maximumMessageBytes else {
            throw WeComError(.oversized, "message of \(raw.count) bytes exceeds the \(maximumMessageBytes)-byte limit")
        }
        let json = try LenientJSON.parse(raw)
        guard json.objectValue != nil else { throw WeComError(.invalidJSON, "message is not a JSON object") }
        guard let msgid = json["msgid"]?.stringValue, !msgid.isEmpty else {
            throw WeComError(.missingField, "message has no msgid")
        }
        let actionText = json["action"]?.stringValue ?? "send"
        guard let action = MessageAction(rawValue: actionText) else {
            throw WeComError(.missingField, "message \(msgid) has unknown action \"\(actionText)\"")
        }
        if action == .switch {
            let time = json["time"]?.int64Value ?? json["msgtime"]?.int64Value ?? 0
            let user = json["user"]?.stringValue ?? ""
            return ChatMessage(
                id: MessageID(msgid), seq: seq, action: .switch, from: PartyID(user), toList: [], room: nil,
                time: WeComTime(secondsOrMilliseconds: time), msgtype: "switch",
                content: .switchRecord(user: PartyID(user)), raw: raw)
        }
        guard let from = json["from"]?.stringValue, !from.isEmpty else {
            throw WeComError(.missingField, "message \(msgid) has no sender (from)")
        }
        guard let msgtime = json["msgtime"]?.int64Value else {
            throw WeComError(.missingField, "message \(msgid) has no msgtime")
        }
        let time = WeComTime(secondsOrMilliseconds: msgtime)
        // Every later step computes with message times (reply deadlines, report days, partitions): a time outside the
        // range people can type is quarantined here rather than overflowing there.
        guard (TimeInput.earliest...TimeInput.latest).contains(time.milliseconds) else {
            throw WeComError(.outOfRange, "message \(msgid) has msgtime \(msgtime), outside 1970-01-01 … 9999-12-31")
        }
        let msgtype = json["msgtype"]?.stringValue ?? ""
        let toList = (json["tolist"]?.arrayValue ?? []).compactMap(\.stringValue).map { PartyID($0) }
        let roomText = json["roomid"]?.stringValue ?? ""
        return ChatMessage(
            id: MessageID(msgid), seq: seq, action: action, from: PartyID(from), toList: toList,
            room: roomText.isEmpty ? nil : RoomID(roomText), time: time,
            msgtype: msgtype, content: MessageContentDecoder.content(msgtype: msgtype, message: json), raw: raw)
    }
}
