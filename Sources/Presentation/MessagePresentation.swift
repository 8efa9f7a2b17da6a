import ArchiveModel
import ArchiveStore
import Foundation
import TextKit

/// A message as a page shows it: every msgtype turned into plain blocks (text, media, link, rows of
/// facts, nested records). Templates escape every value; links keep an `href` only for http(s) URLs.
package struct MessageCard: Sendable {
    package var anchor: String
    package var msgid: String
    package var time: String
    package var fromName: String
    package var fromID: String
    /// Staff messages sit on the right, as in WeCom.
    package var staff: Bool
    package var typeLabel: String
    package var recalled: Bool
    package var highlighted: Bool
    package var conversationLink: String?
    package var blocks: [Block]

    package init(anchor: String, msgid: String, time: String, fromName: String, fromID: String, staff: Bool, typeLabel: String, recalled: Bool, highlighted: Bool, conversationLink: String?, blocks: [Block]) {
        self.anchor = anchor
        self.msgid = msgid
        self.time = time
        self.fromName = fromName
        self.fromID = fromID
        self.staff = staff
        self.typeLabel = typeLabel
        self.recalled = recalled
        self.highlighted = highlighted
        self.conversationLink = conversationLink
        self.blocks = blocks
    }
}

/// One piece of a message body; exactly one field is set.
package struct Block: Sendable {
    package var text: String?
    package var image: String?
    package var audio: String?
    package var video: String?
    package var download: Download?
    package var link: LinkBlock?
    package var rows: [FactRow]?
    package var nested: [NestedItem]?
    package var notice: String?

    package init(text: String? = nil, image: String? = nil, audio: String? = nil, video: String? = nil, download: Download? = nil, link: LinkBlock? = nil, rows: [FactRow]? = nil, nested: [NestedItem]? = nil, notice: String? = nil) {
        self.text = text
        self.image = image
        self.audio = audio
        self.video = video
        self.download = download
        self.link = link
        self.rows = rows
        self.nested = nested
        self.notice = notice
    }
}

package struct Download: Sendable {
    package var href: String
    package var label: String

    package init(href: String, label: String) {
        self.href = href
        self.label = label
    }
}

package struct LinkBlock: Sendable {
    /// Only http(s); anything else (javascript:, data: …) is shown as text, never linked.
    package var href: String?
    package var title: String
    package var description: String
    package var url: String

    package init(href: String?, title: String, description: String, url: String) {
        self.href = href
        self.title = title
        self.description = description
        self.url = url
    }
}

package struct FactRow: Sendable {
    package var label: String
    package var value: String

    package init(label: String, value: String) {
        self.label = label
        self.value = value
    }
}

package struct NestedItem: Sendable {
    package var title: String
    package var blocks: [Block]

    package init(title: String, blocks: [Block]) {
        self.title = title
        self.blocks = blocks
    }
}

