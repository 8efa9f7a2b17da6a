import ArchiveModel
import ArchiveStore
import Crypto
import Decisions
import Foundation
import GRDB
import Ledger

/// The embedded archive: one SQLite file in WAL mode, written by one writer, read concurrently.
public final class SQLiteArchiveStore: ArchiveStore {
    /// The database; a migration to another engine reads it directly.
    package let pool: DatabasePool
    let clock: @Sendable () -> WeComTime
    /// Seals bodies, texts, quarantine payloads and blobs under this archive's data keys.
    public let sealer: Sealer
    /// Names this archive's log in its checkpoints (`chatledger/<uuid>`).
    public let origin: String
    /// Whether records are sealed and ledgered; only benchmarks turn it off, to measure what integrity costs.
    package let integrity: Bool
    /// Keys the search index's tokens.
    let tokenHasher: SearchTokenHasher

    /// Opens (creating and migrating if needed) the archive database at `path`.
    /// - Parameter masterKey: unwraps the data keys; a different key than the archive was created with is refused.
    /// - Throws: ``StorageError`` when the master key does not match, the file was written by a newer
    ///   ChatLedger, or it cannot be opened.
    public convenience init(path: String, masterKey: MasterKey,
                            clock: @escaping @Sendable () -> WeComTime = { WeComTime(date: Date()) }) throws {
        try self.init(path: path, masterKey: masterKey, integrity: true, clock: clock)
    }

