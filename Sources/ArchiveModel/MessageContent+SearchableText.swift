extension MessageContent {
    /// Everything in the message a person could search for, joined by newlines.
    ///
    /// Includes text, file names, titles and descriptions, and the texts inside forwarded
    /// chat records and mixed messages; excludes ids, hashes and URLs of media.
    public var searchableText: String {
        searchableParts.filter { !$0.isEmpty }.joined(separator: "\n")
    }

    var searchableParts: [String] {
        switch self {
        case .text(let content), .markdown(let content): [content]
        case .image, .revoke, .agree, .disagree, .voice, .video, .emotion, .switchRecord: []
        case .card(let corpName, let userID): [corpName, userID.rawValue]
        case .location(let location): [location.title, location.address]
        case .file(_, let fileName, _), .voipDocShare(_, let fileName), .diskFile(let fileName): [fileName]
        case .link(let link): [link.title, link.description, link.url]
        case .weapp(let weapp): [weapp.title, weapp.description, weapp.displayName]
        case .chatRecord(let title, let items): [title] + items.flatMap(\.content.searchableParts)
        case .mixed(let items): items.flatMap(\.content.searchableParts)
        case .todo(let title, let content): [title, content]
        case .vote(let vote): [vote.title] + vote.items
        case .collect(let collect): [collect.roomName, collect.title] + collect.questions
        case .redPacket(let packet), .externalRedPacket(let packet): [packet.wish]
        case .meeting(let meeting): [meeting.topic, meeting.address, meeting.remarks]
        case .doc(let title, let linkURL, _): [title, linkURL]
        case .news(let items): items.flatMap { [$0.title, $0.description] }
        case .calendar(let calendar): [calendar.title, calendar.place, calendar.remarks]
        case .meetingVoiceCall(let call): call.sharedFileNames
        case .channelsFeed(_, let accountName, let description): [accountName, description]
        case .voipText: []
        case .unknown(_, let payload): payload.map(Self.strings(in:)) ?? []
        }
    }

    /// Every attachment the message points to, nested items included.
    public var mediaReferences: [MediaReference] {
        switch self {
        case .image(let media), .voice(let media, _), .video(let media, _), .emotion(let media, _),
             .file(let media, _, _), .voipDocShare(let media, _):
            [media]
        case .meetingVoiceCall(let call): call.media.map { [$0] } ?? []
        case .chatRecord(_, let items), .mixed(let items): items.flatMap(\.content.mediaReferences)
        default: []
        }
    }

    /// The file extension a message carries, lower-cased, if it is a file.
    public var fileExtension: String? {
        switch self {
        case .file(_, let fileName, let ext):
            let explicit = ext.lowercased()
            if !explicit.isEmpty { return explicit }
            return fileName.split(separator: ".").count > 1 ? fileName.split(separator: ".").last.map { $0.lowercased() } : nil
        case .voipDocShare(_, let name), .diskFile(let name):
            return name.split(separator: ".").count > 1 ? name.split(separator: ".").last.map { $0.lowercased() } : nil
        default: return nil
        }
    }

    private static func strings(in value: JSONValue) -> [String] {
        switch value {
        case .string(let text): [text]
        case .array(let elements): elements.flatMap(strings(in:))
        case .object(let members): members.keys.sorted().flatMap { key in
            ["sdkfileid", "md5sum", "msgid", "url", "link_url", "image_url", "picurl"].contains(key) ? [] : strings(in: members[key]!)
        }
        default: []
        }
    }
}
