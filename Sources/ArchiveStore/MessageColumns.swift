import ArchiveModel
import Decisions

/// Every column of a stored message that is derived from its raw JSON: what lists, filters, counts and search read.
///
/// Both engines write exactly these values at commit, and `verify` re-derives them from the verified raw JSON and
/// compares; so a column edited behind ChatLedger's back is caught, and the rule for each column lives here once.
package struct MessageColumns: Sendable, Hashable {
    package var action: String
    package var sender: String
    package var recipients: [String]
    package var room: String?
    package var conversation: String?
    package var msgtime: Int64
    package var msgtype: String
    /// The message a revoke record recalls.
    package var recallTarget: String?
    package var fileExtension: String?
    package var hasMedia: Bool
    /// The sealed searchable text, unsealed.
    package var searchableText: String

    package init(_ message: ChatMessage) {
        action = message.action.rawValue
        sender = message.from.rawValue
        recipients = message.toList.map(\.rawValue)
        room = message.room?.rawValue
        conversation = message.conversation?.rawValue
        msgtime = message.time.milliseconds
        msgtype = message.msgtype
        recallTarget = RecallLinking.target(of: message)?.rawValue
        fileExtension = message.content.fileExtension
        hasMedia = !message.content.mediaReferences.isEmpty
        searchableText = message.searchableText
    }

    package init(action: String, sender: String, recipients: [String], room: String?, conversation: String?, msgtime: Int64,
                 msgtype: String, recallTarget: String?, fileExtension: String?, hasMedia: Bool, searchableText: String) {
        self.action = action
        self.sender = sender
        self.recipients = recipients
        self.room = room
        self.conversation = conversation
        self.msgtime = msgtime
        self.msgtype = msgtype
        self.recallTarget = recallTarget
        self.fileExtension = fileExtension
        self.hasMedia = hasMedia
        self.searchableText = searchableText
    }

    /// Each column whose stored value differs from the one derived from the raw JSON, named as the column.
    /// An absent optional and an empty one are the same (PostgreSQL stores empty as NULL).
    package func differences(stored: MessageColumns) -> [VerifyProblem.Difference] {
        var found: [VerifyProblem.Difference] = []
        func compare(_ field: String, _ stored: String, _ derived: String) {
            if stored != derived { found.append(.init(field: field, stored: stored, derived: derived)) }
        }
        compare("action", stored.action, action)
        compare("sender", stored.sender, sender)
        compare("tolist", stored.recipients.joined(separator: ","), recipients.joined(separator: ","))
        compare("roomid", stored.room ?? "", room ?? "")
        compare("conversation", stored.conversation ?? "", conversation ?? "")
        compare("msgtime", String(stored.msgtime), String(msgtime))
        compare("msgtype", stored.msgtype, msgtype)
        compare("recall_target", stored.recallTarget ?? "", recallTarget ?? "")
        compare("file_ext", stored.fileExtension ?? "", fileExtension ?? "")
        compare("has_media", String(stored.hasMedia), String(hasMedia))
        if stored.searchableText != searchableText {
            found.append(.init(field: "text", stored: Self.excerpt(stored.searchableText), derived: Self.excerpt(searchableText)))
        }
        return found
    }

    /// Enough of a text to recognise it in a report without printing a whole message into a log.
    static func excerpt(_ text: String) -> String {
        text.count <= 40 ? text : String(text.prefix(40)) + "…"
    }
}