    /// - Parameter integrity: `false` stores records in clear and skips the ledger: a baseline for benchmarks only.
    package init(path: String, masterKey: MasterKey, integrity: Bool,
                 clock: @escaping @Sendable () -> WeComTime = { WeComTime(date: Date()) }) throws {
        self.integrity = integrity
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            // SQLite's default checkpoints the WAL into the database every 1,000 pages (4 MB), on the writer's COMMIT:
            // at ingest speed that is every other batch. 8,000 pages keeps the WAL near 32 MB and the copy off most
            // commits; the size limit truncates it again after a checkpoint.
            try db.execute(sql: "PRAGMA wal_autocheckpoint = 8000")
            try db.execute(sql: "PRAGMA journal_size_limit = 67108864")
            // 64 MB of page cache for the writer instead of 2 MB: msgids, conversations and senders are random keys,
            // so every commit touches pages all over their indexes. Readers keep the default.
            if !db.configuration.readonly { try db.execute(sql: "PRAGMA cache_size = -65536") }
        }
        do {
            // A new database is born 0600, and SQLite gives its -wal and -shm the database's mode.
            let created = try Self.createPrivately(path)
            pool = try DatabasePool(path: path, configuration: configuration)
            if created { Self.restrictCompanions(of: path) }
            let migrator = Self.migrator
            if try pool.read({ try migrator.hasBeenSuperseded($0) }) {
                throw StorageError("the database at \(path) was written by a newer ChatLedger; upgrade the binary")
            }
            try migrator.migrate(pool)
        } catch let error as StorageError {
            throw error
        } catch {
            throw StorageError("cannot open the archive database at \(path): \(error)")
        }
        self.clock = clock
        let now = clock().milliseconds
        let (sealer, origin) = try pool.write { db in
            (try Self.loadDataKeys(db: db, master: masterKey, now: now), try Self.loadOrigin(db: db))
        }
        self.sealer = integrity ? sealer : .cleartext
        self.origin = origin
        tokenHasher = SearchTokenHasher.derive(from: sealer.keys[1] ?? sealer.keys[sealer.activeKeyID]!)
    }

    /// Creates the database file at `path` with mode 0600 when absent (a file SQLite made would follow the umask,
    /// typically 0644: the archive readable by every local user). Special names (`:memory:`, `file:` URIs) are left alone.
    /// - Returns: whether the file was created now.
    static func createPrivately(_ path: String) throws -> Bool {
        guard !path.isEmpty, path != ":memory:", !path.hasPrefix("file:") else { return false }
        return try PrivateFiles.createFileIfAbsent(atPath: path)
    }

    /// Sets the new database's write-ahead log and shared-memory index to 0600 too (SQLite already copies the
    /// database's mode to them; this holds whatever the SQLite build does).
    static func restrictCompanions(of path: String) {
        for suffix in ["-wal", "-shm"] where FileManager.default.fileExists(atPath: path + suffix) {
            PrivateFiles.restrict(path: path + suffix)
        }
    }

    static func loadOrigin(db: Database) throws -> String {
        if let origin = try String.fetchOne(db, sql: "SELECT value FROM archive_meta WHERE key = 'origin'") { return origin }
        let origin = "chatledger/\(UUID().uuidString.lowercased())"
        try db.execute(sql: "INSERT INTO archive_meta (key, value) VALUES ('origin', ?)", arguments: [origin])
        return origin
    }

    /// Unwraps every data key with the master key, creating the first one in a new archive.
    static func loadDataKeys(db: Database, master: MasterKey, now: Int64) throws -> Sealer {
        var keys: [UInt32: SymmetricKey] = [:]
        var active: UInt32?
        for row in try Row.fetchAll(db, sql: "SELECT id, wrapped, master_fingerprint, active FROM data_key ORDER BY id") {
            let id = UInt32(row["id"] as Int64)
            do {
                keys[id] = try Sealer.unwrap(Array(row["wrapped"] as Data), id: id, master: master)
            } catch {
                let expected: String = row["master_fingerprint"]
                throw StorageError("""
                    the master key (fingerprint \(master.fingerprint)) does not open this archive: it was sealed under \
                    master key \(expected). Use the key file this archive was created with, or set CHATLEDGER_MASTER_KEY.
                    """)
            }
            if (row["active"] as Int64) == 1 { active = id }
        }
        if keys.isEmpty {
            let key = SymmetricKey(size: .bits256)
            try db.execute(sql: "INSERT INTO data_key (id, wrapped, master_fingerprint, created_at, active) VALUES (1, ?, ?, ?, 1)",
                           arguments: [Data(try Sealer.wrap(key, id: 1, master: master)), master.fingerprint, now])
            keys[1] = key
            active = 1
        }
        return Sealer(keys: keys, activeKeyID: active ?? keys.keys.max()!)
    }

    public func cursor(source: String) async throws -> UInt64 {
        try await pool.read { db in
            try Int64.fetchOne(db, sql: "SELECT seq FROM source_cursor WHERE source = ?", arguments: [source])
                .map { UInt64($0) } ?? 0
        }
    }

    public func commit(_ batch: IngestBatch) async throws -> CommitSummary {
        let now = clock().milliseconds
        let sealer = self.sealer
        let integrity = self.integrity
        let stages = StageClock.current
        let rows = PreparedRows(batch.messages, sealer: sealer, hasher: tokenHasher, ledgered: integrity)
        let started = ContinuousClock.now
        let (summary, inside) = try await pool.write { db in
            let began = ContinuousClock.now
            var summary = CommitSummary()
            (summary.inserted, summary.duplicates) = try Self.insert(rows, archivedAt: now, ledgered: integrity,
                                                                     insights: batch.insights, clock: stages, db: db)
            if !batch.riskHits.isEmpty {
                try stages.measure(.alerts) {
                    try AlertWriter.record(batch.riskHits, of: batch.messages, policyVersion: batch.policyVersion,
                                           channels: batch.alertChannels, now: now, db: db)
                }
            }
            let otherStarted = ContinuousClock.now
            defer { stages?.add(.other, ContinuousClock.now - otherStarted) }
            for failure in batch.quarantined {
                try Self.quarantine(failure, source: batch.source, now: now, sealer: sealer, db: db)
                summary.quarantined += 1
            }
            for gap in batch.gaps {
                try db.cachedStatement(sql: "INSERT OR IGNORE INTO seq_gap (source, after_seq, before_seq, detected_at) VALUES (?, ?, ?, ?)")
                    .execute(arguments: [batch.source, Int64(gap.after), Int64(gap.before), now])
            }
            if let cursor = batch.cursor {
                try db.execute(sql: """
                    INSERT INTO source_cursor (source, seq, updated_at) VALUES (?, ?, ?)
                    ON CONFLICT (source) DO UPDATE SET seq = max(seq, excluded.seq), updated_at = excluded.updated_at
                    """, arguments: [batch.source, Int64(cursor), now])
            }
            return (summary, ContinuousClock.now - began)
        }
        // What the transaction took beyond its statements: SQLite's COMMIT (the index flush, the WAL write and checkpoint).
        stages?.add(.commit, ContinuousClock.now - started - inside)
        return summary
    }

    /// Inserts the messages whose msgid is not stored yet (the first of duplicates within the batch) and keeps the
    /// conversation, recall, consent, participant and report facts current.
    ///
    /// Everything that needs no database was prepared before (``PreparedRow``); what is decided (recall links,
    /// responsible employee, participants, conversation counters) is decided by the pure rules in `Decisions`, and
    /// lookups run once per batch, not once per message: this is the single writer.
    static func insert(_ rows: PreparedRows, archivedAt now: Int64, ledgered: Bool = true,
                       insights: [MessageID: MessageInsight] = [:], clock: StageClock? = nil,
                       db: Database) throws -> (inserted: Int, duplicates: Int) {
        let lookupsStarted = ContinuousClock.now
        var seen = Set<String>()
        for chunk in rows.messages.map(\.id.rawValue).chunks(of: 500) {
            seen.formUnion(try String.fetchAll(db, sql: "SELECT msgid FROM message WHERE msgid IN (\(placeholders(chunk.count)))",
                                               arguments: StatementArguments(chunk)))
        }
        let fresh = rows.messages.indices.filter { seen.insert(rows.messages[$0].id.rawValue).inserted }
        let newMessages = fresh.map { rows.messages[$0] }
        let links = RecallLinking.links(newMessages: newMessages, storedRevokes: try storedRevokes(naming: newMessages, db: db))
        let owners = try roomOwners(of: newMessages, db: db)
        clock?.add(.lookups, ContinuousClock.now - lookupsStarted)

        var ledger = try LedgerAppender(db: db, enabled: ledgered)
        var aggregates = InsightAggregator()
        var conversations: [String: ConversationDelta] = [:]
        let insertMessage = try db.cachedStatement(sql: """
            INSERT INTO message (msgid, seq, action, sender, tolist, roomid, conversation, msgtime, msgtype,
                                 body, text, recall_target, recalled_by, archived_at, leaf_index, file_ext, has_media)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        let insertTokens = try SearchIndexWriter.insertStatement(db)
        var ledgerTime = Duration.zero
        let rowsStarted = ContinuousClock.now
        for index in fresh {
            let row = try rows.row(index)
            let message = row.message
            let id = message.id.rawValue
            let media = message.content.mediaReferences
            let columns = row.columns
            try insertMessage.execute(arguments: [
                id, Int64(message.seq), columns.action, columns.sender, row.recipients, columns.room,
                columns.conversation, columns.msgtime, columns.msgtype, row.body, row.text,
                columns.recallTarget, links.recalledBy[message.id]?.rawValue, now, Int64(ledger.size),
                columns.fileExtension, columns.hasMedia,
            ])
            try SearchIndexWriter.add(rowID: db.lastInsertedRowID, row.index, statement: insertTokens)
            if let consent = ConsentRecord(message) { try record(consent, db: db) }
            for reference in media where !reference.sdkFileID.isEmpty {
                try db.cachedStatement(sql: "INSERT OR IGNORE INTO message_media (msgid, sdkfileid, md5, expected_size) VALUES (?, ?, ?, ?)")
                    .execute(arguments: [id, reference.sdkFileID, reference.md5, reference.size])
            }
            let ledgerStarted = ContinuousClock.now
            try ledger.append(kind: .message, ref: id, leafHash: row.leafHash, db: db)
            ledgerTime += ContinuousClock.now - ledgerStarted
            let owner = message.room.flatMap { owners[$0] }
            aggregates.add(message, employee: ResponsibleEmployee.of(message, roomOwner: owner)?.rawValue ?? "", insight: insights[message.id])
            if let conversation = message.conversation {
                conversations[conversation.rawValue, default: ConversationDelta(message)].add(message)
            }
        }
        clock?.add(.ledger, ledgerTime)
        clock?.add(.waitingForRows, rows.waited)
        clock?.add(.messages, ContinuousClock.now - rowsStarted - ledgerTime - rows.waited)
        let peopleStarted = ContinuousClock.now
        for link in links.storedTargets {
            try db.cachedStatement(sql: "UPDATE message SET recalled_by = ? WHERE msgid = ? AND recalled_by IS NULL")
                .execute(arguments: [link.revoke.rawValue, link.target.rawValue])
        }
        // A group's members named in every message's recipients cost one row per batch, not one per message.
        let insertParty = try db.cachedStatement(sql: "INSERT OR IGNORE INTO conversation_party (conversation, party) VALUES (?, ?)")
        for party in ConversationParticipants.rows(of: newMessages) {
            try insertParty.execute(arguments: [party.conversation.rawValue, party.party.rawValue])
        }
        for (id, delta) in conversations {
            try db.cachedStatement(sql: """
                INSERT INTO conversation (id, roomid, party_a, party_b, first_msgtime, last_msgtime, message_count)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET
                    first_msgtime = min(first_msgtime, excluded.first_msgtime),
                    last_msgtime = max(last_msgtime, excluded.last_msgtime),
                    message_count = message_count + excluded.message_count
                """).execute(arguments: [id, delta.room, delta.partyA, delta.partyB, delta.first, delta.last, delta.count])
            // The reply-timeout tracker recomputes this conversation's waits (durably: the mark commits with the message).
            try db.cachedStatement(sql: """
                INSERT INTO sla_dirty (conversation) VALUES (?) ON CONFLICT (conversation) DO UPDATE SET generation = generation + 1
                """).execute(arguments: [id])
        }
        clock?.add(.people, ContinuousClock.now - peopleStarted)
        try clock.measure(.aggregates) { try aggregates.write(db) }
        return (fresh.count, rows.messages.count - fresh.count)
    }

    /// Stored revokes that name any of `messages`, in the order they were archived (a recall can arrive first).
    private static func storedRevokes(naming messages: [ChatMessage], db: Database) throws -> [RecallLink] {
        var links: [RecallLink] = []
        for chunk in messages.map(\.id.rawValue).chunks(of: 500) {
            for row in try Row.fetchAll(db, sql: """
                SELECT recall_target, msgid FROM message WHERE recall_target IN (\(placeholders(chunk.count))) ORDER BY id
                """, arguments: StatementArguments(chunk)) {
                links.append(RecallLink(target: MessageID(rawValue: row["recall_target"]), revoke: MessageID(rawValue: row["msgid"])))
            }
        }
        return links
    }

    /// The synced owners of the groups of `messages` (a group not synced yet has none).
    private static func roomOwners(of messages: [ChatMessage], db: Database) throws -> [RoomID: PartyID] {
        var owners: [RoomID: PartyID] = [:]
        for chunk in Set(messages.compactMap(\.room?.rawValue)).sorted().chunks(of: 500) {
            for row in try Row.fetchAll(db, sql: "SELECT id, creator FROM room WHERE id IN (\(placeholders(chunk.count)))",
                                        arguments: StatementArguments(chunk)) {
                if let creator: String = row["creator"] { owners[RoomID(rawValue: row["id"])] = PartyID(rawValue: creator) }
            }
        }
        return owners
    }

    /// A consent notice, unless the stored record is newer: the `WHERE` is ``ConsentPrecedence/replaces(_:from:stored:)``
    /// for a message, executed against the stored row.
    private static func record(_ consent: ConsentRecord, db: Database) throws {
        try db.cachedStatement(sql: """
            INSERT INTO consent (userid, external_userid, agreed, changed_at) VALUES (?, ?, ?, ?)
            ON CONFLICT (userid, external_userid) DO UPDATE SET agreed = excluded.agreed, changed_at = excluded.changed_at
            WHERE coalesce(consent.changed_at, 0) <= coalesce(excluded.changed_at, 0)
            """).execute(arguments: [consent.employee.rawValue, consent.customer.rawValue, consent.agreed, consent.changedAt?.milliseconds])
    }

    static func placeholders(_ count: Int) -> String {
        Array(repeating: "?", count: count).joined(separator: ", ")
    }

    static func quarantine(_ failure: QuarantineFailure, source: String, now: Int64, sealer: Sealer, db: Database) throws {
        let digest = FolderBlobStore.sha256Hex(failure.payload)
        let sealed = try sealer.seal(failure.payload, context: SealContext.quarantine(digest))
        try db.cachedStatement(sql: """
            INSERT INTO quarantine (source, seq, msgid, kind, reason_code, reason, payload, payload_sha256,
                                    first_seen, last_tried)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (source, payload_sha256) DO UPDATE SET
                reason_code = excluded.reason_code, reason = excluded.reason, last_tried = excluded.last_tried,
                attempts = attempts + 1, resolved_at = NULL
            """).execute(arguments: [
                source, failure.seq.map { Int64($0) }, failure.msgid, failure.kind.rawValue, failure.reasonCode,
                failure.reason, Data(sealed), digest, now, now,
            ])
    }
}

