import ArchiveModel
import ArchiveStore
import Foundation
import GRDB
import TextKit

extension SQLiteArchiveStore {
    /// Runs a message query: token lookups in the FTS5 index plus column filters, one consistent snapshot.
    public func search(_ query: MessageQuery) async throws -> MessagePage {
        let sealer = self.sealer
        let sql = SearchSQL(query: query, hasher: tokenHasher)
        return try await pool.read { db in
            let rows = try Row.fetchAll(db, sql: sql.page, arguments: sql.pageArguments)
            let counted = try Int.fetchOne(db, sql: sql.count, arguments: sql.countArguments) ?? 0
            return MessagePage(total: min(counted, query.countLimit), totalIsLowerBound: counted > query.countLimit,
                               messages: try rows.map { try Self.storedMessage($0, sealer: sealer) })
        }
    }

    /// The messages around `msgid` in its conversation, in time order.
    public func context(of msgid: MessageID, before: Int, after: Int) async throws -> [StoredMessage] {
        let sealer = self.sealer
        return try await pool.read { db in
            guard let anchor = try Row.fetchOne(db, sql: "SELECT id, conversation, msgtime FROM message WHERE msgid = ?",
                                                arguments: [msgid.rawValue]) else {
                throw StorageError("no message \(msgid) in this archive")
            }
            let conversation: String? = anchor["conversation"]
            guard let conversation else { return [try Self.storedMessage(try Row.fetchOne(db, sql: "SELECT * FROM message WHERE msgid = ?", arguments: [msgid.rawValue])!, sealer: sealer)] }
            let time: Int64 = anchor["msgtime"]
            let id: Int64 = anchor["id"]
            let earlier = try Row.fetchAll(db, sql: """
                SELECT * FROM message WHERE conversation = ? AND (msgtime < ? OR (msgtime = ? AND id < ?))
                ORDER BY msgtime DESC, id DESC LIMIT ?
                """, arguments: [conversation, time, time, id, before]).reversed()
            let later = try Row.fetchAll(db, sql: """
                SELECT * FROM message WHERE conversation = ? AND (msgtime > ? OR (msgtime = ? AND id >= ?))
                ORDER BY msgtime, id LIMIT ?
                """, arguments: [conversation, time, time, id, after + 1])
            return try (Array(earlier) + later).map { try Self.storedMessage($0, sealer: sealer) }
        }
    }

    /// Adds text that arrives after the message (a voice transcript, OCR, file contents) to its searchable text.
    public func appendSearchableText(_ text: String, to msgid: MessageID) async throws {
        let sealer = self.sealer
        let hasher = tokenHasher
        try await pool.write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT id, text, sender, tolist, roomid, conversation FROM message WHERE msgid = ?",
                                             arguments: [msgid.rawValue]) else {
                throw StorageError("no message \(msgid) in this archive")
            }
            let rowID: Int64 = row["id"]
            let recipients = try JSONDecoder().decode([String].self, from: Data((row["tolist"] as String).utf8))
            let participants = SearchParticipants(parties: [row["sender"] as String] + recipients, room: row["roomid"],
                                                              conversation: row["conversation"])
            let old = String(decoding: try sealer.open(Array(row["text"] as Data), context: SealContext.text(msgid.rawValue)), as: UTF8.self)
            let combined = old.isEmpty ? text : old + "\n" + text
            try SearchIndexWriter.remove(rowID: rowID, text: old, participants: participants, hasher: hasher, db: db)
            try SearchIndexWriter.add(rowID: rowID, text: combined, participants: participants, hasher: hasher, db: db)
            try db.execute(sql: "UPDATE message SET text = ? WHERE id = ?",
                           arguments: [Data(try sealer.seal(Array(combined.utf8), context: SealContext.text(msgid.rawValue))), rowID])
        }
    }

    // MARK: - directory lookups for filters

    /// Party ids whose id equals `text` or whose name contains it, of the given kind.
    public func parties(matching text: String, kind: PartyKind) async throws -> [String] {
        try await pool.read { db in
            try String.fetchAll(db, sql: "SELECT id FROM party WHERE kind = ? AND (id = ? OR name = ? OR instr(name, ?) > 0)",
                                arguments: [kind.rawValue, text, text, text])
        }
    }

    /// Employees of a department and all its sub-departments.
    public func employees(inDepartment id: Int64) async throws -> [String] {
        try await pool.read { db in
            try String.fetchAll(db, sql: """
                WITH RECURSIVE tree(id) AS (SELECT ? UNION SELECT d.id FROM department d JOIN tree ON d.parent_id = tree.id)
                SELECT DISTINCT p.id FROM party p, json_each(p.department_ids) j
                WHERE p.kind = 'employee' AND j.value IN (SELECT id FROM tree)
                """, arguments: [id])
        }
    }
}

