import ArchiveModel
import ArchiveStore
import Crypto
import Foundation
import GRDB

extension SQLiteArchiveStore {
    /// Re-wraps every data key under `newMaster` in one transaction; the current master key must open them.
    public func rewrapDataKeys(under newMaster: MasterKey) async throws {
        let keys = sealer.keys
        try await pool.write { db in
            for (id, key) in keys {
                try db.execute(sql: "UPDATE data_key SET wrapped = ?, master_fingerprint = ? WHERE id = ?",
                               arguments: [Data(try Sealer.wrap(key, id: id, master: newMaster)), newMaster.fingerprint, Int64(id)])
            }
        }
    }

    /// Adds a data key and makes it the active one for records written from the next start on.
    /// - Returns: the new key's id.
    public func addDataKey(masterKey: MasterKey) async throws -> UInt32 {
        let now = clock().milliseconds
        return try await pool.write { db in
            let id = UInt32((try Int64.fetchOne(db, sql: "SELECT coalesce(max(id), 0) + 1 FROM data_key")) ?? 1)
            try db.execute(sql: "UPDATE data_key SET active = 0")
            try db.execute(sql: "INSERT INTO data_key (id, wrapped, master_fingerprint, created_at, active) VALUES (?, ?, ?, ?, 1)",
                           arguments: [Int64(id), Data(try Sealer.wrap(SymmetricKey(size: .bits256), id: id, master: masterKey)),
                                       masterKey.fingerprint, now])
            return id
        }
    }
}

extension SQLiteArchiveStore {
    public func dataKeyStatus() async throws -> [DataKeyStatus] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT id, master_fingerprint, active, created_at FROM data_key ORDER BY id").map {
                DataKeyStatus(id: $0["id"], masterFingerprint: $0["master_fingerprint"], active: $0["active"], createdAt: $0["created_at"])
            }
        }
    }
}
