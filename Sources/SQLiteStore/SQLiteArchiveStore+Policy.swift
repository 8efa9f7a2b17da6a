import ArchiveModel
import ArchiveStore
import Foundation
import GRDB

extension SQLiteArchiveStore {
    /// Every policy version, newest first.
    public func policyVersions() async throws -> [PolicyVersion] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM policy ORDER BY version DESC").map(Self.policyVersion)
        }
    }

    static func policyVersion(_ row: Row) -> PolicyVersion {
        PolicyVersion(version: row["version"], name: row["name"], document: Array(row["document"] as Data), createdBy: row["created_by"],
                      createdAt: row["created_at"], note: row["note"])
    }

    /// Stores a new policy version (the next number) and returns it.
    public func addPolicy(name: String, document: [UInt8], createdBy: String, note: String?) async throws -> Int {
        let now = clock().milliseconds
        return try await pool.write { db in
            let version = (try Int.fetchOne(db, sql: "SELECT coalesce(max(version), 0) + 1 FROM policy")) ?? 1
            try db.execute(sql: "INSERT INTO policy (version, name, document, created_by, created_at, note) VALUES (?, ?, ?, ?, ?, ?)",
                           arguments: [version, name, Data(document), createdBy, now, note])
            return version
        }
    }

    /// Messages sent since `since`, in archive order, a page at a time (for rescans).
    public func messages(since: Int64, after id: Int64, limit: Int) async throws -> [(rowID: Int64, message: StoredMessage)] {
        let sealer = self.sealer
        return try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM message WHERE msgtime >= ? AND id > ? ORDER BY id LIMIT ?",
                             arguments: [since, id, limit]).map { (rowID: $0["id"], message: try Self.storedMessage($0, sealer: sealer)) }
        }
    }

    /// Records hits found by a rescan (new ones only) and raises alerts for them.
    public func recordRescanHits(_ hits: [MessageID: [StoredRiskHit]], of messages: [ChatMessage], policyVersion: Int,
                                 channels: [String]) async throws {
        let now = clock().milliseconds
        try await pool.write { db in
            try AlertWriter.record(hits, of: messages, policyVersion: policyVersion, channels: channels, now: now, db: db)
        }
    }
}

extension SQLiteArchiveStore: PolicyStore {}
