import ArchiveModel
import ArchiveStore
import Crypto
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
        let hasher = tokenHasher
        return try await pool.write { db in
            var summary = CommitSummary()
            (summary.inserted, summary.duplicates) = try Self.insert(batch.messages, archivedAt: now, sealer: sealer,
                                                                     hasher: hasher, ledgered: integrity, insights: batch.insights, db: db)
            if !batch.riskHits.isEmpty {
                try AlertWriter.record(batch.riskHits, of: batch.messages, policyVersion: batch.policyVersion,
                                       channels: batch.alertChannels, now: now, db: db)
            }
            for failure in batch.quarantined {
                try Self.quarantine(failure, source: batch.source, now: now, sealer: sealer, db: db)
                summary.quarantined += 1
            }
            for gap in batch.gaps {
                try db.execute(
                    sql: "INSERT OR IGNORE INTO seq_gap (source, after_seq, before_seq, detected_at) VALUES (?, ?, ?, ?)",
                    arguments: [batch.source, Int64(gap.after), Int64(gap.before), now])
            }
            if let cursor = batch.cursor {
                try db.execute(sql: """
                    INSERT INTO source_cursor (source, seq, updated_at) VALUES (?, ?, ?)
                    ON CONFLICT (source) DO UPDATE SET seq = max(seq, excluded.seq), updated_at = excluded.updated_at
                    """, arguments: [batch.source, Int64(cursor), now])
            }
            return summary
        }
    }

    /// Inserts messages whose msgid is not stored yet; keeps conversation, recall and consent facts current.
    ///
    /// Lookups and conversation counters are done once per batch rather than once per message:
    /// this runs on the single writer while other cores decrypt the next batch.
    static func insert(_ messages: [ChatMessage], archivedAt now: Int64, sealer: Sealer, hasher: SearchTokenHasher,
                       ledgered: Bool = true, insights: [MessageID: MessageInsight] = [:], db: Database) throws -> (inserted: Int, duplicates: Int) {
        // A recall can be archived before the message it recalls; the revoke record remembers its target.
        var recalledBy: [String: String] = [:]
        for message in messages {
            if case .revoke(let target) = message.content { recalledBy[target.rawValue] = message.id.rawValue }
        }
        for start in stride(from: 0, to: messages.count, by: 500) {
            let ids = messages[start..<min(messages.count, start + 500)].map(\.id.rawValue)
            let placeholders = Array(repeating: "?", count: ids.count).joined(separator: ",")
            for row in try Row.fetchAll(db, sql: "SELECT recall_target, msgid FROM message WHERE recall_target IN (\(placeholders))",
                                        arguments: StatementArguments(ids)) {
                recalledBy[row["recall_target"]] = row["msgid"]
            }
        }
        var conversations: [String: ConversationDelta] = [:]
        // Who took part, per conversation: gathered over the batch, so a group's members named in every message's
        // recipients cost one row write per batch, not one per message.
        var participants: [String: Set<String>] = [:]
        var inserted = 0
        var ledger = try LedgerAppender(db: db, enabled: ledgered)
        var aggregates = InsightAggregator()
        for message in messages {
            guard try insert(message, recalledBy: recalledBy[message.id.rawValue], leafIndex: ledger.size, archivedAt: now,
                             sealer: sealer, hasher: hasher, db: db) else { continue }
            try ledger.append(kind: .message, ref: message.id.rawValue,
                              leaf: LeafEncoding.message(seq: message.seq, msgid: message.id.rawValue, raw: message.raw), db: db)
            inserted += 1
            aggregates.add(message, employee: try responsibleEmployee(message, db: db), insight: insights[message.id])
            if let conversation = message.conversation {
                conversations[conversation.rawValue, default: ConversationDelta(message)].add(message)
                participants[conversation.rawValue, default: []].formUnion(message.participants.map(\.rawValue))
            }
        }
        for id in participants.keys.sorted() {
            for party in participants[id, default: []].sorted() {
                try db.cachedStatement(sql: "INSERT OR IGNORE INTO conversation_party (conversation, party) VALUES (?, ?)")
                    .execute(arguments: [id, party])
            }
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
        try aggregates.write(db)
        return (inserted, messages.count - inserted)
    }

    /// The staff party of a single chat, or the owner of a group — before the directory knows the group, its
    /// first staff member among sender and recipients ('' when there is none).
    static func responsibleEmployee(_ message: ChatMessage, db: Database) throws -> String {
        if let room = message.room,
           let creator = try String.fetchOne(db.cachedStatement(sql: "SELECT creator FROM room WHERE id = ?"), arguments: [room.rawValue]) {
            return creator
        }
        return ([message.from] + message.toList).first { $0.inferredKind == .employee }?.rawValue ?? ""
    }

    /// Inserts one message and its side facts; `false` when the msgid was already stored.
    private static func insert(_ message: ChatMessage, recalledBy: String?, leafIndex: UInt64, archivedAt now: Int64,
                               sealer: Sealer, hasher: SearchTokenHasher, db: Database) throws -> Bool {
        let id = message.id.rawValue
        if try Bool.fetchOne(db.cachedStatement(sql: "SELECT 1 FROM message WHERE msgid = ?"), arguments: [id]) == true {
            return false
        }
        var recallTarget: String?
        if case .revoke(let target) = message.content { recallTarget = target.rawValue }
        try db.cachedStatement(sql: """
            INSERT INTO message (msgid, seq, action, sender, tolist, roomid, conversation, msgtime, msgtype,
                                 body, text, recall_target, recalled_by, archived_at, leaf_index, file_ext, has_media)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [
                id, Int64(message.seq), message.action.rawValue, message.from.rawValue,
                JSONText.array(message.toList.map(\.rawValue)), message.room?.rawValue, message.conversation?.rawValue,
                message.time.milliseconds, message.msgtype,
                Data(try sealer.seal(message.raw, context: SealContext.body(id))),
                Data(try sealer.seal(Array(message.searchableText.utf8), context: SealContext.text(id))),
                recallTarget, recalledBy, now, Int64(leafIndex), message.content.fileExtension,
                !message.content.mediaReferences.isEmpty,
            ])
        try SearchIndexWriter.add(rowID: db.lastInsertedRowID, text: message.searchableText,
                                  participants: SearchParticipants(message), hasher: hasher, db: db)
        switch message.content {
        case .revoke(let target):
            try db.cachedStatement(sql: "UPDATE message SET recalled_by = ? WHERE msgid = ?")
                .execute(arguments: [message.id.rawValue, target.rawValue])
        case .agree(let consent), .disagree(let consent):
            let agreed: Bool = if case .agree = message.content { true } else { false }
            try db.cachedStatement(sql: """
                INSERT INTO consent (userid, external_userid, agreed, changed_at) VALUES (?, ?, ?, ?)
                ON CONFLICT (userid, external_userid) DO UPDATE SET agreed = excluded.agreed, changed_at = excluded.changed_at
                WHERE coalesce(consent.changed_at, 0) <= coalesce(excluded.changed_at, 0)
                """).execute(arguments: [message.toList.first?.rawValue ?? message.from.rawValue,
                                         consent.externalUserID.rawValue, agreed,
                                         (consent.time ?? message.time).milliseconds])
        default:
            break
        }
        for media in message.content.mediaReferences where !media.sdkFileID.isEmpty {
            try db.cachedStatement(sql: """
                INSERT OR IGNORE INTO message_media (msgid, sdkfileid, md5, expected_size) VALUES (?, ?, ?, ?)
                """).execute(arguments: [message.id.rawValue, media.sdkFileID, media.md5, media.size])
        }
        return true
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