/// Builds ``MessageCard``s for one reader: names from the directory, attachments as links the reader may
/// open, PII masked unless they may unmask.
package struct MessagePresenter {
    package var names: [String: String]
    package var employees: Set<String>
    package var maskPII: Bool
    package var t: [String: String]
    /// Where a page links an attachment (sha256, msgid): the console's media API, or a file inside an evidence package.
    package var mediaLink: @Sendable (String, String) -> String

    package init(names: [String: String], employees: Set<String>, maskPII: Bool, t: [String: String],
                 mediaLink: @escaping @Sendable (String, String) -> String = MessagePresenter.consoleMediaLink) {
        self.names = names
        self.employees = employees
        self.maskPII = maskPII
        self.t = t
        self.mediaLink = mediaLink
    }

    package static func consoleMediaLink(_ sha256: String, _ msgid: String) -> String {
        "/api/v1/media/\(sha256)?msgid=\(query(msgid))&inline=1"
    }

    package static let timeFormatter: DateFormatter = {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "Asia/Shanghai")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        return formatter
    }()

    package static func time(_ milliseconds: Int64) -> String {
        timeFormatter.string(from: Date(timeIntervalSince1970: Double(milliseconds) / 1000))
    }

    package func card(_ message: StoredMessage, media: [String], highlighted: Bool = false, withConversationLink: Bool = false) -> MessageCard {
        let content = (try? ChatMessage.decode(message.raw, seq: message.seq).content) ?? .unknown(msgtype: message.msgtype, payload: nil)
        let mediaURL = media.first.map { mediaLink($0, message.id.rawValue) }
        var blocks = self.blocks(content, mediaURL: mediaURL)
        if case .revoke = content { blocks = [Block(notice: t["recall_notice"])] }
        if message.msgtype != "text", !message.searchableText.isEmpty, Self.hasTranscript(content) {
            blocks.append(Block(rows: [FactRow(label: t["transcript"] ?? "", value: message.searchableText)]))
        }
        // Masked once, over everything the card shows, so no msgtype's field (a file name, a link's URL, a card's
        // title) can be missed.
        if maskPII { blocks = blocks.map { $0.masked() } }
        return MessageCard(anchor: "m-" + message.id.rawValue, msgid: message.id.rawValue, time: Self.time(message.time.milliseconds),
                           fromName: mask(names[message.from.rawValue] ?? message.from.rawValue), fromID: message.from.rawValue,
                           staff: employees.contains(message.from.rawValue), typeLabel: t[Self.typeKey(message.msgtype)] ?? message.msgtype,
                           recalled: message.recalledBy != nil, highlighted: highlighted,
                           conversationLink: withConversationLink ? message.conversation.map {
                               "/conversations/\(Self.path($0.rawValue))#m-\(Self.query(message.id.rawValue))"
                           } : nil,
                           blocks: blocks)
    }

    package static func hasTranscript(_ content: MessageContent) -> Bool {
        switch content {
        case .voice, .video, .image, .file: true
        default: false
        }
    }

    package func mask(_ text: String) -> String { maskPII ? PIIMasker.mask(text) : text }

    package func row(_ key: String, _ value: String?) -> FactRow? {
        guard let value, !value.isEmpty else { return nil }
        return FactRow(label: t[key] ?? key, value: value)
    }

    package func blocks(_ content: MessageContent, mediaURL: String?) -> [Block] {
        func facts(_ rows: [FactRow?]) -> [Block] { [Block(rows: rows.compactMap { $0 })] }
        switch content {
        case .text(let text), .markdown(let text): return [Block(text: text)]
        case .image: return mediaURL.map { [Block(image: $0)] } ?? [Block(notice: t["image"])]
        case .emotion: return mediaURL.map { [Block(image: $0)] } ?? [Block(notice: t["emotion"])]
        case .voice(_, let seconds):
            var result = mediaURL.map { [Block(audio: $0), Block(download: Download(href: $0.replacingOccurrences(of: "&inline=1", with: ""), label: t["download"] ?? ""))] } ?? []
            if let seconds { result.append(Block(rows: [FactRow(label: t["duration"] ?? "", value: "\(seconds) \(t["seconds"] ?? "")")])) }
            return result.isEmpty ? [Block(notice: t["voice"])] : result
        case .video(_, let seconds):
            var result = mediaURL.map { [Block(video: $0)] } ?? [Block(notice: t["video"])]
            if let seconds { result.append(Block(rows: [FactRow(label: t["duration"] ?? "", value: "\(seconds) \(t["seconds"] ?? "")")])) }
            return result
        case .file(let reference, let name, _), .voipDocShare(let reference, let name):
            let size = reference.size.map { " (\(ByteCountFormatter.string(fromByteCount: $0, countStyle: .file)))" } ?? ""
            guard let mediaURL else { return [Block(notice: (t["file"] ?? "") + ": " + name + size)] }
            return [Block(download: Download(href: mediaURL.replacingOccurrences(of: "&inline=1", with: ""), label: (t["file"] ?? "") + ": " + name + size))]
        case .diskFile(let name): return [Block(notice: (t["file"] ?? "") + ": " + name)]
        case .link(let link):
            return [Block(link: LinkBlock(href: Self.safeHref(link.url), title: link.title, description: link.description, url: link.url))]
        case .news(let items):
            return items.map { Block(link: LinkBlock(href: Self.safeHref($0.url), title: $0.title, description: $0.description, url: $0.url)) }
        case .doc(let title, let url, let creator):
            return [Block(link: LinkBlock(href: Self.safeHref(url), title: title, description: creator, url: url))]
        case .weapp(let weapp):
            return facts([row("weapp", weapp.displayName), row("content", weapp.title), row("detail", weapp.description)])
        case .card(let corpName, let userID):
            return facts([row("card", names[userID.rawValue] ?? userID.rawValue), row("detail", corpName)])
        case .location(let location):
            let coordinates = [location.latitude, location.longitude].compactMap { $0 }.map { String(format: "%.5f", $0) }.joined(separator: ", ")
            return facts([row("location", location.title), row("detail", location.address), row("coordinates", coordinates)])
        case .chatRecord(let title, let items):
            let nested = items.map { NestedItem(title: $0.time.map { Self.time($0.milliseconds) } ?? $0.type, blocks: blocks($0.content, mediaURL: nil)) }
            return [Block(notice: "\(t["chat_record"] ?? ""): \(title)"), Block(nested: nested)]
        case .mixed(let items): return items.flatMap { blocks($0.content, mediaURL: nil) }
        case .todo(let title, let text): return facts([row("todo", title), row("content", text)])
        case .vote(let vote): return facts([row("vote", vote.title)] + vote.items.map { row("content", $0) })
        case .collect(let collect): return facts([row("collect", collect.title), row("group", collect.roomName)] + collect.questions.map { row("content", $0) })
        case .redPacket(let packet), .externalRedPacket(let packet):
            let amount = packet.totalAmount.map { String(format: "¥%.2f", Double($0) / 100) }
            return facts([row("redpacket", packet.wish), row("amount", amount), row("count", packet.totalCount.map(String.init))])
        case .meeting(let meeting):
            return facts([row("meeting", meeting.topic), row("from", meeting.start.map { Self.time($0.milliseconds) }),
                          row("until", meeting.end.map { Self.time($0.milliseconds) }), row("location", meeting.address), row("note", meeting.remarks)])
        case .calendar(let calendar):
            return facts([row("calendar", calendar.title), row("from", calendar.start.map { Self.time($0.milliseconds) }),
                          row("until", calendar.end.map { Self.time($0.milliseconds) }), row("location", calendar.place),
                          row("attendees", calendar.attendeeNames.joined(separator: "、")), row("note", calendar.remarks)])
        case .meetingVoiceCall(let call):
            return facts([row("meeting", call.end.map { Self.time($0.milliseconds) })] + call.sharedFileNames.map { row("file", $0) })
        case .channelsFeed(_, let account, let description): return facts([row("weapp", account), row("content", description)])
        case .voipText(let seconds, _): return facts([row("duration", seconds.map { "\($0) \(t["seconds"] ?? "")" })])
        case .agree: return [Block(notice: t["agree"])]
        case .disagree: return [Block(notice: t["disagree"])]
        case .switchRecord: return [Block(notice: t["switch"])]
        case .revoke: return [Block(notice: t["recall_notice"])]
        case .unknown(let msgtype, let payload):
            let json = payload.flatMap { try? String(decoding: JSONEncoder().encode($0), as: UTF8.self) } ?? ""
            return [Block(notice: "\(t["unknown"] ?? ""): \(msgtype)"), Block(text: json)]
        }
    }

    /// An href for `url` only when it is plainly http(s).
    package static func safeHref(_ url: String) -> String? {
        let trimmed = url.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let components = URLComponents(string: trimmed), let scheme = components.scheme?.lowercased(),
              scheme == "http" || scheme == "https", components.host?.isEmpty == false else { return nil }
        return trimmed
    }

    package static func typeKey(_ msgtype: String) -> String {
        switch msgtype {
        case "chatrecord": "chat_record"
        case "external_redpacket": "redpacket"
        case "docmsg": "doc"
        default: msgtype
        }
    }

    package static func query(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? value
    }

    package static func path(_ value: String) -> String { query(value) }
}

extension Block {
    /// Every text the block shows, PII masked; a link whose URL held a number keeps no href (the masked URL
    /// would not lead anywhere, the clear one would show the number).
    package func masked() -> Block {
        var block = self
        block.text = text.map(PIIMasker.mask)
        block.notice = notice.map(PIIMasker.mask)
        block.download = download.map { Download(href: $0.href, label: PIIMasker.mask($0.label)) }
        block.link = link.map { link in
            let url = PIIMasker.mask(link.url)
            return LinkBlock(href: url == link.url ? link.href : nil, title: PIIMasker.mask(link.title),
                             description: PIIMasker.mask(link.description), url: url)
        }
        block.rows = rows.map { $0.map { FactRow(label: $0.label, value: PIIMasker.mask($0.value)) } }
        block.nested = nested.map { $0.map { NestedItem(title: PIIMasker.mask($0.title), blocks: $0.blocks.map { $0.masked() }) } }
        return block
    }
}
