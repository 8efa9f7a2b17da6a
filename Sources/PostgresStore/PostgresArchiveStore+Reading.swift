import ArchiveModel
import ArchiveStore
import Foundation
import Ledger
import NIOCore
import PostgresNIO

extension PostgresArchiveStore {
    /// The `message` columns ``storedMessage(_:)`` reads, in its order.
    static let messageColumns = """
        m.msgid, m.seq, m.action, m.sender, m.tolist, m.roomid, m.conversation, m.msgtime, m.msgtype, m.text, m.body,
        m.recalled_by, m.archived_at, m.leaf_index
        """

    func storedMessage(_ row: PostgresRow) throws -> StoredMessage {
        let columns = row.makeRandomAccess()
        let msgid = try columns[0].decode(String.self)
        let body = try sealer.open(Array(buffer: try columns[10].decode(ByteBuffer.self)), context: SealContext.body(msgid))
        return try StoredMessage(
            raw: body, seq: UInt64(try columns[1].decode(Int64.self)),
            searchableText: String(decoding: try sealer.open(Array(buffer: try columns[9].decode(ByteBuffer.self)),
                                                             context: SealContext.text(msgid)), as: UTF8.self),
            recalledBy: try columns[11].decode(String?.self).map { MessageID($0) },
            archivedAt: WeComTime(milliseconds: try columns[12].decode(Int64.self)),
            leafIndex: UInt64(try columns[13].decode(Int64.self)))
    }

    func storedMessages(_ query: PostgresQuery, _ connection: PostgresConnection) async throws -> [StoredMessage] {
        var messages: [StoredMessage] = []
        for try await row in try await connection.query(query, logger: logger) { messages.append(try storedMessage(row)) }
        return messages
    }

    public func message(id: MessageID) async throws -> StoredMessage? {
        try await connection { connection in
            // The key table gives the month, so only one partition is read.
            if let found = try await storedMessages(PostgresQuery(unsafeSQL: """
                SELECT \(Self.messageColumns) FROM message_key k JOIN message m ON m.msgid = k.msgid AND m.msgtime = k.msgtime
                WHERE k.msgid = $1
                """, binds: binds(id.rawValue)), connection).first {
                return found
            }
            // A row whose msgtime was edited is no longer where its key says; it is still shown, as its JSON says
            // (`verify` names the edit).
            return try await storedMessages(PostgresQuery(unsafeSQL: """
                SELECT \(Self.messageColumns) FROM message m WHERE m.msgid = $1 LIMIT 1
                """, binds: binds(id.rawValue)), connection).first
        }
    }

