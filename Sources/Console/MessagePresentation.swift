import ArchiveModel
import ArchiveStore
import Foundation
import TextKit
import WeCom

/// A message as a page shows it: every msgtype turned into plain blocks (text, media, link, rows of
/// facts, nested records). Templates escape every value; links keep an `href` only for http(s) URLs.
struct MessageCard: Sendable {
    var anchor: String
    var msgid: String
    var time: String
    var fromName: String
    var fromID: String
    /// Staff messages sit on the right, as in WeCom.
    var staff: Bool
    var typeLabel: String
    var recalled: Bool
    var highlighted: Bool
    var conversationLink: String?
    var blocks: [Block]
}

/// One piece of a message body; exactly one field is set.
struct Block: Sendable {
    var text: String?
    var image: String?
    var audio: String?
    var video: String?
    var download: Download?
    var link: LinkBlock?
    var rows: [FactRow]?
    var nested: [NestedItem]?
    var notice: String?
}

struct Download: Sendable {
    var href: String
    var label: String
}

struct LinkBlock: Sendable {
    /// Only http(s); anything else (javascript:, data: …) is shown as text, never linked.
    var href: String?
    var title: String
    var description: String
    var url: String
}

struct FactRow: Sendable {
    var label: String
    var value: String
}

struct NestedItem: Sendable {
    var title: String
    var blocks: [Block]
}

/// Builds ``MessageCard``s for one reader: names from the directory, attachments as links the reader may
/// open, PII masked unless they may unmask.
struct MessagePresenter {
    var names: [String: String]
    var employees: Set<String>
    var maskPII: Bool
    var t: [String: String]

    static let timeFormatter: DateFormatter = {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "Asia/Shanghai")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        return formatter
    }()

    static func time(_ milliseconds: Int64) -> String {
        timeFormatter.string(from: Date(timeIntervalSince1970: Double(milliseconds) / 1000))
    }

    func card(_ message: StoredMessage, media: [String], highlighted: Bool = false, withConversationLink: Bool = false) -> MessageCard {
        let content = (try? MessageDecoder().decode(message.raw, seq: message.seq).content) ?? .unknown(msgtype: message.msgtype, payload: nil)
        let mediaURL = media.first.map { "/api/v1/media/\($0)?msgid=\(Self.query(message.id.rawValue))&inline=1" }
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

    static func hasTranscript(_ content: MessageContent) -> Bool {
        switch content {
        case .voice, .video, .image, .file: true
        default: false
        }
    }

    func mask(_ text: String) -> String { maskPII ? PIIMasker.mask(text) : text }

    func row(_ key: String, _ value: String?) -> FactRow? {
        guard let value, !value.isEmpty else { return nil }
        return FactRow(label: t[key] ?? key, value: value)
    }

    func blocks(_ content: MessageContent, mediaURL: String?) -> [Block] {
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
    static func safeHref(_ url: String) -> String? {
        let trimmed = url.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let components = URLComponents(string: trimmed), let scheme = components.scheme?.lowercased(),
              scheme == "http" || scheme == "https", components.host?.isEmpty == false else { return nil }
        return trimmed
    }

    static func typeKey(_ msgtype: String) -> String {
        switch msgtype {
        case "chatrecord": "chat_record"
        case "external_redpacket": "redpacket"
        case "docmsg": "doc"
        default: msgtype
        }
    }

    static func query(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? value
    }

    static func path(_ value: String) -> String { query(value) }
}

extension Block {
    /// Every text the block shows, PII masked; a link whose URL held a number keeps no href (the masked URL
    /// would not lead anywhere, the clear one would show the number).
    func masked() -> Block {
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
