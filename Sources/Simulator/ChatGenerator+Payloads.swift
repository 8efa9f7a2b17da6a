import Crypto
import Foundation
import WeCom

extension ChatGenerator {
    /// Payload keys that differ from the msgtype (protocol reference §4.2).
    static let payloadKeys: [String: String] = [
        "docmsg": "doc", "markdown": "info", "news": "info", "external_redpacket": "redpacket",
        "voiptext": "info", "qydiskfile": "info",
    ]

    enum MediaKind { case image, voice, video, file, emotion }

    func text(_ content: String) -> (String, OrderedJSON) { ("text", .object([("content", .string(content))])) }

    func redPacket(type: Int64, wish: String, count: Int64, amount: Int64) -> OrderedJSON {
        .object([("type", .int(type)), ("wish", .string(wish)), ("totalcnt", .int(count)), ("totalamount", .int(amount))])
    }

    /// Creates attachment bytes that look like the real format, and the sdkfileid WeCom would send for them.
    mutating func media(_ kind: MediaKind, size: Int) -> (sdkFileID: String, md5: String, size: Int) {
        let header: [UInt8] = switch kind {
        case .image: [0xFF, 0xD8, 0xFF, 0xE0] + Array("JFIF".utf8)
        case .voice: Array("#!AMR\n".utf8)
        case .video: [0, 0, 0, 0x18] + Array("ftypmp42".utf8)
        case .file: Array("%PDF-1.4\n".utf8)
        case .emotion: Array("GIF89a".utf8)
        }
        var bytes = header
        bytes.reserveCapacity(size)
        while bytes.count < size { bytes.append(UInt8.random(in: 0...255, using: &rng)) }
        var fileID = ProtobufWriter()
        fileID.string(1, "*1*" + rng.token(60))
        fileID.string(2, Data("47_\(rng.token(16))_\(clock / 1000)".utf8).base64EncodedString())
        fileID.string(3, (0..<16).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &rng)) }.joined())
        let sdkFileID = Data(fileID.bytes).base64EncodedString()
        newMedia[sdkFileID] = bytes
        let md5 = Insecure.MD5.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
        return (sdkFileID, md5, bytes.count)
    }

    mutating func customerAttachment() -> (String, OrderedJSON) {
        if rng.chance(0.6) {
            let m = media(.image, size: Int.random(in: 2_000...40_000, using: &rng))
            return ("image", .object([("sdkfileid", .string(m.sdkFileID)), ("md5sum", .string(m.md5)), ("filesize", .int(Int64(m.size)))]))
        }
        if rng.chance(0.5) {
            let m = media(.voice, size: Int.random(in: 1_500...12_000, using: &rng))
            return ("voice", .object([("md5sum", .string(m.md5)), ("voice_size", .int(Int64(m.size))),
                                      ("play_length", .int(Int64.random(in: 2...40, using: &rng))), ("sdkfileid", .string(m.sdkFileID))]))
        }
        let m = media(.emotion, size: Int.random(in: 1_000...8_000, using: &rng))
        return ("emotion", .object([("type", 1), ("width", 240), ("height", 240), ("imagesize", .int(Int64(m.size))),
                                    ("sdkfileid", .string(m.sdkFileID)), ("md5sum", .string(m.md5))]))
    }

    mutating func staffAttachment(_ industry: SimulatedCorp.Industry) -> (String, OrderedJSON) {
        switch Int.random(in: 0..<7, using: &rng) {
        case 0:
            let (name, ext) = rng.pick(ConversationScripts.fileNames[industry]!)
            let m = media(.file, size: Int.random(in: 5_000...60_000, using: &rng))
            return ("file", .object([("md5sum", .string(m.md5)), ("filename", .string(name)), ("fileext", .string(ext)),
                                     ("filesize", .int(Int64(m.size))), ("sdkfileid", .string(m.sdkFileID))]))
        case 1:
            let (title, description, url) = rng.pick(ConversationScripts.links[industry]!)
            return ("link", .object([("title", .string(title)), ("description", .string(description)),
                                     ("link_url", .string(url)), ("image_url", "https://www.example.com/cover.jpg")]))
        case 2:
            // Occasionally larger than one 512 KiB chunk, so chunked download is exercised.
            let big = rng.chance(0.15)
            let m = media(.video, size: big ? Int.random(in: 600_000...900_000, using: &rng) : Int.random(in: 20_000...120_000, using: &rng))
            return ("video", .object([("sdkfileid", .string(m.sdkFileID)), ("filesize", .int(Int64(m.size))),
                                      ("play_length", .int(Int64.random(in: 5...60, using: &rng))), ("md5sum", .string(m.md5))]))
        case 3:
            return ("weapp", .object([("title", "专属客户服务"), ("description", "在线预约与查询"),
                                      ("username", "gh_\(rng.token(12))@app"), ("displayname", "星河服务中心")]))
        case 4:
            return ("card", .object([("corpname", "星河控股"), ("userid", .string(rng.pick(corp.employees).userID))]))
        case 5:
            let m = media(.image, size: Int.random(in: 5_000...50_000, using: &rng))
            return ("image", .object([("sdkfileid", .string(m.sdkFileID)), ("md5sum", .string(m.md5)), ("filesize", .int(Int64(m.size)))]))
        default:
            let m = media(.voice, size: Int.random(in: 1_500...12_000, using: &rng))
            return ("voice", .object([("md5sum", .string(m.md5)), ("voice_size", .int(Int64(m.size))),
                                      ("play_length", .int(Int64.random(in: 2...40, using: &rng))), ("sdkfileid", .string(m.sdkFileID))]))
        }
    }

    mutating func internalPayload(_ kind: String, a: SimulatedCorp.Employee, b: SimulatedCorp.Employee) -> (String, OrderedJSON) {
        let seconds = clock / 1000
        switch kind {
        case "todo": return ("todo", .object([("title", "周五前提交客户回访记录"), ("content", "整理本周回访客户名单并更新系统")]))
        case "meeting":
            return ("meeting", .object([("topic", "季度业绩复盘会"), ("starttime", .int(seconds + 3600)), ("endtime", .int(seconds + 7200)),
                                        ("address", "3楼会议室"), ("remarks", "请带上客户跟进表"), ("meetingtype", 101),
                                        ("meetingid", .int(Int64.random(in: 1_000_000...9_999_999, using: &rng))), ("status", 1)]))
        case "docmsg":
            return ("docmsg", .object([("title", "客户回访话术（2026版）"), ("link_url", "https://doc.weixin.qq.com/txdoc/\(rng.token(10))"),
                                       ("doc_creator", .string(a.userID))]))
        case "calendar":
            return ("calendar", .object([("title", "客户拜访"), ("creatorname", .string(b.name)), ("attendeename", .array([.string(a.name)])),
                                         ("starttime", .int(seconds + 86400)), ("endtime", .int(seconds + 90000)),
                                         ("place", "客户公司"), ("remarks", "携带合同")]))
        case "chatrecord":
            let inner1 = OrderedJSON.object([("content", "这个客户说想加仓")]).text
            let inner2 = OrderedJSON.object([("title", "客户持仓截图说明"), ("description", "仅内部"), ("link_url", "https://www.example.com/x"),
                                             ("image_url", "")]).text
            return ("chatrecord", .object([("title", "群聊的聊天记录"), ("item", .array([
                .object([("type", "ChatRecordText"), ("msgtime", .int(seconds - 300)), ("content", .string(inner1)), ("from_chatroom", false)]),
                .object([("type", "ChatRecordLink"), ("msgtime", .int(seconds - 200)), ("content", .string(inner2)), ("from_chatroom", false)]),
            ]))]))
        case "mixed":
            let m = media(.image, size: Int.random(in: 2_000...20_000, using: &rng))
            let image = OrderedJSON.object([("md5sum", .string(m.md5)), ("filesize", .int(Int64(m.size))), ("sdkfileid", .string(m.sdkFileID))]).text
            return ("mixed", .object([("item", .array([
                .object([("type", "text"), ("content", .string(OrderedJSON.object([("content", "这是客户发来的截图，帮忙看下")]).text))]),
                .object([("type", "image"), ("content", .string(image))]),
            ]))]))
        case "card": return ("card", .object([("corpname", "星河控股"), ("userid", .string(a.userID))]))
        case "location":
            return ("location", .object([("longitude", .double(116.3975)), ("latitude", .double(39.9087)),
                                         ("address", "北京市东城区东长安街"), ("title", "客户见面地点"), ("zoom", 15)]))
        case "meeting_voice_call":
            let m = media(.voice, size: Int.random(in: 5_000...30_000, using: &rng))
            return ("meeting_voice_call", .object([("endtime", .int(seconds + 600)), ("sdkfileid", .string(m.sdkFileID)),
                                                   ("demofiledata", .array([.object([("filename", "产品路演.pptx"), ("demooperator", .string(a.userID)),
                                                                                     ("starttime", .int(seconds)), ("endtime", .int(seconds + 300))])]))]))
        case "voip_doc_share":
            let m = media(.file, size: Int.random(in: 5_000...30_000, using: &rng))
            return ("voip_doc_share", .object([("filename", "会议纪要.docx"), ("md5sum", .string(m.md5)),
                                               ("filesize", .int(Int64(m.size))), ("sdkfileid", .string(m.sdkFileID))]))
        case "voiptext": return ("voiptext", .object([("callduration", .int(Int64.random(in: 30...900, using: &rng))), ("invitetype", 1)]))
        case "qydiskfile": return ("qydiskfile", .object([("filename", "部门共享/客户资料汇总.xlsx")]))
        default:
            return ("weapp", .object([("title", "内部审批"), ("description", "报销单"), ("username", "gh_internal@app"), ("displayname", "审批助手")]))
        }
    }
}