    public func stats() async throws -> ArchiveStats {
        try await transaction { connection in
            func count(_ sql: String) async throws -> Int {
                Int(try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger).decode(Int64.self).first { _ in true } ?? 0)
            }
            var byType: [String: Int] = [:]
            for try await (type, n) in try await connection.query("SELECT msgtype, count(*) FROM message GROUP BY msgtype", logger: logger)
                .decode((String, Int64).self) { byType[type] = Int(n) }
            var cursors: [String: UInt64] = [:]
            for try await (source, seq) in try await connection.query("SELECT source, seq FROM source_cursor", logger: logger)
                .decode((String, Int64).self) { cursors[source] = UInt64(seq) }
            let range = try await connection.query("SELECT min(msgtime), max(msgtime) FROM message_key", logger: logger)
                .decode((Int64?, Int64?).self).first { _ in true }
            return ArchiveStats(
                messages: try await count("SELECT count(*) FROM message_key"),
                quarantined: try await count("SELECT count(*) FROM quarantine WHERE resolved_at IS NULL"),
                conversations: try await count("SELECT count(*) FROM conversation"),
                media: try await count("SELECT count(*) FROM media"),
                mediaPending: try await count("SELECT count(*) FROM message_media WHERE status IN ('pending', 'failed')"),
                mediaFailed: try await count("SELECT count(*) FROM message_media WHERE status IN ('failed', 'gone')"),
                seqGaps: try await count("SELECT count(*) FROM seq_gap"),
                // A recall counts once its target is stored, as `recalled_by` does; the recall table spares a scan of every partition.
                recalled: try await count("SELECT count(*) FROM recall r JOIN message_key k ON k.msgid = r.target"),
                firstMessageTime: range?.0.map(WeComTime.init(milliseconds:)),
                lastMessageTime: range?.1.map(WeComTime.init(milliseconds:)),
                byMsgtype: byType, cursors: cursors)
        }
    }

    /// Refreshes the planner's statistics (token frequencies above all) after a bulk load; autovacuum does the same
    /// on its own schedule.
    public func analyze() async throws {
        _ = try await connection { connection in try await connection.query("ANALYZE", logger: logger) }
    }

    /// Bytes the archive's database takes on disk (tables, indexes, TOAST), for sizing.
    public func databaseBytes() async throws -> Int64 {
        try await connection { connection in
            try await connection.query("SELECT pg_database_size(current_database())", logger: logger).decode(Int64.self).first { _ in true } ?? 0
        }
    }

    /// Seq gaps detected so far, oldest first.
    public func seqGaps(source: String) async throws -> [SeqGap] {
        try await connection { connection in
            var gaps: [SeqGap] = []
            for try await (after, before) in try await connection.query("""
                SELECT after_seq, before_seq FROM seq_gap WHERE source = \(source) ORDER BY after_seq
                """, logger: logger).decode((Int64, Int64).self) { gaps.append(SeqGap(after: UInt64(after), before: UInt64(before))) }
            return gaps
        }
    }

    // MARK: - quarantine

    public func quarantine(includeResolved: Bool, limit: Int) async throws -> [QuarantineEntry] {
        try await connection { connection in
            var entries: [QuarantineEntry] = []
            let rows = try await connection.query(PostgresQuery(unsafeSQL: """
                SELECT id, source, seq, msgid, kind, reason_code, reason, payload, payload_sha256, first_seen, last_tried, attempts,
                       resolved_at
                FROM quarantine \(includeResolved ? "" : "WHERE resolved_at IS NULL") ORDER BY id LIMIT $1
                """, binds: binds(Int64(limit))), logger: logger)
            for try await row in rows {
                let c = row.makeRandomAccess()
                let digest = try c[8].decode(String.self)
                entries.append(QuarantineEntry(
                    id: try c[0].decode(Int64.self), source: try c[1].decode(String.self), seq: try c[2].decode(Int64?.self).map { UInt64($0) },
                    msgid: try c[3].decode(String?.self), kind: QuarantinePayloadKind(rawValue: try c[4].decode(String.self)) ?? .envelope,
                    reasonCode: try c[5].decode(String.self), reason: try c[6].decode(String.self),
                    payload: try sealer.open(Array(buffer: try c[7].decode(ByteBuffer.self)), context: SealContext.quarantine(digest)),
                    firstSeen: WeComTime(milliseconds: try c[9].decode(Int64.self)),
                    lastTried: WeComTime(milliseconds: try c[10].decode(Int64.self)), attempts: Int(try c[11].decode(Int32.self)),
                    resolvedAt: try c[12].decode(Int64?.self).map(WeComTime.init(milliseconds:))))
            }
            return entries
        }
    }

    public func resolveQuarantine(_ resolved: [QuarantineResolution], retriedAgain failures: [QuarantineFailure]) async throws {
        let now = clock().milliseconds
        let prepared = try prepare(resolved.map(\.message))
        let months = try await transaction { connection in
            let (_, _, months) = try await insert(prepared, archivedAt: now, insights: [:], connection)
            for resolution in resolved {
                try await connection.query("UPDATE quarantine SET resolved_at = \(now), last_tried = \(now) WHERE id = \(resolution.entryID)",
                                           logger: logger)
            }
            for failure in failures {
                let digest = FolderBlobStore.sha256Hex(failure.payload)
                let source = try await connection.query("SELECT source FROM quarantine WHERE payload_sha256 = \(digest) LIMIT 1",
                                                        logger: logger).decode(String.self).first { _ in true } ?? "retry"
                try await quarantine(failure, source: source, now: now, connection)
            }
            return months
        }
        months.forEach { partitions.insert($0.tableName) }
    }

    // MARK: - media

    /// Attachments waiting for a fetch whose attempt is due now (never tried, or their backoff has run out), fewest
    /// attempts first. A failed attachment is never dropped for its number of attempts: ``MediaRetryPolicy`` decides.
    public func pendingMedia(limit: Int) async throws -> [PendingMedia] {
        let now = clock().milliseconds
        return try await connection { connection in
            var pending: [PendingMedia] = []
            for try await (msgid, fileID, md5, size, attempts) in try await connection.query("""
                SELECT msgid, sdkfileid, md5, expected_size, attempts FROM message_media
                WHERE status IN ('pending', 'failed') AND (next_attempt_at IS NULL OR next_attempt_at <= \(now))
                ORDER BY attempts, id LIMIT \(Int64(limit))
                """, logger: logger).decode((String, String, String?, Int64?, Int32).self) {
                pending.append(PendingMedia(messageID: MessageID(msgid), reference: MediaReference(sdkFileID: fileID, md5: md5, size: size),
                                            attempts: Int(attempts)))
            }
            return pending
        }
    }

    /// Records an attempt: a stored blob joins the ledger; a failure is rescheduled or given up as the outcome's
    /// ``MediaOutcome/retry`` policy says, by this store's clock and the message's `msgtime`.
    public func recordMedia(_ outcome: MediaOutcome) async throws {
        let now = clock()
        try await transaction { connection in
            let current = try await connection.query("""
                SELECT mm.attempts, k.msgtime FROM message_media mm LEFT JOIN message_key k ON k.msgid = mm.msgid
                WHERE mm.msgid = \(outcome.messageID.rawValue) AND mm.sdkfileid = \(outcome.sdkFileID) FOR UPDATE OF mm
                """, logger: logger).decode((Int32, Int64?).self).first { _ in true }
            guard let (attempts, msgtime) = current else { return }
            let update = outcome.retry.update(for: outcome, attempts: Int(attempts) + 1,
                                              messageTime: msgtime.map(WeComTime.init(milliseconds:)), now: now)
            var leafIndex: Int64?
            if update.status == .stored, let sha = outcome.sha256, let digest = MerkleHash(hex: sha) {
                try await connection.query("""
                    INSERT INTO media (sha256, size, stored_at) VALUES (\(sha), \(outcome.size ?? 0), \(now.milliseconds)) ON CONFLICT DO NOTHING
                    """, logger: logger)
                // The attachment joins the ledger in the same transaction that records it.
                var ledger = try await PostgresLedgerAppender.begin(connection, logger: logger)
                leafIndex = Int64(ledger.append(
                    kind: "media", ref: "\(outcome.messageID.rawValue)\n\(outcome.sdkFileID)",
                    leaf: LeafEncoding.media(msgid: outcome.messageID.rawValue, sdkFileID: outcome.sdkFileID, sha256: digest.bytes,
                                             size: UInt64(outcome.size ?? 0))))
                try await ledger.flush(connection, logger: logger)
            }
            try await connection.query("""
                UPDATE message_media SET status = \(update.status.rawValue), sha256 = \(outcome.sha256), error = \(update.error),
                                         attempts = attempts + 1, leaf_index = \(leafIndex), next_attempt_at = \(update.nextAttemptAt?.milliseconds)
                WHERE msgid = \(outcome.messageID.rawValue) AND sdkfileid = \(outcome.sdkFileID)
                """, logger: logger)
        }
    }

    public func mediaBacklog() async throws -> MediaBacklog {
        let now = clock().milliseconds
        return try await connection { connection in
            let row = try await connection.query("""
                SELECT count(*) FILTER (WHERE status IN ('pending', 'failed')),
                       count(*) FILTER (WHERE status IN ('pending', 'failed') AND (next_attempt_at IS NULL OR next_attempt_at <= \(now))),
                       count(*) FILTER (WHERE status = 'failed'),
                       count(*) FILTER (WHERE status = 'gone'),
                       count(*) FILTER (WHERE status = 'stored'),
                       min(next_attempt_at) FILTER (WHERE status IN ('pending', 'failed') AND next_attempt_at > \(now))
                FROM message_media
                """, logger: logger).decode((Int64, Int64, Int64, Int64, Int64, Int64?).self).first { _ in true }
            guard let (pending, due, retrying, failed, stored, next) = row else {
                return MediaBacklog(pending: 0, due: 0, retrying: 0, failed: 0, stored: 0, nextAttemptAt: nil)
            }
            return MediaBacklog(pending: Int(pending), due: Int(due), retrying: Int(retrying), failed: Int(failed), stored: Int(stored),
                                nextAttemptAt: next.map(WeComTime.init(milliseconds:)))
        }
    }

    public func unstoredMedia(limit: Int) async throws -> [MediaEntry] {
        try await connection { connection in
            var entries: [MediaEntry] = []
            for try await (msgid, fileID, status, attempts, next, error) in try await connection.query("""
                SELECT msgid, sdkfileid, status, attempts, next_attempt_at, error FROM message_media
                WHERE status <> 'stored'
                ORDER BY CASE status WHEN 'gone' THEN 0 WHEN 'failed' THEN 1 ELSE 2 END, id LIMIT \(Int64(limit))
                """, logger: logger).decode((String, String, String, Int32, Int64?, String?).self) {
                guard let state = MediaEntry.state(ofStatus: status) else { continue }
                entries.append(MediaEntry(messageID: MessageID(msgid), sdkFileID: fileID, state: state, attempts: Int(attempts),
                                          nextAttemptAt: next.map(WeComTime.init(milliseconds:)), error: error))
            }
            return entries
        }
    }

    public func retryMedia(includingFailed: Bool) async throws -> Int {
        try await transaction { connection in
            let count = try await connection.query("""
                WITH retried AS (
                    UPDATE message_media SET next_attempt_at = NULL,
                                             status = CASE WHEN status = 'gone' THEN 'pending' ELSE status END
                    WHERE status IN ('pending', 'failed') OR (\(includingFailed) AND status = 'gone')
                    RETURNING 1
                )
                SELECT count(*) FROM retried
                """, logger: logger).decode(Int64.self).first { _ in true }
            return Int(count ?? 0)
        }
    }

    /// The blob hashes of a message's attachments, in the order they were fetched.
    public func mediaHashes(of id: MessageID) async throws -> [String] {
        try await connection { connection in
            var hashes: [String] = []
            for try await sha in try await connection.query("""
                SELECT sha256 FROM message_media WHERE msgid = \(id.rawValue) AND sha256 IS NOT NULL ORDER BY id
                """, logger: logger).decode(String.self) { hashes.append(sha) }
            return hashes
        }
    }

    public func mediaHashes(of ids: [MessageID]) async throws -> [MessageID: [String]] {
        guard !ids.isEmpty else { return [:] }
        return try await connection { connection in
            var hashes: [MessageID: [String]] = [:]
            for try await (msgid, sha) in try await connection.query("""
                SELECT msgid, sha256 FROM message_media WHERE msgid = ANY(\(ids.map(\.rawValue))::text[]) AND sha256 IS NOT NULL ORDER BY id
                """, logger: logger).decode((String, String).self) { hashes[MessageID(rawValue: msgid), default: []].append(sha) }
            return hashes
        }
    }

    // MARK: - directory

    public func saveDirectory(_ directory: DirectorySnapshot) async throws {
        try await transaction { connection in
            for department in directory.departments {
                try await connection.query("""
                    INSERT INTO department (id, name, parent_id, leaders) VALUES (\(department.id), \(department.name), \(department.parentID),
                                                                               \(department.leaders))
                    ON CONFLICT (id) DO UPDATE SET name = excluded.name, parent_id = excluded.parent_id, leaders = excluded.leaders
                    """, logger: logger)
            }
            for party in directory.parties {
                try await connection.query("""
                    INSERT INTO party (id, kind, name, department_ids, corp_name, status)
                    VALUES (\(party.id), \(party.kind.rawValue), \(party.name), \(party.departmentIDs), \(party.corpName),
                            \(party.status.map { Int32($0) }))
                    ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, name = excluded.name, department_ids = excluded.department_ids,
                                                   corp_name = excluded.corp_name, status = excluded.status
                    """, logger: logger)
            }
            for room in directory.rooms {
                try await connection.query("""
                    INSERT INTO room (id, name, creator, members) VALUES (\(room.id), \(room.name), \(room.creator), \(room.members))
                    ON CONFLICT (id) DO UPDATE SET name = excluded.name, creator = excluded.creator, members = excluded.members
                    """, logger: logger)
            }
            for consent in directory.consents {
                try await connection.query("""
                    INSERT INTO consent (userid, external_userid, agreed, changed_at)
                    VALUES (\(consent.userID), \(consent.externalUserID), \(consent.agreed), \(consent.changedAt?.milliseconds))
                    ON CONFLICT (userid, external_userid) DO UPDATE SET agreed = excluded.agreed, changed_at = excluded.changed_at
                    """, logger: logger)
            }
        }
    }

    public func roomIDs() async throws -> [String] {
        try await connection { connection in
            var ids: [String] = []
            for try await id in try await connection.query("""
                SELECT DISTINCT roomid FROM conversation WHERE roomid IS NOT NULL ORDER BY roomid
                """, logger: logger).decode(String.self) { ids.append(id) }
            return ids
        }
    }

    /// The display name of a party, when the directory knows it.
    public func partyName(_ id: PartyID) async throws -> String? {
        try await connection { connection in
            try await connection.query("SELECT name FROM party WHERE id = \(id.rawValue)", logger: logger).decode(String.self).first { _ in true }
        }
    }
}

/// Bind values for a query whose SQL is built at run time.
func binds(_ values: any PostgresThrowingDynamicTypeEncodable...) throws -> PostgresBindings {
    var bindings = PostgresBindings()
    for value in values { try bindings.append(value) }
    return bindings
}
