import ArchiveModel
import ArchiveStore
import Foundation
import GRDB

extension SQLiteArchiveStore {
    public func saveDirectory(_ directory: DirectorySnapshot) async throws {
        try await pool.write { db in
            for department in directory.departments {
                try db.execute(sql: "INSERT OR REPLACE INTO department (id, name, parent_id, leaders) VALUES (?, ?, ?, ?)",
                               arguments: [department.id, department.name, department.parentID, try jsonText(department.leaders)])
            }
            for party in directory.parties {
                try db.execute(sql: """
                    INSERT OR REPLACE INTO party (id, kind, name, department_ids, corp_name, status) VALUES (?, ?, ?, ?, ?, ?)
                    """, arguments: [party.id, party.kind.rawValue, party.name, try jsonText(party.departmentIDs),
                                     party.corpName, party.status])
            }
            for room in directory.rooms {
                try db.execute(sql: "INSERT OR REPLACE INTO room (id, name, creator, members) VALUES (?, ?, ?, ?)",
                               arguments: [room.id, room.name, room.creator, try jsonText(room.members)])
            }
            for consent in directory.consents {
                try db.execute(sql: """
                    INSERT INTO consent (userid, external_userid, agreed, changed_at) VALUES (?, ?, ?, ?)
                    ON CONFLICT (userid, external_userid) DO UPDATE SET agreed = excluded.agreed, changed_at = excluded.changed_at
                    """, arguments: [consent.userID, consent.externalUserID, consent.agreed, consent.changedAt?.milliseconds])
            }
        }
    }

    public func roomIDs() async throws -> [String] {
        try await pool.read { db in
            try String.fetchAll(db, sql: "SELECT DISTINCT roomid FROM conversation WHERE roomid IS NOT NULL ORDER BY roomid")
        }
    }

    /// The display name of a party, when the directory knows it.
    public func partyName(_ id: PartyID) async throws -> String? {
        try await pool.read { db in
            try String.fetchOne(db, sql: "SELECT name FROM party WHERE id = ?", arguments: [id.rawValue])
        }
    }
}

private func jsonText(_ value: [String]) throws -> String { String(decoding: try JSONEncoder().encode(value), as: UTF8.self) }
private func jsonText(_ value: [Int64]) throws -> String { String(decoding: try JSONEncoder().encode(value), as: UTF8.self) }

extension SQLiteArchiveStore {
    /// Every employee's departments with all their ancestors (for rules scoped to departments).
    public func employeeDepartments() async throws -> [String: Set<Int64>] {
        try await pool.read { db in
            var parent: [Int64: Int64] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT id, parent_id FROM department") {
                if let parentID: Int64 = row["parent_id"] { parent[row["id"]] = parentID }
            }
            var result: [String: Set<Int64>] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT id, department_ids FROM party WHERE kind = 'employee'") {
                let ids = (try? JSONDecoder().decode([Int64].self, from: Data((row["department_ids"] as String).utf8))) ?? []
                var all = Set<Int64>()
                for id in ids {
                    var current: Int64? = id
                    while let department = current, all.insert(department).inserted { current = parent[department] }
                }
                result[row["id"]] = all
            }
            return result
        }
    }
}
