import ArchiveModel
import ArchiveStore
import Crypto
import Foundation
import Logging
import NIOCore
import PostgresNIO
import TextKit

extension PostgresArchiveStore {
    /// Runs a message query: one `tsquery` over the GIN index for terms, people, groups and conversations, plus
    /// column filters; the time range prunes month partitions. Page and count read one snapshot.
    public func search(_ query: MessageQuery) async throws -> MessagePage {
        let sql = PostgresSearchSQL(query: query, hasher: tokenHasher)
        return try await transaction { connection in
            try await connection.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY", logger: logger)
            // The count comes first because it tells which page plan is fast: GIN cannot return matches in leaf order,
            // so few matches are best collected and sorted, many best found walking the leaf index newest first.
            let countRow = try await SearchStatement.rows(sql.count, on: connection, logger: logger).first
            let counted = Int(try countRow?.makeRandomAccess()[0].decode(Int64.self) ?? 0)
            let page = counted <= PostgresSearchSQL.sparseMatches ? sql.sparsePage : sql.page
            let messages = try await SearchStatement.rows(page, on: connection, logger: logger).map(storedMessage)
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
        let participants = SearchParticipants(parties: [message.from.rawValue] + message.toList.map(\.rawValue),
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
/// Statements are run prepared (``SearchStatement``): their text depends only on which filters are set, so a
/// pooled connection plans each shape once instead of planning every month partition on every search.
struct PostgresSearchSQL {
    struct Statement {
        var sql: String
        var binds: PostgresBindings
    }

    /// Walks the leaf index from the newest (or oldest) end, checking each row: fast when matches are dense.
    var page: Statement
    /// Collects every match through the GIN index and sorts them: fast when matches are few, where walking the leaf
    /// index would read most of the table (the planner cannot know how rare a keyed token is).
    var sparsePage: Statement
    var count: Statement
    /// Up to this many matches, ``sparsePage`` serves the page.
    static let sparseMatches = 2000

    init(query: MessageQuery, hasher: SearchTokenHasher) {
        var conditions: [String] = []
        var binds = PostgresBindings()
        func bind(_ value: some PostgresNonThrowingEncodable & PostgresDynamicTypeEncodable) -> String {
            binds.append(value)
            return "$\(binds.count)"
        }
        var clauses = query.clauses.map { clause in clause.map { SearchVector.term($0, hasher: hasher) } }
        for group in query.partyGroups { clauses.append(group.map { SearchVector.party($0, hasher: hasher) }) }
        if let rooms = query.rooms { clauses.append(rooms.map { SearchVector.room($0, hasher: hasher) }) }
        if let conversations = query.conversations { clauses.append(conversations.map { SearchVector.conversation($0, hasher: hasher) }) }
        // Query texts travel as text and are cast here, so a prepared statement's parameter is text.
        if let positive = SearchVector.query(clauses) {
            conditions.append("m.tokens @@ \(bind(positive))::text::tsquery")
        }
        if !query.excluded.isEmpty {
            let excluded = query.excluded.map { SearchVector.term($0, hasher: hasher) }.joined(separator: " | ")
            conditions.append("NOT (m.tokens @@ \(bind(excluded))::text::tsquery)")
        }
        if !query.hiddenParticipants.isEmpty {
            // Whole conversations, by the same people and indexes as the conversation list's scope: an uncorrelated
            // subquery, which PostgreSQL hashes once (a hashed SubPlan) and each candidate row probes.
            let hidden = PostgresArchiveStore.conversationIDs(withParticipantIn: bind(query.hiddenParticipants))
            conditions.append("(m.conversation IS NULL OR m.conversation NOT IN (\(hidden)))")
            // Outside any conversation (switch records): the message's own sender and recipients.
            let excluded = query.hiddenParticipants.map { SearchVector.party($0, hasher: hasher) }.joined(separator: " | ")
            conditions.append("(m.conversation IS NOT NULL OR NOT (m.tokens @@ \(bind(excluded))::text::tsquery))")
        }
        if let since = query.since { conditions.append("m.msgtime >= \(bind(since))::bigint") }
        if let until = query.until { conditions.append("m.msgtime < \(bind(until))::bigint") }
        if let types = query.msgtypes { conditions.append("m.msgtype = ANY(\(bind(types))::text[])") }
        if let extensions = query.fileExtensions {
            let normalized = extensions.map { $0.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: ".")) }
            conditions.append("m.file_ext = ANY(\(bind(normalized))::text[])")
        }
        if let hasMedia = query.hasMedia { conditions.append("m.has_media = \(bind(hasMedia))::boolean") }
        if let recalled = query.recalled { conditions.append(recalled ? "m.recalled_by IS NOT NULL" : "m.recalled_by IS NULL") }
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        let filterBinds = binds
        let limit = bind(Int64(query.limit))
        let offset = bind(Int64(query.offset))
        let direction = query.newestFirst ? "DESC" : "ASC"
        page = Statement(sql: """
            SELECT \(PostgresArchiveStore.messageColumns) FROM message m \(whereClause)
            ORDER BY m.leaf_index \(direction) LIMIT \(limit)::bigint OFFSET \(offset)::bigint
            """, binds: binds)
        // `+ 0` keeps the planner off the leaf index.
        sparsePage = Statement(sql: """
            SELECT \(PostgresArchiveStore.messageColumns) FROM message m \(whereClause)
            ORDER BY m.leaf_index + 0 \(direction) LIMIT \(limit)::bigint OFFSET \(offset)::bigint
            """, binds: binds)
        var countBinds = filterBinds
        countBinds.append(Int64(query.countLimit + 1))
        count = Statement(sql: """
            SELECT count(*) FROM (SELECT 1 FROM message m \(whereClause) LIMIT $\(countBinds.count)::bigint) AS matched
            """, binds: countBinds)
    }
}

/// Runs search statements prepared: postgres-nio prepares a statement once per connection under its name and reuses it.
///
/// Its prepared-statement API wants the text as a static property, while ours is chosen per query from the filters
/// set; the text is therefore a task-local value read while `execute` builds its request (synchronously, in the
/// calling task, in postgres-nio 1.33), and the name is derived from the text, so each distinct text is prepared once
/// per connection and never confused with another.
struct SearchStatement: PostgresPreparedStatement {
    typealias Row = PostgresRow
    @TaskLocal static var text = ""
    static var sql: String { text }
    static var name: String { "chatledger_search_" + SHA256.hash(data: Data(text.utf8)).prefix(12).map { String(format: "%02x", $0) }.joined() }

    let bindings: PostgresBindings
    func makeBindings() throws -> PostgresBindings { bindings }
    func decodeRow(_ row: PostgresRow) throws -> PostgresRow { row }

    static func rows(_ statement: PostgresSearchSQL.Statement, on connection: PostgresConnection,
                     logger: Logger) async throws -> [PostgresRow] {
        try await $text.withValue(statement.sql) {
            var rows: [PostgresRow] = []
            for try await row in try await connection.execute(SearchStatement(bindings: statement.binds), logger: logger) { rows.append(row) }
            return rows
        }
    }
}
