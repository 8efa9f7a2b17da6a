import ArchiveModel
import ArchiveStore
import Foundation
import GRDB
import Ledger
import Logging
import NIOCore
import PostgresNIO
import PostgresStore
import SQLiteStore

/// Moves an embedded archive into an empty PostgreSQL database (and its attachments into another blob store)
/// with its ledger intact.
///
/// Sealed columns are copied as they are, under the same data keys (the wrapped keys move too, so the same master
/// key opens the new archive); ledger leaves, nodes and signed checkpoints are copied verbatim; the search tokens are
/// recomputed from the unsealed text because SQLite's index is contentless. The whole copy is one PostgreSQL
/// transaction: a failure leaves the target empty. Blobs are copied first (content-addressed, so a rerun skips
/// them) and each is unsealed and hash-checked on the way.
public struct ArchiveMigration: Sendable {
    public struct Report: Sendable, Codable {
        /// Rows copied, by table.
        public var tables: [String: Int] = [:]
        public var blobs = 0
        public var treeSize: UInt64 = 0
        public var root: String?
        /// Embedded tables left behind on purpose (browser sessions: everyone signs in again), with their row counts.
        public var notMigrated: [String: Int] = [:]
        public var seconds = 0.0
    }

    /// Tables of the embedded archive that the PostgreSQL schema does not hold yet.
    /// Embedded tables deliberately left behind: browser sessions (everyone signs in again on the new archive).
    static let embeddedOnly = ["console_session"]

    let source: SQLiteArchiveStore
    let location: PostgresLocation
    let logger: Logger
    let progress: @Sendable (String, Int) -> Void
    static let page = 2000

    public init(source: SQLiteArchiveStore, to url: String, logger: Logger = PostgresArchiveStore.defaultLogger,
                progress: @escaping @Sendable (String, Int) -> Void = { _, _ in }) throws {
        self.source = source
        location = try PostgresLocation(url: url)
        self.logger = logger
        self.progress = progress
    }

