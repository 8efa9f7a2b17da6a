import ArchiveModel
import Foundation
import NIOCore
import PostgresNIO
import Storage
import TextKit

extension PostgresArchiveStore {
    /// Runs a message query: one `tsquery` over the GIN index for terms, people, groups and conversations, plus
    /// column filters; the time range prunes month partitions. Page and count read one snapshot.
    public func search(_ query: MessageQuery) async throws -> MessagePage {
        let sql = try PostgresSearchSQL(query: query, hasher: tokenHasher)
        return try await transaction { connection in
            try await connection.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY", logger: logger)
            // The count comes first because it tells which page plan is fast: GIN cannot return matches in leaf order,
            // so few matches are best collected and sorted, many best found walking the leaf index newest first.
            let counted = Int(try await connection.query(sql.count, logger: logger).decode(Int64.self).first { _ in true } ?? 0)
            let messages = try await storedMessages(counted <= PostgresSearchSQL.sparseMatches ? sql.sparsePage : sql.page, connection)
            return MessagePage(total: min(counted, query.countLimit), totalIsLowerBound: counted > query.countLimit, messages: messages)
        }
    }

    /// The messages around `msgid` in its conversation, in time order.
    public func context(of msgid: MessageID, before: Int, after: Int) async throws -> [StoredMessage] {
        try await transaction { connection in
            guard let anchor = try await storedMessages(PostgresQuery(unsafeSQL: """
                SELECT \(Self.messageColumns) FROM message_key k JOIN message m ON m.msgid = k.msgid AND m.msgtime = k.msgtime
                WHERE k.msgid = $1
                """, binds: binds(msgid.rawValue)), connection).first else {
                throw StorageError("no message \(msgid) in this archive")
            }
            guard let conversation = anchor.conversation?.rawValue else { return [anchor] }
            let time = anchor.time.milliseconds
            let leaf = Int64(anchor.leafIndex)
            let earlier = try await storedMessages(PostgresQuery(unsafeSQL: """
                SELECT \(Self.messageColumns) FROM message m
                WHERE m.conversation = $1 AND (m.msgtime < $2 OR (m.msgtime = $2 AND m.leaf_index < $3))
                ORDER BY m.msgtime DESC, m.leaf_index DESC LIMIT $4
                """, binds: binds(conversation, time, leaf, Int64(before))), connection).reversed()
            let later = try await storedMessages(PostgresQuery(unsafeSQL: """
                SELECT \(Self.messageColumns) FROM message m
                WHERE m.conversation = $1 AND (m.msgtime > $2 OR (m.msgtime = $2 AND m.leaf_index >= $3))
                ORDER BY m.msgtime, m.leaf_index LIMIT $4
                """, binds: binds(conversation, time, leaf, Int64(after + 1))), connection)
            return Array(earlier) + later
        }
    }

    /// Adds text that arrives after the message (a voice transcript, OCR, file contents) to its searchable text.
    public func appendSearchableText(_ text: String, to msgid: MessageID) async throws {
        guard let message = try await message(id: msgid) else { throw StorageError("no message \(msgid) in this archive") }
        let combined = message.searchableText.isEmpty ? text : message.searchableText + "\n" + text
        let participants = SearchIndexWriter.Participants(parties: [message.from.rawValue] + message.toList.map(\.rawValue),
                                                          room: message.room?.rawValue, conversation: message.conversation?.rawValue)
        let tokens = SearchVector.document(text: combined, participants: participants, hasher: tokenHasher)
        let sealed = ByteBuffer(bytes: try sealer.seal(Array(combined.utf8), context: SealContext.text(msgid.rawValue)))
        _ = try await transaction { connection in
            try await connection.query("""
                UPDATE message SET text = \(sealed), tokens = \(tokens)::tsvector
                WHERE msgid = \(msgid.rawValue) AND msgtime = \(message.time.milliseconds)
                """, logger: logger)
        }
    }

    /// Party ids whose id equals `text` or whose name contains it, of the given kind.
    public func parties(matching text: String, kind: PartyKind) async throws -> [String] {
        try await connection { connection in
            var ids: [String] = []
            for try await id in try await connection.query("""
                SELECT id FROM party WHERE kind = \(kind.rawValue) AND (id = \(text) OR name = \(text) OR strpos(name, \(text)) > 0)
                """, logger: logger).decode(String.self) { ids.append(id) }
            return ids
        }
    }

