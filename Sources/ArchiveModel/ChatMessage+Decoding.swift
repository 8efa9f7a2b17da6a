/// Why a message's JSON could not be read as a ``ChatMessage``.
public struct MessageDecodingError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Reason: String, Sendable {
        case oversized = "oversized"
        case invalidJSON = "invalid-json"
        case missingField = "missing-field"
        case outOfRange = "out-of-range"
    }

    public var reason: Reason
    public var message: String
    public var description: String { "\(reason.rawValue): \(message)" }

    public init(_ reason: Reason, _ message: String) {
        self.reason = reason
        self.message = message
    }
}

extension ChatMessage {
    /// Messages larger than this are refused rather than parsed (a defence against garbage input).
    public static let maximumMessageBytes = 16 << 20

    /// Reads a decrypted WeCom message (JSON bytes) as a ``ChatMessage``.
    ///
    /// This is the one reading of a message's meaning: ingest stores what it returns, `verify` re-derives every
    /// stored column from it, and displays render from it. Lenient where WeCom is inconsistent (numbers as strings,
    /// seconds vs milliseconds, vote nested or flat, inner JSON strings), strict where data would otherwise be lost:
    /// a message without a msgid, or a chat message without a sender, is refused.
    /// - Parameters:
    ///   - raw: the decrypted JSON exactly as received; kept unchanged in the result.
    ///   - seq: the archive sequence number of the envelope, or 0 when unknown.
    public static func decode(_ raw: [UInt8], seq: UInt64,
                              maximumBytes: Int = maximumMessageBytes) throws(MessageDecodingError) -> ChatMessage {
        guard raw.count <= maximumBytes else {
            throw MessageDecodingError(.oversized, "message of \(raw.count) bytes exceeds the \(maximumBytes)-byte limit")
        }
        let json: JSONValue
        do {
            json = try JSONValue.parse(raw)
        } catch {
            throw MessageDecodingError(.invalidJSON, "not valid JSON (\(raw.count) bytes): \(error)")
        }
        guard json.objectValue != nil else { throw MessageDecodingError(.invalidJSON, "message is not a JSON object") }
        guard let msgid = json["msgid"]?.stringValue, !msgid.isEmpty else {
            throw MessageDecodingError(.missingField, "message has no msgid")
        }
        // SQLite text stops at a NUL: such a msgid could not be stored exactly, nor its sealed body opened again.
        guard !msgid.utf8.contains(0) else {
            throw MessageDecodingError(.invalidJSON, "message msgid holds a NUL character")
        }
        let actionText = json["action"]?.stringValue ?? "send"
        guard let action = MessageAction(rawValue: actionText) else {
            throw MessageDecodingError(.missingField, "message \(msgid) has unknown action \"\(actionText)\"")
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
            throw MessageDecodingError(.missingField, "message \(msgid) has no sender (from)")
        }
        guard let msgtime = json["msgtime"]?.int64Value else {
            throw MessageDecodingError(.missingField, "message \(msgid) has no msgtime")
        }
        let time = WeComTime(secondsOrMilliseconds: msgtime)
        // Every later step computes with message times (reply deadlines, report days, partitions): a time outside the
        // range people can type is quarantined here rather than overflowing there.
        guard (TimeInput.earliest...TimeInput.latest).contains(time.milliseconds) else {
            throw MessageDecodingError(.outOfRange, "message \(msgid) has msgtime \(msgtime), outside 1970-01-01 … 9999-12-31")
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
