/// The typed payload of an archived message: one case per WeCom msgtype, plus `switch`
/// records and an `unknown` case that keeps the payload of msgtypes we do not know yet.
public indirect enum MessageContent: Sendable, Hashable {
    case text(content: String)
    case image(MediaReference)
    case revoke(preMessageID: MessageID)
    case agree(Consent)
    case disagree(Consent)
    case voice(MediaReference, playLengthSeconds: Int64?)
    case video(MediaReference, playLengthSeconds: Int64?)
    case card(corpName: String, userID: PartyID)
    case location(Location)
    case emotion(MediaReference, Emotion)
    case file(MediaReference, fileName: String, fileExtension: String)
    case link(Link)
    case weapp(Weapp)
    case chatRecord(title: String, items: [RecordItem])
    case todo(title: String, content: String)
    case vote(Vote)
    case collect(Collect)
    case redPacket(RedPacket)
    case meeting(Meeting)
    case doc(title: String, linkURL: String, creator: String)
    case markdown(content: String)
    case news(items: [NewsItem])
    case calendar(Calendar)
    case mixed(items: [RecordItem])
    case meetingVoiceCall(MeetingVoiceCall)
    case voipDocShare(MediaReference, fileName: String)
    case externalRedPacket(RedPacket)
    case channelsFeed(feedType: Int64?, accountName: String, description: String)
    case voipText(callDurationSeconds: Int64?, inviteType: Int64?)
    case diskFile(fileName: String)
    case switchRecord(user: PartyID)
    case unknown(msgtype: String, payload: JSONValue?)
}

/// A pointer to an attachment held by WeCom, fetched with GetMediaData.
public struct MediaReference: Sendable, Hashable, Codable {
    public var sdkFileID: String
    /// Hex MD5 of the plaintext, when WeCom sends one (it may be empty).
    public var md5: String?
    public var size: Int64?
    public init(sdkFileID: String, md5: String?, size: Int64?) {
        self.sdkFileID = sdkFileID
        self.md5 = md5
        self.size = size
    }
}

/// An external contact's consent (同意存档) or refusal.
public struct Consent: Sendable, Hashable {
    public var externalUserID: PartyID
    public var time: WeComTime?
    public init(externalUserID: PartyID, time: WeComTime?) {
        self.externalUserID = externalUserID
        self.time = time
    }
}

public struct Location: Sendable, Hashable {
    public var longitude: Double?
    public var latitude: Double?
    public var address: String
    public var title: String
    public var zoom: Int64?
    public init(longitude: Double?, latitude: Double?, address: String, title: String, zoom: Int64?) {
        self.longitude = longitude
        self.latitude = latitude
        self.address = address
        self.title = title
        self.zoom = zoom
    }
}

public struct Emotion: Sendable, Hashable {
    /// 1 = gif, 2 = png.
    public var kind: Int64?
    public var width: Int64?
    public var height: Int64?
    public init(kind: Int64?, width: Int64?, height: Int64?) {
        self.kind = kind
        self.width = width
        self.height = height
    }
}

public struct Link: Sendable, Hashable {
    public var title: String
    public var description: String
    public var url: String
    public var imageURL: String
    public init(title: String, description: String, url: String, imageURL: String) {
        self.title = title
        self.description = description
        self.url = url
        self.imageURL = imageURL
    }
}

public struct Weapp: Sendable, Hashable {
    public var title: String
    public var description: String
    public var userName: String
    public var displayName: String
    public init(title: String, description: String, userName: String, displayName: String) {
        self.title = title
        self.description = description
        self.userName = userName
        self.displayName = displayName
    }
}

/// One entry of a forwarded chat record (`chatrecord.item[]`) or of a mixed message (`mixed.item[]`).
public struct RecordItem: Sendable, Hashable {
    /// The item's own type string as sent (`ChatRecordText`, `text`, `image`, …).
    public var type: String
    public var time: WeComTime?
    public var fromChatroom: Bool?
    /// The item decoded as the message type it stands for.
    public var content: MessageContent
    public init(type: String, time: WeComTime?, fromChatroom: Bool?, content: MessageContent) {
        self.type = type
        self.time = time
        self.fromChatroom = fromChatroom
        self.content = content
    }
}

public struct Vote: Sendable, Hashable {
    public var title: String
    public var items: [String]
    /// 101 = started a vote, 102 = took part.
    public var voteType: Int64?
    public var voteID: String
    public init(title: String, items: [String], voteType: Int64?, voteID: String) {
        self.title = title
        self.items = items
        self.voteType = voteType
        self.voteID = voteID
    }
}

public struct Collect: Sendable, Hashable {
    public var roomName: String
    public var creator: String
    /// As sent: `yyyy-MM-dd HH:mm:ss`, local time of the corp.
    public var createTime: String
    public var title: String
    public var questions: [String]
    public init(roomName: String, creator: String, createTime: String, title: String, questions: [String]) {
        self.roomName = roomName
        self.creator = creator
        self.createTime = createTime
        self.title = title
        self.questions = questions
    }
}

public struct RedPacket: Sendable, Hashable {
    public var kind: Int64?
    public var wish: String
    public var totalCount: Int64?
    /// In fen (0.01 CNY).
    public var totalAmount: Int64?
    public init(kind: Int64?, wish: String, totalCount: Int64?, totalAmount: Int64?) {
        self.kind = kind
        self.wish = wish
        self.totalCount = totalCount
        self.totalAmount = totalAmount
    }
}

public struct Meeting: Sendable, Hashable {
    public var topic: String
    public var start: WeComTime?
    public var end: WeComTime?
    public var address: String
    public var remarks: String
    public var meetingType: Int64?
    public var meetingID: UInt64?
    public var status: Int64?
    public init(topic: String, start: WeComTime?, end: WeComTime?, address: String, remarks: String,
                meetingType: Int64?, meetingID: UInt64?, status: Int64?) {
        self.topic = topic
        self.start = start
        self.end = end
        self.address = address
        self.remarks = remarks
        self.meetingType = meetingType
        self.meetingID = meetingID
        self.status = status
    }
}

public struct NewsItem: Sendable, Hashable {
    public var title: String
    public var description: String
    public var url: String
    public var pictureURL: String
    public init(title: String, description: String, url: String, pictureURL: String) {
        self.title = title
        self.description = description
        self.url = url
        self.pictureURL = pictureURL
    }
}

public struct Calendar: Sendable, Hashable {
    public var title: String
    public var creatorName: String
    public var attendeeNames: [String]
    public var start: WeComTime?
    public var end: WeComTime?
    public var place: String
    public var remarks: String
    public init(title: String, creatorName: String, attendeeNames: [String], start: WeComTime?, end: WeComTime?,
                place: String, remarks: String) {
        self.title = title
        self.creatorName = creatorName
        self.attendeeNames = attendeeNames
        self.start = start
        self.end = end
        self.place = place
        self.remarks = remarks
    }
}

public struct MeetingVoiceCall: Sendable, Hashable {
    public var voiceID: String
    public var end: WeComTime?
    public var media: MediaReference?
    public var sharedFileNames: [String]
    public init(voiceID: String, end: WeComTime?, media: MediaReference?, sharedFileNames: [String]) {
        self.voiceID = voiceID
        self.end = end
        self.media = media
        self.sharedFileNames = sharedFileNames
    }
}