/// The SQL of a ``MessageQuery``: terms, people, groups and conversations are all FTS tokens, so FTS5
/// intersects their posting lists and `ORDER BY rowid` streams the newest matches first; other filters
/// are checked on the joined message row. Without any of those, the message table's indexes serve.
struct SearchSQL {
    var page = ""
    var pageArguments = StatementArguments()
    var count = ""
    var countArguments = StatementArguments()

    init(query: MessageQuery, hasher: SearchTokenHasher) {
        var conditions: [String] = []
        var arguments: [any DatabaseValueConvertible] = []
        func list(_ values: [String]) -> String { Array(repeating: "?", count: values.count).joined(separator: ",") }

        // People, groups and conversations are FTS tokens too, so FTS intersects them with the terms.
        var clauses = query.clauses.map { clause in clause.map { Self.term($0, hasher: hasher) } }
        for group in query.partyGroups { clauses.append(group.map { "who : " + hasher.token(SearchParticipants.partyToken($0)) }) }
        if let rooms = query.rooms { clauses.append(rooms.map { "who : " + hasher.token(SearchParticipants.roomToken($0)) }) }
        if let conversations = query.conversations {
            clauses.append(conversations.map { "who : " + hasher.token(SearchParticipants.conversationToken($0)) })
        }
        let positive = Self.expression(clauses)
        if !query.excluded.isEmpty {
            conditions.append("m.id NOT IN (SELECT rowid FROM message_fts WHERE message_fts MATCH ?)")
            arguments.append(query.excluded.map { Self.term($0, hasher: hasher) }.joined(separator: " OR "))
        }
        if !query.hiddenParticipants.isEmpty {
            // Whole conversations, by the same people and indexes as the conversation list's scope: SQLite computes the
            // subquery once into an ephemeral index, which each candidate row probes once.
            let hiddenConversations = SQLiteArchiveStore.conversationIDs(withParticipantIn: "(SELECT value FROM json_each(?))")
            conditions.append("(m.conversation IS NULL OR m.conversation NOT IN (\(hiddenConversations)))")
            arguments += Array(repeating: JSONText.array(query.hiddenParticipants), count: 5)
            // Outside any conversation (switch records): the message's own sender and recipients. (Inside one, they took
            // part in it; the posting lists are read only if such a record is a candidate.)
            conditions.append("(m.conversation IS NOT NULL OR m.id NOT IN (SELECT rowid FROM message_fts WHERE message_fts MATCH ?))")
            arguments.append(query.hiddenParticipants.map { "who : " + hasher.token(SearchParticipants.partyToken($0)) }.joined(separator: " OR "))
        }
        if let since = query.since {
            conditions.append("m.msgtime >= ?")
            arguments.append(since)
        }
        if let until = query.until {
            conditions.append("m.msgtime < ?")
            arguments.append(until)
        }
        if let types = query.msgtypes {
            conditions.append("m.msgtype IN (\(list(types)))")
            arguments += types
        }
        if let extensions = query.fileExtensions {
            conditions.append("m.file_ext IN (\(list(extensions)))")
            arguments += extensions.map { $0.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: ".")) }
        }
        if let hasMedia = query.hasMedia {
            conditions.append("m.has_media = ?")
            arguments.append(hasMedia)
        }
        if let recalled = query.recalled {
            conditions.append(recalled ? "m.recalled_by IS NOT NULL" : "m.recalled_by IS NULL")
        }
        let direction = query.newestFirst ? "DESC" : "ASC"
        let from: String
        var fromArguments: [any DatabaseValueConvertible] = []
        if let positive {
            // CROSS JOIN keeps FTS5 as the outer loop: the planner must never probe MATCH row by row.
            from = "message_fts CROSS JOIN message m ON m.id = message_fts.rowid"
            conditions.insert("message_fts MATCH ?", at: 0)
            fromArguments.append(positive)
        } else {
            from = "message m"
        }
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        let order = from.hasPrefix("message_fts") ? "message_fts.rowid \(direction)" : "m.id \(direction)"
        page = "SELECT m.* FROM \(from) \(whereClause) ORDER BY \(order) LIMIT ? OFFSET ?"
        pageArguments = StatementArguments(fromArguments + arguments + [query.limit, query.offset])
        count = "SELECT count(*) FROM (SELECT 1 FROM \(from) \(whereClause) LIMIT ?)"
        countArguments = StatementArguments(fromArguments + arguments + [query.countLimit + 1])
    }

    /// `(a OR b) AND (c)`.
    static func expression(_ clauses: [[String]]) -> String? {
        let parts = clauses.filter { !$0.isEmpty }.map { "(" + $0.joined(separator: " OR ") + ")" }
        return parts.isEmpty ? nil : parts.joined(separator: " AND ")
    }

    static func term(_ term: SearchTokenizer.TermTokens, hasher: SearchTokenHasher) -> String {
        switch term {
        case .unigram(let token): "uni : \(hasher.token(token))"
        case .bigramPhrase(let tokens): "bi : \"\(hasher.tokens(tokens))\""
        }
    }
}