    /// Copies everything; `blobs` moves attachments from `sourceBlobs` to `targetBlobs` first.
    public func run(sourceBlobs: (any BlobStore)?, targetBlobs: (any BlobStore)?) async throws -> Report {
        let started = Date()
        var report = Report()
        let sizeBefore = try await source.treeSize()
        if let sourceBlobs, let targetBlobs { report.blobs = try await copyBlobs(from: sourceBlobs, to: targetBlobs) }
        report.tables = try await location.withConnection(logger: logger) { connection in
            try await PostgresSchema.migrate(connection, logger: logger)
            let tables = try await connection.withTransaction(logger: logger) { connection in try await copyTables(connection) }
            // Searches plan from token statistics; a bulk load has none until autovacuum comes by.
            try await connection.query("ANALYZE", logger: logger)
            return tables
        }
        guard try await source.treeSize() == sizeBefore else {
            throw StorageError("""
                the embedded archive grew while it was copied; stop `chatledger serve`, drop the target database's tables \
                and run the migration again
                """)
        }
        report.treeSize = sizeBefore
        report.root = try await source.checkpoints().last?.root.hex
        report.notMigrated = try await source.pool.read { db in
            var counts: [String: Int] = [:]
            for table in Self.embeddedOnly where try db.tableExists(table) {
                let count = try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table)") ?? 0
                if count > 0 { counts[table] = count }
            }
            return counts
        }
        report.seconds = Date().timeIntervalSince(started)
        return report
    }

    private func copyBlobs(from sourceBlobs: any BlobStore, to targetBlobs: any BlobStore) async throws -> Int {
        let hashes = try await source.pool.read { db in
            try String.fetchAll(db, sql: "SELECT DISTINCT sha256 FROM message_media WHERE status = 'stored' AND sha256 IS NOT NULL ORDER BY sha256")
        }
        for (done, sha) in hashes.enumerated() {
            guard let bytes = try await sourceBlobs.get(sha) else {
                throw StorageError("blob \(sha) is missing from the embedded archive; run `chatledger verify` and restore it before migrating")
            }
            guard try await targetBlobs.put(bytes) == sha else { throw StorageError("blob \(sha) changed on its way to the target store") }
            if done % 100 == 0 { progress("blobs", done) }
        }
        return hashes.count
    }

    private func copyTables(_ connection: PostgresConnection) async throws -> [String: Int] {
        let occupied = try await connection.query("""
            SELECT (SELECT count(*) FROM data_key) + (SELECT count(*) FROM ledger_leaf) + (SELECT count(*) FROM message_key)
            """, logger: logger).decode(Int64.self).first { _ in true } ?? 0
        guard occupied == 0 else {
            throw StorageError("the target database \(location.database) already holds an archive; migrate into an empty database")
        }
        var counts: [String: Int] = [:]
        counts["archive_meta"] = try await copyRows("SELECT key, value FROM archive_meta", connection) { row in
            "INSERT INTO archive_meta (key, value) VALUES (\(row["key"] as String), \(row["value"] as String))"
        }
        counts["data_key"] = try await copyRows("SELECT * FROM data_key", connection) { row in
            """
            INSERT INTO data_key (id, wrapped, master_fingerprint, created_at, active)
            VALUES (\(Int32(row["id"] as Int64)), \(buffer(row["wrapped"])), \(row["master_fingerprint"] as String),
                    \(row["created_at"] as Int64), \((row["active"] as Int64) == 1))
            """
        }
        counts["message"] = try await copyMessages(connection)
        counts["conversation"] = try await copyRows("SELECT * FROM conversation", connection) { row in
            """
            INSERT INTO conversation (id, roomid, party_a, party_b, first_msgtime, last_msgtime, message_count)
            VALUES (\(row["id"] as String), \(row["roomid"] as String?), \(row["party_a"] as String?), \(row["party_b"] as String?),
                    \(row["first_msgtime"] as Int64), \(row["last_msgtime"] as Int64), \(row["message_count"] as Int64))
            """
        }
        counts["source_cursor"] = try await copyRows("SELECT * FROM source_cursor", connection) { row in
            "INSERT INTO source_cursor (source, seq, updated_at) VALUES (\(row["source"] as String), \(row["seq"] as Int64), \(row["updated_at"] as Int64))"
        }
        counts["seq_gap"] = try await copyRows("SELECT * FROM seq_gap", connection) { row in
            """
            INSERT INTO seq_gap (source, after_seq, before_seq, detected_at)
            VALUES (\(row["source"] as String), \(row["after_seq"] as Int64), \(row["before_seq"] as Int64), \(row["detected_at"] as Int64))
            """
        }
        counts["quarantine"] = try await copyRows("SELECT * FROM quarantine ORDER BY id", connection) { row in
            """
            INSERT INTO quarantine (id, source, seq, msgid, kind, reason_code, reason, payload, payload_sha256, first_seen, last_tried,
                                    attempts, resolved_at)
            VALUES (\(row["id"] as Int64), \(row["source"] as String), \(row["seq"] as Int64?), \(row["msgid"] as String?),
                    \(row["kind"] as String), \(row["reason_code"] as String), \(row["reason"] as String), \(buffer(row["payload"])),
                    \(row["payload_sha256"] as String), \(row["first_seen"] as Int64), \(row["last_tried"] as Int64),
                    \(Int32(row["attempts"] as Int64)), \(row["resolved_at"] as Int64?))
            """
        }
        counts["media"] = try await copyRows("SELECT * FROM media", connection) { row in
            "INSERT INTO media (sha256, size, stored_at) VALUES (\(row["sha256"] as String), \(row["size"] as Int64), \(row["stored_at"] as Int64))"
        }
        counts["message_media"] = try await copyRows("SELECT rowid AS row_id, * FROM message_media ORDER BY rowid", connection) { row in
            """
            INSERT INTO message_media (id, msgid, sdkfileid, md5, expected_size, status, sha256, attempts, error, leaf_index)
            VALUES (\(row["row_id"] as Int64), \(row["msgid"] as String), \(row["sdkfileid"] as String), \(row["md5"] as String?),
                    \(row["expected_size"] as Int64?), \(row["status"] as String), \(row["sha256"] as String?),
                    \(Int32(row["attempts"] as Int64)), \(row["error"] as String?), \(row["leaf_index"] as Int64?))
            """
        }
        counts["department"] = try await copyRows("SELECT * FROM department", connection) { row in
            """
            INSERT INTO department (id, name, parent_id, leaders)
            VALUES (\(row["id"] as Int64), \(row["name"] as String), \(row["parent_id"] as Int64?), \(strings(row["leaders"])))
            """
        }
        counts["party"] = try await copyRows("SELECT * FROM party", connection) { row in
            """
            INSERT INTO party (id, kind, name, department_ids, corp_name, status)
            VALUES (\(row["id"] as String), \(row["kind"] as String), \(row["name"] as String), \(integers(row["department_ids"])),
                    \(row["corp_name"] as String?), \((row["status"] as Int64?).map { Int32($0) }))
            """
        }
        counts["room"] = try await copyRows("SELECT * FROM room", connection) { row in
            """
            INSERT INTO room (id, name, creator, members)
            VALUES (\(row["id"] as String), \(row["name"] as String), \(row["creator"] as String), \(strings(row["members"])))
            """
        }
        counts["consent"] = try await copyRows("SELECT * FROM consent", connection) { row in
            """
            INSERT INTO consent (userid, external_userid, agreed, changed_at)
            VALUES (\(row["userid"] as String), \(row["external_userid"] as String), \((row["agreed"] as Int64) == 1), \(row["changed_at"] as Int64?))
            """
        }
        counts["ledger_leaf"] = try await copyLedger(connection)
        counts["checkpoint"] = try await copyRows("SELECT * FROM checkpoint ORDER BY id", connection) { row in
            """
            INSERT INTO checkpoint (id, origin, tree_size, root, time_ms, signature, key_id, tsa_token)
            VALUES (\(row["id"] as Int64), \(row["origin"] as String), \(row["tree_size"] as Int64), \(buffer(row["root"])),
                    \(row["time_ms"] as Int64), \(buffer(row["signature"])), \(row["key_id"] as String),
                    \((row["tsa_token"] as Data?).map { ByteBuffer(bytes: $0) }))
            """
        }
        counts["audit_event"] = try await copyRows("SELECT * FROM audit_event ORDER BY id", connection) { row in
            """
            INSERT INTO audit_event (id, at, actor, action, target, event, leaf_index)
            VALUES (\(row["id"] as Int64), \(row["at"] as Int64), \(row["actor"] as String), \(row["action"] as String),
                    \(row["target"] as String), \(buffer(row["event"])), \(row["leaf_index"] as Int64))
            """
        }
        counts["policy"] = try await copyRows("SELECT * FROM policy ORDER BY version", connection) { row in
            """
            INSERT INTO policy (version, name, document, created_by, created_at, note)
            VALUES (\(Int32(row["version"] as Int64)), \(row["name"] as String), \(buffer(row["document"])), \(row["created_by"] as String),
                    \(row["created_at"] as Int64), \(row["note"] as String?))
            """
        }
        counts["alert"] = try await copyRows("SELECT * FROM alert ORDER BY id", connection) { row in
            """
            INSERT INTO alert (id, conversation, category, severity, status, assignee, sender, first_msgtime, last_msgtime, hit_count,
                               created_at, updated_at)
            VALUES (\(row["id"] as Int64), \(row["conversation"] as String?), \(row["category"] as String), \(row["severity"] as String),
                    \(row["status"] as String), \(row["assignee"] as String?), \(row["sender"] as String), \(row["first_msgtime"] as Int64),
                    \(row["last_msgtime"] as Int64), \(Int32(row["hit_count"] as Int64)), \(row["created_at"] as Int64),
                    \(row["updated_at"] as Int64))
            """
        }
        counts["risk_hit"] = try await copyRows("""
            SELECT h.*, m.leaf_index AS message_leaf FROM risk_hit h JOIN message m ON m.id = h.message_id ORDER BY h.id
            """, connection) { row in
            """
            INSERT INTO risk_hit (id, message_leaf, category, rule, severity, start, "end", policy_version, alert_id)
            VALUES (\(row["id"] as Int64), \(row["message_leaf"] as Int64), \(row["category"] as String), \(row["rule"] as String),
                    \(row["severity"] as String), \(Int32(row["start"] as Int64)), \(Int32(row["end"] as Int64)),
                    \(Int32(row["policy_version"] as Int64)), \(row["alert_id"] as Int64?))
            """
        }
        counts["alert_event"] = try await copyRows("SELECT * FROM alert_event ORDER BY id", connection) { row in
            """
            INSERT INTO alert_event (id, alert_id, at, actor, action, note)
            VALUES (\(row["id"] as Int64), \(row["alert_id"] as Int64), \(row["at"] as Int64), \(row["actor"] as String),
                    \(row["action"] as String), \(row["note"] as String?))
            """
        }
        counts["alert_outbox"] = try await copyRows("SELECT * FROM alert_outbox ORDER BY id", connection) { row in
            """
            INSERT INTO alert_outbox (id, alert_id, channel, created_at, attempts, next_attempt_at, delivered_at, last_error, recipients, body)
            VALUES (\(row["id"] as Int64), \(row["alert_id"] as Int64), \(row["channel"] as String), \(row["created_at"] as Int64),
                    \(Int32(row["attempts"] as Int64)), \(row["next_attempt_at"] as Int64), \(row["delivered_at"] as Int64?),
                    \(row["last_error"] as String?), \((row["recipients"] as String?).map { strings($0) }), \(row["body"] as String?))
            """
        }
        counts.merge(try await copyConsoleTables(connection)) { first, _ in first }
        // Derived from the messages (everyone who sent or received in each conversation): rebuilt rather than copied.
        try await connection.query("""
            INSERT INTO conversation_party (conversation, party)
            SELECT DISTINCT m.conversation, p.party FROM message m, unnest(array_prepend(m.sender, m.tolist)) AS p(party)
            WHERE m.conversation IS NOT NULL ON CONFLICT DO NOTHING
            """, logger: logger)
        // Rows were inserted with their ids: the sequences continue after them.
        for table in ["quarantine", "message_media", "checkpoint", "audit_event", "alert", "risk_hit", "alert_event", "alert_outbox"] {
            try await connection.query(PostgresQuery(unsafeSQL: """
                SELECT setval(pg_get_serial_sequence('\(table)', 'id'), coalesce((SELECT max(id) FROM \(table)), 0) + 1, false)
                """), logger: logger)
        }
        return counts
    }

    /// Copies every row of `sql` (read in pages of rowid order when the query allows) with one insert per row.
    func copyRows(_ sql: String, _ connection: PostgresConnection,
                          insert: @escaping @Sendable (Row) throws -> PostgresQuery) async throws -> Int {
        let queries = try await source.pool.read { db in try Row.fetchAll(db, sql: sql).map(insert) }
        for query in queries { try await connection.query(query, logger: logger) }
        return queries.count
    }

    private func copyMessages(_ connection: PostgresConnection) async throws -> Int {
        let sealer = source.sealer
        let hasher = SearchTokenHasher.derive(from: sealer.keys[1] ?? sealer.keys[sealer.activeKeyID]!)
        var after: Int64 = 0
        var copied = 0
        var months = Set<PartitionMonth>()
        while true {
            let start = after
            let rows = try await source.pool.read { db in
                try Row.fetchAll(db, sql: "SELECT * FROM message WHERE id > ? ORDER BY id LIMIT ?", arguments: [start, Self.page])
                    .map(SQLiteMessageRow.init)
            }
            guard let last = rows.last else { break }
            var columns = MessageInsertColumns()
            for row in rows {
                let text = String(decoding: try sealer.open(Array(buffer: row.text), context: SealContext.text(row.msgid)), as: UTF8.self)
                let recipients = (try? JSONDecoder().decode([String].self, from: Data(row.tolist.utf8))) ?? []
                let participants = SearchParticipants(parties: [row.sender] + recipients, room: row.roomid,
                                                                  conversation: row.conversation)
                let month = PartitionMonth(milliseconds: row.msgtime)
                if months.insert(month).inserted { try await month.create(connection, logger: logger) }
                columns.append(leafIndex: row.leafIndex, msgid: row.msgid, seq: row.seq, action: row.action, sender: row.sender,
                               tolistJSON: row.tolist, roomid: row.roomid, conversation: row.conversation, msgtime: row.msgtime,
                               msgtype: row.msgtype, body: row.body, text: row.text, recallTarget: row.recallTarget,
                               recalledBy: row.recalledBy, archivedAt: row.archivedAt, fileExt: row.fileExt, hasMedia: row.hasMedia,
                               tokens: SearchVector.document(text: text, participants: participants, hasher: hasher))
            }
            try await columns.insert(connection, logger: logger)
            copied += rows.count
            after = last.id
            progress("messages", copied)
        }
        return copied
    }

    private func copyLedger(_ connection: PostgresConnection) async throws -> Int {
        var after: Int64 = -1
        var copied = 0
        while true {
            let start = after
            let (indexes, kinds, refs, hashes) = try await source.pool.read { db in
                let rows = try Row.fetchAll(db, sql: "SELECT idx, kind, ref, hash FROM ledger_leaf WHERE idx > ? ORDER BY idx LIMIT ?",
                                            arguments: [start, Self.page * 5])
                return (rows.map { $0["idx"] as Int64 }, rows.map { $0["kind"] as String }, rows.map { $0["ref"] as String },
                        rows.map { buffer($0["hash"]) })
            }
            guard let last = indexes.last else { break }
            try await connection.query("""
                INSERT INTO ledger_leaf (idx, kind, ref, hash)
                SELECT * FROM unnest(\(indexes)::bigint[], \(kinds)::text[], \(refs)::text[], \(hashes)::bytea[])
                """, logger: logger)
            copied += indexes.count
            after = last
            progress("ledger", copied)
        }
        var level: Int64 = 0
        var index: Int64 = -1
        while true {
            let position = (level, index)
            let (levels, indexes, hashes) = try await source.pool.read { db in
                let rows = try Row.fetchAll(db, sql: """
                    SELECT level, idx, hash FROM ledger_node WHERE (level, idx) > (?, ?) ORDER BY level, idx LIMIT ?
                    """, arguments: [position.0, position.1, Self.page * 5])
                return (rows.map { Int32($0["level"] as Int64) }, rows.map { $0["idx"] as Int64 }, rows.map { buffer($0["hash"]) })
            }
            guard let lastLevel = levels.last, let lastIndex = indexes.last else { break }
            try await connection.query("""
                INSERT INTO ledger_node (level, idx, hash)
                SELECT * FROM unnest(\(levels)::integer[], \(indexes)::bigint[], \(hashes)::bytea[])
                """, logger: logger)
            (level, index) = (Int64(lastLevel), lastIndex)
        }
        return copied
    }
}

