import ArchiveModel
import ArchiveStore
import Decisions
import Foundation
import GRDB

extension SQLiteArchiveStore: CaseStore {
    static let casesSchema = """
        -- Cases gather messages for one matter; a case under legal hold keeps its messages and their media from any
        -- disposal. Lifting a hold takes two people: release_requested_by asks, someone else approves.
        CREATE TABLE evidence_case (
            id TEXT NOT NULL PRIMARY KEY,
            name TEXT NOT NULL,
            description TEXT NOT NULL DEFAULT '',
            created_by TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            held_since INTEGER,
            held_by TEXT,
            release_requested_by TEXT,
            release_requested_at INTEGER,
            CHECK (release_requested_by IS NULL OR held_since IS NOT NULL)
        );
        CREATE TABLE case_message (
            case_id TEXT NOT NULL REFERENCES evidence_case(id),
            msgid TEXT NOT NULL,
            added_by TEXT NOT NULL,
            added_at INTEGER NOT NULL,
            PRIMARY KEY (case_id, msgid)
        ) WITHOUT ROWID;
        CREATE INDEX case_message_msgid ON case_message(msgid);
        CREATE TABLE case_export (
            id INTEGER PRIMARY KEY,
            case_id TEXT NOT NULL REFERENCES evidence_case(id),
            exported_by TEXT NOT NULL,
            exported_at INTEGER NOT NULL,
            manifest_sha256 TEXT NOT NULL,
            messages INTEGER NOT NULL,
            media INTEGER NOT NULL,
            held INTEGER NOT NULL
        );
        CREATE INDEX case_export_case ON case_export(case_id, id);
        """

    static let caseColumns = """
        c.id, c.name, c.description, c.created_by, c.created_at, c.held_since, c.held_by, c.release_requested_by,
        c.release_requested_at, (SELECT count(*) FROM case_message cm WHERE cm.case_id = c.id)
        """

    static func evidenceCase(_ row: Row) -> EvidenceCase {
        EvidenceCase(id: row[0], name: row[1], description: row[2], createdBy: row[3], createdAt: row[4], messages: row[9],
                     heldSince: row[5], heldBy: row[6], releaseRequestedBy: row[7], releaseRequestedAt: row[8])
    }

    static func evidenceCase(id: String, db: Database) throws -> EvidenceCase {
        guard let row = try Row.fetchOne(db, sql: "SELECT \(caseColumns) FROM evidence_case c WHERE c.id = ?", arguments: [id]) else {
            throw StorageError("no case \(id); `chatledger case list` shows the cases", notFound: true)
        }
        return evidenceCase(row)
    }

    public func createCase(name: String, description: String, by actor: String) async throws -> EvidenceCase {
        let now = clock().milliseconds
        let id = EvidenceCaseID.make()
        return try await pool.write { db in
            try db.execute(sql: "INSERT INTO evidence_case (id, name, description, created_by, created_at) VALUES (?, ?, ?, ?, ?)",
                           arguments: [id, name, description, actor, now])
            return try Self.evidenceCase(id: id, db: db)
        }
    }

    public func cases() async throws -> [EvidenceCase] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT \(Self.caseColumns) FROM evidence_case c ORDER BY c.created_at DESC, c.id").map(Self.evidenceCase)
        }
    }

    public func evidenceCase(id: String) async throws -> EvidenceCase? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT \(Self.caseColumns) FROM evidence_case c WHERE c.id = ?", arguments: [id]).map(Self.evidenceCase)
        }
    }

    public func addToCase(_ id: String, messages: [MessageID], by actor: String) async throws -> Int {
        let now = clock().milliseconds
        return try await pool.write { db in
            _ = try Self.evidenceCase(id: id, db: db)
            var added = 0
            let known = try db.cachedStatement(sql: "SELECT 1 FROM message WHERE msgid = ?")
            let insert = try db.cachedStatement(sql: """
                INSERT OR IGNORE INTO case_message (case_id, msgid, added_by, added_at) VALUES (?, ?, ?, ?)
                """)
            for message in messages {
                guard try Bool.fetchOne(known, arguments: [message.rawValue]) == true else {
                    throw StorageError("no message \(message) in this archive; nothing was added to case \(id)")
                }
                try insert.execute(arguments: [id, message.rawValue, actor, now])
                added += db.changesCount
            }
            return added
        }
    }

    public func caseMessageIDs(_ id: String) async throws -> [MessageID] {
        try await pool.read { db in
            _ = try Self.evidenceCase(id: id, db: db)
            return try String.fetchAll(db, sql: """
                SELECT cm.msgid FROM case_message cm JOIN message m ON m.msgid = cm.msgid WHERE cm.case_id = ? ORDER BY m.leaf_index
                """, arguments: [id]).map { MessageID($0) }
        }
    }

    public func holdCase(_ id: String, by actor: String) async throws -> EvidenceCase {
        let now = clock().milliseconds
        return try await pool.write { db in
            let found = try Self.evidenceCase(id: id, db: db)
            guard !found.held else { return found }
            try db.execute(sql: "UPDATE evidence_case SET held_since = ?, held_by = ? WHERE id = ?", arguments: [now, actor, id])
            return try Self.evidenceCase(id: id, db: db)
        }
    }

    public func releaseCase(_ id: String, by actor: String) async throws -> HoldRelease {
        let now = clock().milliseconds
        return try await pool.write { db in
            let found = try Self.evidenceCase(id: id, db: db)
            switch LegalHold.release(held: found.held, requestedBy: found.releaseRequestedBy, actor: actor) {
            case .refuse(let reason):
                throw StorageError(reason)
            case .request:
                try db.execute(sql: "UPDATE evidence_case SET release_requested_by = ?, release_requested_at = ? WHERE id = ?",
                               arguments: [actor, now, id])
                return .requested
            case .release(let requestedBy):
                try db.execute(sql: """
                    UPDATE evidence_case SET held_since = NULL, held_by = NULL, release_requested_by = NULL, release_requested_at = NULL
                    WHERE id = ?
                    """, arguments: [id])
                return .released(requestedBy: requestedBy)
            }
        }
    }

    public func recordExport(_ export: CaseExport) async throws {
        try await pool.write { db in
            try db.execute(sql: """
                INSERT INTO case_export (case_id, exported_by, exported_at, manifest_sha256, messages, media, held)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """, arguments: [export.caseID, export.exportedBy, export.exportedAt, export.manifestSHA256, export.messages,
                                 export.media, export.held])
        }
    }

    public func caseExports(_ id: String) async throws -> [CaseExport] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT case_id, exported_by, exported_at, manifest_sha256, messages, media, held FROM case_export WHERE case_id = ? ORDER BY id
                """, arguments: [id]).map {
                CaseExport(caseID: $0[0], exportedBy: $0[1], exportedAt: $0[2], manifestSHA256: $0[3], messages: $0[4], media: $0[5], held: $0[6])
            }
        }
    }

    public func heldMessages(among messages: [MessageID]) async throws -> Set<MessageID> {
        try await pool.read { db in
            var held = Set<MessageID>()
            for chunk in messages.map(\.rawValue).chunks(of: 500) {
                for msgid in try String.fetchAll(db, sql: """
                    SELECT DISTINCT cm.msgid FROM case_message cm JOIN evidence_case c ON c.id = cm.case_id
                    WHERE c.held_since IS NOT NULL AND cm.msgid IN (\(Self.placeholders(chunk.count)))
                    """, arguments: StatementArguments(chunk)) {
                    held.insert(MessageID(msgid))
                }
            }
            return held
        }
    }
}
