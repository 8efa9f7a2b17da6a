import ArchiveModel
import Foundation

/// The JSON answer of GetChatData: `{errcode, errmsg, chatdata: [...]}`.
public struct ChatDataResponse: Sendable {
    public var errcode: Int
    public var errmsg: String
    public var chatdata: [ChatDataItem]

    public init(errcode: Int = 0, errmsg: String = "ok", chatdata: [ChatDataItem]) {
        self.errcode = errcode
        self.errmsg = errmsg
        self.chatdata = chatdata
    }

    /// Parses the answer; a non-zero `errcode` inside the JSON is an error even when the SDK returned 0.
    public static func parse(_ bytes: [UInt8]) throws(WeComError) -> ChatDataResponse {
        let json = try LenientJSON.parse(bytes)
        guard json.objectValue != nil else { throw WeComError(.invalidJSON, "GetChatData answer is not a JSON object") }
        var items: [ChatDataItem] = []
        for entry in json["chatdata"]?.arrayValue ?? [] {
            guard let item = ChatDataItem(json: entry) else {
                throw WeComError(.invalidJSON, "a GetChatData entry lacks seq, msgid, publickey_ver or a ciphertext")
            }
            items.append(item)
        }
        let response = ChatDataResponse(errcode: Int(json["errcode"]?.int64Value ?? 0), errmsg: json.text("errmsg"), chatdata: items)
        guard response.errcode == 0 else {
            throw WeComError(.apiError, "GetChatData answered errcode \(response.errcode) (\(response.errmsg)): \(Self.advice(response.errcode))")
        }
        return response
    }

    static func advice(_ errcode: Int) -> String {
        switch errcode {
        case 48002: "Init used an app secret; use the 会话内容存档 secret"
        case 40001, 40014, 42001: "the secret or access token is invalid; check the archive secret"
        case 60020: "this server's IP is not in the archive app's trusted IPs"
        case 301052: "the archive subscription has expired"
        case 301053: "archiving is not enabled for this corp or member"
        default: "see WeCom's global error code table"
        }
    }
}
