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
