import ArchiveModel
import Crypto
import Foundation
import GRDB

/// The embedded archive: one SQLite file in WAL mode, written by one writer, read concurrently.
public final class SQLiteArchiveStore: ArchiveStore {
    let pool: DatabasePool
    let clock: @Sendable () -> WeComTime

    /// Opens (creating and migrating if needed) the archive database at `path`.
    /// - Throws: ``StorageError`` when the file was written by a newer ChatLedger, or cannot be opened.
    public init(path: String, clock: @escaping @Sendable () -> WeComTime = { WeComTime(date: Date()) }) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
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
    }

    public func cursor(source: String) async throws -> UInt64 {
        try await pool.read { db in
            try Int64.fetchOne(db, sql: "SELECT seq FROM source_cursor WHERE source = ?", arguments: [source])
                .map { UInt64($0) } ?? 0
        }
    }

    public func commit(_ batch: IngestBatch) async throws -> CommitSummary {
        let now = clock().milliseconds
        return try await pool.write { db in
            var summary = CommitSummary()
            for message in batch.messages {
                if try Self.insert(message, archivedAt: now, db: db) { summary.inserted += 1 } else { summary.duplicates += 1 }
            }
            for failure in batch.quarantined {
                try Self.quarantine(failure, source: batch.source, now: now, db: db)
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

    /// Inserts one message unless its msgid is stored; keeps conversation, recall and consent facts current.
    static func insert(_ message: ChatMessage, archivedAt now: Int64, db: Database) throws -> Bool {
        let conversation = message.conversation
        let toList = JSONText.array(message.toList.map(\.rawValue))
        var recallTarget: String?
        if case .revoke(let target) = message.content { recallTarget = target.rawValue }
        // A recall can be archived before the message it recalls; the revoke record remembers its target.
        let recalledBy = try String.fetchOne(
            db.cachedStatement(sql: "SELECT msgid FROM message WHERE recall_target = ? LIMIT 1"),
            arguments: [message.id.rawValue])
        try db.cachedStatement(sql: """
            INSERT INTO message (msgid, seq, action, sender, tolist, roomid, conversation, msgtime, msgtype,
                                 searchable_text, raw, recall_target, recalled_by, archived_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (msgid) DO NOTHING
            """).execute(arguments: [
                message.id.rawValue, Int64(message.seq), message.action.rawValue, message.from.rawValue, toList,
                message.room?.rawValue, conversation?.rawValue, message.time.milliseconds, message.msgtype,
                message.searchableText, Data(message.raw), recallTarget, recalledBy, now,
            ])
        guard db.changesCount > 0 else { return false }
        if let conversation {
            let single: [String?] = message.room == nil
                ? [message.from.rawValue, message.toList.first?.rawValue ?? ""].sorted() : [nil, nil]
            try db.cachedStatement(sql: """
                INSERT INTO conversation (id, roomid, party_a, party_b, first_msgtime, last_msgtime, message_count)
                VALUES (?, ?, ?, ?, ?, ?, 1)
                ON CONFLICT (id) DO UPDATE SET
                    first_msgtime = min(first_msgtime, excluded.first_msgtime),
                    last_msgtime = max(last_msgtime, excluded.last_msgtime),
                    message_count = message_count + 1
                """).execute(arguments: [conversation.rawValue, message.room?.rawValue, single[0], single[1],
                                         message.time.milliseconds, message.time.milliseconds])
        }
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

    static func quarantine(_ failure: QuarantineFailure, source: String, now: Int64, db: Database) throws {
        let digest = SHA256.hash(data: failure.payload).map { String(format: "%02x", $0) }.joined()
        try db.cachedStatement(sql: """
            INSERT INTO quarantine (source, seq, msgid, kind, reason_code, reason, payload, payload_sha256,
                                    first_seen, last_tried)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (source, payload_sha256) DO UPDATE SET
                reason_code = excluded.reason_code, reason = excluded.reason, last_tried = excluded.last_tried,
                attempts = attempts + 1, resolved_at = NULL
            """).execute(arguments: [
                source, failure.seq.map { Int64($0) }, failure.msgid, failure.kind.rawValue, failure.reasonCode,
                failure.reason, Data(failure.payload), digest, now, now,
            ])
    }
}

/// A storage failure with what to do about it.
public struct StorageError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
