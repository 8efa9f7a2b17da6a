import ArchiveModel
import ArchiveStore
import NIOCore
import PostgresNIO

extension PostgresArchiveStore: PolicyStore {
    public func policyVersions() async throws -> [PolicyVersion] {
        try await connection { connection in
            var versions: [PolicyVersion] = []
            for try await (version, name, document, createdBy, createdAt, note) in try await connection.query("""
                SELECT version, name, document, created_by, created_at, note FROM policy ORDER BY version DESC
                """, logger: logger).decode((Int32, String, ByteBuffer, String, Int64, String?).self) {
                versions.append(PolicyVersion(version: Int(version), name: name, document: Array(buffer: document), createdBy: createdBy,
                                              createdAt: createdAt, note: note))
            }
            return versions
        }
    }

    public func addPolicy(name: String, document: [UInt8], createdBy: String, note: String?) async throws -> Int {
        let now = clock().milliseconds
        return try await transaction { connection in
            // Versions are numbered in order even when two administrators save at once.
            try await connection.query("LOCK TABLE policy IN EXCLUSIVE MODE", logger: logger)
            let version = try await connection.query("SELECT coalesce(max(version), 0) + 1 FROM policy", logger: logger)
                .decode(Int32.self).first { _ in true } ?? 1
            try await connection.query("""
                INSERT INTO policy (version, name, document, created_by, created_at, note)
                VALUES (\(version), \(name), \(ByteBuffer(bytes: document)), \(createdBy), \(now), \(note))
                """, logger: logger)
            return Int(version)
        }
    }
}

extension PostgresArchiveStore {
    /// Every employee's departments with all their ancestors (for rules scoped to departments).
    public func employeeDepartments() async throws -> [String: Set<Int64>] {
        try await connection { connection in
            var result: [String: Set<Int64>] = [:]
            for try await (employee, department) in try await connection.query("""
                WITH RECURSIVE up(employee, department) AS (
                    SELECT p.id, d FROM party p, unnest(p.department_ids) AS d WHERE p.kind = 'employee'
                    UNION
                    SELECT up.employee, dep.parent_id FROM up JOIN department dep ON dep.id = up.department WHERE dep.parent_id IS NOT NULL
                )
                SELECT employee, department FROM up
                """, logger: logger).decode((String, Int64).self) { result[employee, default: []].insert(department) }
            return result
        }
    }
}
