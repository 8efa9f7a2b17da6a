import ArchiveModel
import ArchiveStore
import Foundation
import Hummingbird
import Search
import TextKit

/// A message as the API returns it: directory names resolved, PII masked unless the reader may unmask.
struct MessageJSON: ResponseEncodable, Sendable {
    var msgid: String
    var seq: UInt64
    var msgtime: Int64
    var action: String
    var from: String
    var fromName: String?
    var toList: [String]
    var roomid: String?
    var conversation: String?
    var msgtype: String
    var text: String
    /// The msgtype's payload as WeCom delivered it.
    var content: JSONValue
    var recalled: Bool
    var recalledBy: String?
    /// SHA-256 of each stored attachment: `GET /api/v1/media/{sha256}?msgid=…`.
    var media: [String]

    init(_ message: StoredMessage, names: [String: String], media: [String], maskPII: Bool) {
        msgid = message.id.rawValue
        seq = message.seq
        msgtime = message.time.milliseconds
        action = message.action.rawValue
        from = message.from.rawValue
        fromName = names[message.from.rawValue]
        toList = message.toList.map(\.rawValue)
        roomid = message.room?.rawValue
        conversation = message.conversation?.rawValue
        msgtype = message.msgtype
        let payload = (try? JSONValue.parse(message.raw))?[message.msgtype] ?? .null
        text = maskPII ? PIIMasker.mask(message.searchableText) : message.searchableText
        content = maskPII ? Self.masked(payload) : payload
        recalled = message.recalledBy != nil
        recalledBy = message.recalledBy?.rawValue
        self.media = media
    }

    static func masked(_ value: JSONValue) -> JSONValue {
        switch value {
        case .string(let text): .string(PIIMasker.mask(text))
        case .array(let items): .array(items.map(masked))
        case .object(let members): .object(members.mapValues(masked))
        default: value
        }
    }
}

struct ConversationJSON: ResponseEncodable, Sendable {
    var id: String
    var kind: String
    var roomid: String?
    var title: String
    var parties: [PartyJSON]
    var firstMsgtime: Int64
    var lastMsgtime: Int64
    var messageCount: Int

    /// - Parameter maskPII: mask the title as well (a group is often named after a customer and their number); the
    ///   names passed in are already as the reader may see them.
    init(_ conversation: ConversationSummary, names: [String: String], maskPII: Bool) {
        id = conversation.id
        kind = conversation.roomID == nil ? "single" : "group"
        roomid = conversation.roomID
        let parties = [conversation.partyA, conversation.partyB].compactMap { $0 }
        self.parties = parties.map { PartyJSON(id: $0, name: names[$0]) }
        let title = conversation.roomName ?? (conversation.roomID.map { "群聊 \($0)" }
            ?? parties.map { names[$0] ?? $0 }.joined(separator: " ↔ "))
        self.title = maskPII ? PIIMasker.mask(title) : title
        firstMsgtime = conversation.firstMsgtime
        lastMsgtime = conversation.lastMsgtime
        messageCount = conversation.messageCount
    }
}

struct PartyJSON: Codable, Sendable {
    var id: String
    var name: String?
}

struct Page<Item: Encodable & Sendable>: ResponseEncodable, Sendable {
    var total: Int
    var items: [Item]
}

/// A console user as the API and `chatledger user list --json` show it (never the hash).
public struct UserJSON: ResponseEncodable, Sendable {
    var username: String
    var displayName: String
    var roles: [String]
    var departments: [Int64]
    var mayUnmask: Bool
    var disabled: Bool
    var locked: Bool
    var totp: Bool

    public init(_ user: ConsoleUser, now: Int64 = Int64(Date().timeIntervalSince1970 * 1000)) {
        username = user.username
        displayName = user.displayName
        roles = user.roles
        departments = user.departments
        mayUnmask = user.mayUnmask
        disabled = user.disabled
        locked = (user.lockedUntil ?? 0) > now
        totp = user.hasTOTP
    }
}

struct AuditEventJSON: ResponseEncodable, Sendable {
    var id: Int64
    var leafIndex: UInt64
    var at: Int64
    var actor: String
    var action: String
    var target: String
    var detail: [String: String]

    init(_ stored: StoredAuditEvent, maskPII: Bool) {
        let event = maskPII ? stored.event.masked : stored.event
        id = stored.id
        leafIndex = stored.leafIndex
        at = event.at
        actor = event.actor
        action = event.action
        target = event.target
        detail = event.detail
    }
}

extension AuditEvent {
    /// The event as a reader without unmask sees it: a search term or filter can hold a phone or ID number.
    var masked: AuditEvent {
        var event = self
        event.target = PIIMasker.mask(target)
        event.detail = detail.mapValues(PIIMasker.mask)
        return event
    }
}

struct SearchHitJSON: Codable, Sendable {
    var msgid: String
    var msgtime: Int64
    var from: String
    var fromName: String?
    var toList: [String]
    var roomid: String
    var msgtype: String
    var conversation: String?
    var recalled: Bool
    /// The matched text in context, terms in 【】.
    var snippet: String
}

struct SearchJSON: ResponseEncodable, Sendable {
    var total: Int
    var totalIsLowerBound: Bool
    var hits: [SearchHitJSON]
}

