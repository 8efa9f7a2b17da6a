import ArchiveModel
import ArchiveStore
import Decisions
import Logging
import PostgresNIO

extension PostgresArchiveStore: CaseStore {
    static let caseColumns = """
        c.id, c.name, c.description, c.created_by, c.created_at, c.held_since, c.held_by, c.release_requested_by,
        c.release_requested_at, (SELECT count(*) FROM case_message cm WHERE cm.case_id = c.id)
        """

    func fetchCases(_ where: String, _ binds: PostgresBindings, _ connection: PostgresConnection) async throws -> [EvidenceCase] {
        var found: [EvidenceCase] = []
        for try await row in try await connection.query(PostgresQuery(unsafeSQL: """
            SELECT \(Self.caseColumns) FROM evidence_case c \(`where`) ORDER BY c.created_at DESC, c.id
            """, binds: binds), logger: logger) {
            let (id, name, description, createdBy, createdAt, heldSince, heldBy, requestedBy, requestedAt, count) = try row.decode(
                (String, String, String, String, Int64, Int64?, String?, String?, Int64?, Int64).self)
            found.append(EvidenceCase(id: id, name: name, description: description, createdBy: createdBy, createdAt: createdAt,
                                      messages: Int(count), heldSince: heldSince, heldBy: heldBy, releaseRequestedBy: requestedBy,
                                      releaseRequestedAt: requestedAt))
        }
        return found
    }

    func requireCase(_ id: String, _ connection: PostgresConnection, locking: Bool = false) async throws -> EvidenceCase {
        if locking {
            try await connection.query("SELECT 1 FROM evidence_case WHERE id = \(id) FOR UPDATE", logger: logger)
        }
        guard let found = try await fetchCases("WHERE c.id = $1", try binds(id), connection).first else {
            throw StorageError("no case \(id); `chatledger case list` shows the cases", notFound: true)
        }
        return found
    }

    public func createCase(name: String, description: String, by actor: String) async throws -> EvidenceCase {
        let now = clock().milliseconds
        let id = EvidenceCaseID.make()
        return try await transaction { connection in
            try await connection.query("""
                INSERT INTO evidence_case (id, name, description, created_by, created_at) VALUES (\(id), \(name), \(description), \(actor), \(now))
                """, logger: logger)
            return try await requireCase(id, connection)
        }
    }

    public func cases() async throws -> [EvidenceCase] {
        try await connection { connection in try await fetchCases("", PostgresBindings(), connection) }
    }

    public func evidenceCase(id: String) async throws -> EvidenceCase? {
        try await connection { connection in try await fetchCases("WHERE c.id = $1", try binds(id), connection).first }
    }

    public func addToCase(_ id: String, messages: [MessageID], by actor: String) async throws -> Int {
        let now = clock().milliseconds
        let ids = Array(Set(messages.map(\.rawValue))).sorted()
        return try await transaction { connection in
            _ = try await requireCase(id, connection, locking: true)
            var known = Set<String>()
            for try await msgid in try await connection.query("""
                SELECT msgid FROM message_key WHERE msgid = ANY(\(ids)::text[])
                """, logger: logger).decode(String.self) { known.insert(msgid) }
            if let missing = ids.first(where: { !known.contains($0) }) {
                throw StorageError("no message \(missing) in this archive; nothing was added to case \(id)")
            }
            let added = try await connection.query("""
                INSERT INTO case_message (case_id, msgid, added_by, added_at)
                SELECT \(id), msgid, \(actor), \(now) FROM unnest(\(ids)::text[]) AS m(msgid)
                ON CONFLICT DO NOTHING RETURNING msgid
                """, logger: logger).decode(String.self)
            var count = 0
            for try await _ in added { count += 1 }
            return count
        }
    }

    public func caseMessageIDs(_ id: String) async throws -> [MessageID] {
        try await connection { connection in
            _ = try await requireCase(id, connection)
            var ids: [MessageID] = []
            for try await msgid in try await connection.query("""
                SELECT cm.msgid FROM case_message cm JOIN message_key k ON k.msgid = cm.msgid WHERE cm.case_id = \(id) ORDER BY k.leaf_index
                """, logger: logger).decode(String.self) { ids.append(MessageID(msgid)) }
            return ids
        }
    }

    public func holdCase(_ id: String, by actor: String) async throws -> EvidenceCase {
        let now = clock().milliseconds
        return try await transaction { connection in
            let found = try await requireCase(id, connection, locking: true)
            guard !found.held else { return found }
            try await connection.query("UPDATE evidence_case SET held_since = \(now), held_by = \(actor) WHERE id = \(id)", logger: logger)
            return try await requireCase(id, connection)
        }
    }

    public func releaseCase(_ id: String, by actor: String) async throws -> HoldRelease {
        let now = clock().milliseconds
        return try await transaction { connection in
            let found = try await requireCase(id, connection, locking: true)
            switch LegalHold.release(held: found.held, requestedBy: found.releaseRequestedBy, actor: actor) {
            case .refuse(let reason):
                throw StorageError(reason)
            case .request:
                try await connection.query("""
                    UPDATE evidence_case SET release_requested_by = \(actor), release_requested_at = \(now) WHERE id = \(id)
                    """, logger: logger)
                return .requested
            case .release(let requestedBy):
                try await connection.query("""
                    UPDATE evidence_case SET held_since = NULL, held_by = NULL, release_requested_by = NULL, release_requested_at = NULL
                    WHERE id = \(id)
                    """, logger: logger)
                return .released(requestedBy: requestedBy)
            }
        }
    }

    public func recordExport(_ export: CaseExport) async throws {
        try await connection { connection in
            _ = try await connection.query("""
                INSERT INTO case_export (case_id, exported_by, exported_at, manifest_sha256, messages, media, held)
                VALUES (\(export.caseID), \(export.exportedBy), \(export.exportedAt), \(export.manifestSHA256), \(Int64(export.messages)),
                        \(Int64(export.media)), \(export.held))
                """, logger: logger)
        }
    }

    public func caseExports(_ id: String) async throws -> [CaseExport] {
        try await connection { connection in
            var exports: [CaseExport] = []
            for try await (caseID, by, at, sha, messages, media, held) in try await connection.query("""
                SELECT case_id, exported_by, exported_at, manifest_sha256, messages, media, held FROM case_export
                WHERE case_id = \(id) ORDER BY id
                """, logger: logger).decode((String, String, Int64, String, Int64, Int64, Bool).self) {
                exports.append(CaseExport(caseID: caseID, exportedBy: by, exportedAt: at, manifestSHA256: sha, messages: Int(messages),
                                          media: Int(media), held: held))
            }
            return exports
        }
    }

    public func heldMessages(among messages: [MessageID]) async throws -> Set<MessageID> {
        try await connection { connection in
            var held = Set<MessageID>()
            for try await msgid in try await connection.query("""
                SELECT DISTINCT cm.msgid FROM case_message cm JOIN evidence_case c ON c.id = cm.case_id
                WHERE c.held_since IS NOT NULL AND cm.msgid = ANY(\(messages.map(\.rawValue))::text[])
                """, logger: logger).decode(String.self) { held.insert(MessageID(msgid)) }
            return held
        }
    }
}