    /// Employees of a department and all its sub-departments.
    public func employees(inDepartment id: Int64) async throws -> [String] {
        try await connection { connection in
            var ids: [String] = []
            for try await employee in try await connection.query("""
                WITH RECURSIVE tree(id) AS (SELECT \(id)::bigint UNION SELECT d.id FROM department d JOIN tree ON d.parent_id = tree.id)
                SELECT DISTINCT p.id FROM party p WHERE p.kind = 'employee' AND p.department_ids && ARRAY(SELECT id FROM tree)
                """, logger: logger).decode(String.self) { ids.append(employee) }
            return ids
        }
    }
}

/// The SQL of a ``MessageQuery`` on PostgreSQL: terms, people, groups and conversations become one `tsquery`
/// matched against the GIN-indexed `tokens`; exclusions are `NOT (tokens @@ …)`; other filters are columns.
struct PostgresSearchSQL {
    /// Walks the leaf index from the newest (or oldest) end, checking each row: fast when matches are dense.
    var page: PostgresQuery
    /// Collects every match through the GIN index and sorts them: fast when matches are few, where walking the leaf
    /// index would read most of the table (the planner cannot know how rare a keyed token is).
    var sparsePage: PostgresQuery
    var count: PostgresQuery
    /// Up to this many matches, ``sparsePage`` serves the page.
    static let sparseMatches = 2000

    init(query: MessageQuery, hasher: SearchTokenHasher) throws {
        var conditions: [String] = []
        var bindings = PostgresBindings()
        func bind(_ value: some PostgresThrowingDynamicTypeEncodable) throws -> String {
            try bindings.append(value)
            return "$\(bindings.count)"
        }
        var clauses = query.clauses.map { clause in clause.map { SearchVector.term($0, hasher: hasher) } }
        for group in query.partyGroups { clauses.append(group.map { SearchVector.party($0, hasher: hasher) }) }
        if let rooms = query.rooms { clauses.append(rooms.map { SearchVector.room($0, hasher: hasher) }) }
        if let conversations = query.conversations { clauses.append(conversations.map { SearchVector.conversation($0, hasher: hasher) }) }
        if let positive = SearchVector.query(clauses) {
            conditions.append("m.tokens @@ \(try bind(positive))::tsquery")
        }
        if !query.excluded.isEmpty {
            let excluded = query.excluded.map { SearchVector.term($0, hasher: hasher) }.joined(separator: " | ")
            conditions.append("NOT (m.tokens @@ \(try bind(excluded))::tsquery)")
        }
        if !query.excludedParties.isEmpty {
            let excluded = query.excludedParties.map { SearchVector.party($0, hasher: hasher) }.joined(separator: " | ")
            conditions.append("NOT (m.tokens @@ \(try bind(excluded))::tsquery)")
        }
        if let since = query.since { conditions.append("m.msgtime >= \(try bind(since))") }
        if let until = query.until { conditions.append("m.msgtime < \(try bind(until))") }
        if let types = query.msgtypes { conditions.append("m.msgtype = ANY(\(try bind(types))::text[])") }
        if let extensions = query.fileExtensions {
            let normalized = extensions.map { $0.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: ".")) }
            conditions.append("m.file_ext = ANY(\(try bind(normalized))::text[])")
        }
        if let hasMedia = query.hasMedia { conditions.append("m.has_media = \(try bind(hasMedia))") }
        if let recalled = query.recalled { conditions.append(recalled ? "m.recalled_by IS NOT NULL" : "m.recalled_by IS NULL") }
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        let filterBindings = bindings
        let limit = try bind(Int64(query.limit))
        let offset = try bind(Int64(query.offset))
        let direction = query.newestFirst ? "DESC" : "ASC"
        page = PostgresQuery(unsafeSQL: """
            SELECT \(PostgresArchiveStore.messageColumns) FROM message m \(whereClause)
            ORDER BY m.leaf_index \(direction) LIMIT \(limit) OFFSET \(offset)
            """, binds: bindings)
        // `+ 0` keeps the planner off the leaf index.
        sparsePage = PostgresQuery(unsafeSQL: """
            SELECT \(PostgresArchiveStore.messageColumns) FROM message m \(whereClause)
            ORDER BY m.leaf_index + 0 \(direction) LIMIT \(limit) OFFSET \(offset)
            """, binds: bindings)
        var countBindings = filterBindings
        countBindings.append(Int64(query.countLimit + 1))
        count = PostgresQuery(unsafeSQL: """
            SELECT count(*) FROM (SELECT 1 FROM message m \(whereClause) LIMIT $\(countBindings.count)) AS matched
            """, binds: countBindings)
    }
}
