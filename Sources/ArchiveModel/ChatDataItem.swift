/// One encrypted entry of a GetChatData answer, exactly as WeCom delivers it.
public struct ChatDataItem: Sendable, Hashable, Codable {
    public var seq: UInt64
    public var msgid: String
    public var publickeyVer: UInt32
    public var encryptRandomKey: String
    public var encryptChatMsg: String

    public init(seq: UInt64, msgid: String, publickeyVer: UInt32, encryptRandomKey: String, encryptChatMsg: String) {
        self.seq = seq
        self.msgid = msgid
        self.publickeyVer = publickeyVer
        self.encryptRandomKey = encryptRandomKey
        self.encryptChatMsg = encryptChatMsg
    }

    enum CodingKeys: String, CodingKey {
        case seq, msgid
        case publickeyVer = "publickey_ver"
        case encryptRandomKey = "encrypt_random_key"
        case encryptChatMsg = "encrypt_chat_msg"
    }
}

extension ChatDataItem {
    /// Reads a GetChatData entry from parsed JSON; `nil` when a field is missing or mistyped.
    public init?(json: JSONValue) {
        guard let seq = json["seq"]?.uint64Value, let msgid = json["msgid"]?.stringValue,
              let version = json["publickey_ver"]?.int64Value, let key = json["encrypt_random_key"]?.stringValue,
              let message = json["encrypt_chat_msg"]?.stringValue, let publickeyVer = UInt32(exactly: version) else { return nil }
        self.init(seq: seq, msgid: msgid, publickeyVer: publickeyVer, encryptRandomKey: key, encryptChatMsg: message)
    }
}