func buffer(_ value: Data) -> ByteBuffer { ByteBuffer(bytes: value) }
func strings(_ json: String) -> [String] { (try? JSONDecoder().decode([String].self, from: Data(json.utf8))) ?? [] }
func integers(_ json: String) -> [Int64] { (try? JSONDecoder().decode([Int64].self, from: Data(json.utf8))) ?? [] }

/// A `message` row of the embedded archive, read for copying.
private struct SQLiteMessageRow: Sendable {
    var id: Int64
    var leafIndex: Int64
    var msgid: String
    var seq: Int64
    var action: String
    var sender: String
    var tolist: String
    var roomid: String?
    var conversation: String?
    var msgtime: Int64
    var msgtype: String
    var body: ByteBuffer
    var text: ByteBuffer
    var recallTarget: String?
    var recalledBy: String?
    var archivedAt: Int64
    var fileExt: String?
    var hasMedia: Bool

    init(_ row: Row) {
        id = row["id"]
        leafIndex = row["leaf_index"]
        msgid = row["msgid"]
        seq = row["seq"]
        action = row["action"]
        sender = row["sender"]
        tolist = row["tolist"]
        roomid = row["roomid"]
        conversation = row["conversation"]
        msgtime = row["msgtime"]
        msgtype = row["msgtype"]
        body = buffer(row["body"])
        text = buffer(row["text"])
        recallTarget = row["recall_target"]
        recalledBy = row["recalled_by"]
        archivedAt = row["archived_at"]
        fileExt = row["file_ext"]
        hasMedia = (row["has_media"] as Int64) != 0
    }
}
