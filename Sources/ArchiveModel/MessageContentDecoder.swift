/// Maps a msgtype and its payload to ``MessageContent``; never fails: what it cannot type stays `unknown`.
package enum MessageContentDecoder {
    /// The payload key of each msgtype where it differs from the msgtype itself.
    static let payloadKeys: [String: String] = [
        "docmsg": "doc", "markdown": "info", "news": "info", "external_redpacket": "redpacket",
        "voiptext": "info", "qydiskfile": "info",
    ]

    static func content(msgtype: String, message: JSONValue) -> MessageContent {
        let key = payloadKeys[msgtype] ?? msgtype
        if msgtype == "vote" {
            // Vote fields arrive nested under "vote" in some samples and at the top level in others.
            return .vote(vote(message["vote"] ?? message))
        }
        guard let payload = message[key] else {
            return .unknown(msgtype: msgtype, payload: nil)
        }
        return content(msgtype: msgtype, payload: payload, message: message)
    }

    static func content(msgtype: String, payload p: JSONValue, message: JSONValue = .null) -> MessageContent {
        switch msgtype {
        case "text": return .text(content: p.text("content"))
        case "image": return .image(media(p, sizeKey: "filesize"))
        case "revoke": return .revoke(preMessageID: MessageID(p.text("pre_msgid")))
        case "agree": return .agree(Consent(externalUserID: PartyID(p.text("userid")), time: p.time("agree_time")))
        case "disagree":
            return .disagree(Consent(externalUserID: PartyID(p.text("userid")), time: p.time("disagree_time")))
        case "voice": return .voice(media(p, sizeKey: "voice_size"), playLengthSeconds: p["play_length"]?.int64Value)
        case "video": return .video(media(p, sizeKey: "filesize"), playLengthSeconds: p["play_length"]?.int64Value)
        case "card": return .card(corpName: p.text("corpname"), userID: PartyID(p.text("userid")))
        case "location":
            return .location(Location(
                longitude: p["longitude"]?.doubleValue, latitude: p["latitude"]?.doubleValue,
                address: p.text("address"), title: p.text("title"), zoom: p["zoom"]?.int64Value))
        case "emotion":
            return .emotion(media(p, sizeKey: "imagesize"), Emotion(
                kind: p["type"]?.int64Value, width: p["width"]?.int64Value, height: p["height"]?.int64Value))
        case "file":
            return .file(media(p, sizeKey: "filesize"), fileName: p.text("filename"), fileExtension: p.text("fileext"))
        case "link":
            return .link(Link(title: p.text("title"), description: p.text("description"),
                              url: p.text("link_url"), imageURL: p.text("image_url")))
        case "weapp":
            return .weapp(Weapp(title: p.text("title"), description: p.text("description"),
                                userName: p.text("username"), displayName: p.text("displayname")))
        case "chatrecord":
            return .chatRecord(title: p.text("title"), items: (p["item"]?.arrayValue ?? []).map(recordItem))
        case "todo": return .todo(title: p.text("title"), content: p.text("content"))
        case "vote": return .vote(vote(p))
        case "collect":
            return .collect(Collect(
                roomName: p.text("room_name"), creator: p.text("creator"), createTime: p.text("create_time"),
                title: p.text("title"), questions: (p["details"]?.arrayValue ?? []).map { $0.text("ques") }))
        case "redpacket": return .redPacket(redPacket(p))
        case "external_redpacket": return .externalRedPacket(redPacket(p))
        case "meeting":
            return .meeting(Meeting(
                topic: p.text("topic"), start: p.time("starttime"), end: p.time("endtime"), address: p.text("address"),
                remarks: p.text("remarks"), meetingType: p["meetingtype"]?.int64Value,
                meetingID: p["meetingid"]?.uint64Value, status: p["status"]?.int64Value))
        case "docmsg", "doc":
            return .doc(title: p.text("title"), linkURL: p.text("link_url"), creator: p.text("doc_creator"))
        case "markdown": return .markdown(content: p.text("content"))
        case "news":
            return .news(items: (p["item"]?.arrayValue ?? []).map {
                NewsItem(title: $0.text("title"), description: $0.text("description"),
                         url: $0.text("url"), pictureURL: $0.text("picurl"))
            })
        case "calendar":
            return .calendar(Calendar(
                title: p.text("title"), creatorName: p.text("creatorname"),
                attendeeNames: (p["attendeename"]?.arrayValue ?? []).compactMap(\.stringValue),
                start: p.time("starttime"), end: p.time("endtime"), place: p.text("place"), remarks: p.text("remarks")))
        case "mixed": return .mixed(items: (p["item"]?.arrayValue ?? []).map(recordItem))
        case "meeting_voice_call":
            let sdkFileID = p.text("sdkfileid")
            return .meetingVoiceCall(MeetingVoiceCall(
                voiceID: message.text("voiceid"), end: p.time("endtime"),
                media: sdkFileID.isEmpty ? nil : MediaReference(sdkFileID: sdkFileID, md5: nil, size: nil),
                sharedFileNames: (p["demofiledata"]?.arrayValue ?? []).map { $0.text("filename") }))
        case "voip_doc_share": return .voipDocShare(media(p, sizeKey: "filesize"), fileName: p.text("filename"))
        case "sphfeed":
            return .channelsFeed(feedType: p["feed_type"]?.int64Value, accountName: p.text("sph_name"),
                                 description: p.text("feed_desc"))
        case "voiptext":
            return .voipText(callDurationSeconds: p["callduration"]?.int64Value, inviteType: p["invitetype"]?.int64Value)
        case "qydiskfile": return .diskFile(fileName: p.text("filename"))
        default: return .unknown(msgtype: msgtype, payload: p)
        }
    }

    static func media(_ p: JSONValue, sizeKey: String) -> MediaReference {
        let md5 = p.text("md5sum")
        return MediaReference(sdkFileID: p.text("sdkfileid"), md5: md5.isEmpty ? nil : md5, size: p[sizeKey]?.int64Value)
    }

    static func vote(_ p: JSONValue) -> Vote {
        Vote(title: p.text("votetitle"), items: (p["voteitem"]?.arrayValue ?? []).compactMap(\.stringValue),
             voteType: p["votetype"]?.int64Value, voteID: p.text("voteid"))
    }

    static func redPacket(_ p: JSONValue) -> RedPacket {
        RedPacket(kind: p["type"]?.int64Value, wish: p.text("wish"), totalCount: p["totalcnt"]?.int64Value,
                  totalAmount: p["totalamount"]?.int64Value)
    }

    /// Chat-record items are typed `ChatRecordText`, `ChatRecordFile`, …; mixed items `text`, `image`, ….
    /// Their `content` is itself a JSON string (sometimes an already-parsed object) of that type's payload.
    static func recordItem(_ item: JSONValue) -> RecordItem {
        let type = item.text("type")
        let stripped = type.hasPrefix("ChatRecord") ? String(type.dropFirst("ChatRecord".count)).lowercased() : type
        let innerType = stripped.isEmpty ? "text" : stripped
        let payload: JSONValue
        switch item["content"] {
        case .string(let text):
            payload = (try? JSONValue.parse(Array(text.utf8))) ?? .object(["content": .string(text)])
        case let value?: payload = value
        case nil: payload = .null
        }
        let content: MessageContent = switch innerType {
        case "mixed" where payload["item"] != nil: MessageContentDecoder.content(msgtype: "mixed", payload: payload)
        case "mixed": MessageContentDecoder.content(msgtype: "mixed", payload: payload["mixed"] ?? payload)
        case "chatrecord": MessageContentDecoder.content(msgtype: "chatrecord", payload: payload["chatrecord"] ?? payload)
        default: MessageContentDecoder.content(msgtype: innerType, payload: payload)
        }
        return RecordItem(type: type, time: item.time("msgtime"), fromChatroom: item["from_chatroom"]?.boolValue,
                          content: content)
    }
}

extension JSONValue {
    /// The member `key` as text, or "" when absent.
    package func text(_ key: String) -> String { self[key]?.stringValue ?? "" }

    /// The member `key` as a time, whether sent in seconds or milliseconds.
    package func time(_ key: String) -> WeComTime? { self[key]?.int64Value.map(WeComTime.init(secondsOrMilliseconds:)) }
}
