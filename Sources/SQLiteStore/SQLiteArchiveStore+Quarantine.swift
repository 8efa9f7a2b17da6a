import ArchiveModel
import ArchiveStore
import Crypto
import Foundation
import GRDB

extension SQLiteArchiveStore {
    public func quarantine(includeResolved: Bool, limit: Int) async throws -> [QuarantineEntry] {
        let sealer = self.sealer
        return try await pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT * FROM quarantine \(includeResolved ? "" : "WHERE resolved_at IS NULL") ORDER BY id LIMIT ?
                """, arguments: [limit]).map { row in
                let seq: Int64? = row["seq"]
                let resolved: Int64? = row["resolved_at"]
                return QuarantineEntry(
                    id: row["id"], source: row["source"], seq: seq.map { UInt64($0) }, msgid: row["msgid"],
                    kind: QuarantinePayloadKind(rawValue: row["kind"]) ?? .envelope, reasonCode: row["reason_code"],
                    reason: row["reason"],
                    payload: try sealer.open(Array(row["payload"] as Data), context: SealContext.quarantine(row["payload_sha256"])),
                    firstSeen: WeComTime(milliseconds: row["first_seen"]),
                    lastTried: WeComTime(milliseconds: row["last_tried"]), attempts: row["attempts"],
                    resolvedAt: resolved.map(WeComTime.init(milliseconds:)))
            }
        }
    }

    public func resolveQuarantine(_ resolved: [QuarantineResolution], retriedAgain failures: [QuarantineFailure]) async throws {
        let now = clock().milliseconds
        let sealer = self.sealer
        let integrity = self.integrity
        let rows = PreparedRows(resolved.map(\.message), sealer: sealer, hasher: tokenHasher, ledgered: integrity)
        try await pool.write { db in
            _ = try Self.insert(rows, archivedAt: now, ledgered: integrity, db: db)
            for resolution in resolved {
                try db.execute(sql: "UPDATE quarantine SET resolved_at = ?, last_tried = ? WHERE id = ?",
                               arguments: [now, now, resolution.entryID])
            }
            for failure in failures {
                let digest = FolderBlobStore.sha256Hex(failure.payload)
                let source = try String.fetchOne(db, sql: "SELECT source FROM quarantine WHERE payload_sha256 = ? LIMIT 1",
                                                 arguments: [digest]) ?? "retry"
                try Self.quarantine(failure, source: source, now: now, sealer: sealer, db: db)
            }
        }
    }
}
