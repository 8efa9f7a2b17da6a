import ArchiveModel
import ArchiveStore
import Decisions
import Foundation
import Ledger
import Logging
import NIOCore
import PostgresNIO

/// A message with everything that does not need the database already computed: sealed columns and tokens.
struct PreparedMessage: Sendable {
    var message: ChatMessage
    var columns: MessageColumns
    var body: ByteBuffer
    var text: ByteBuffer
    var tokens: String

    init(_ message: ChatMessage, sealer: Sealer, hasher: SearchTokenHasher) throws {
        self.message = message
        columns = MessageColumns(message)
        let id = message.id.rawValue
        body = ByteBuffer(bytes: try sealer.seal(message.raw, context: SealContext.body(id)))
        text = ByteBuffer(bytes: try sealer.seal(Array(columns.searchableText.utf8), context: SealContext.text(id)))
        tokens = SearchVector.document(text: columns.searchableText, participants: SearchParticipants(message), hasher: hasher)
    }
}

extension PostgresArchiveStore {
    public func cursor(source: String) async throws -> UInt64 {
        try await connection { connection in
            try await connection.query("SELECT seq FROM source_cursor WHERE source = \(source)", logger: logger)
                .decode(Int64.self).first { _ in true }.map { UInt64($0) } ?? 0
        }
    }

    public func commit(_ batch: IngestBatch) async throws -> CommitSummary {
        let now = clock().milliseconds
        let prepared = try prepare(batch.messages)
        let (summary, months) = try await transaction { connection in
            try await fence.check(connection, logger: logger)
            var summary = CommitSummary()
            let months: Set<PartitionMonth>
            (summary.inserted, summary.duplicates, months) = try await insert(prepared, archivedAt: now, insights: batch.insights, connection)
            if !batch.riskHits.isEmpty {
                try await PostgresAlertWriter.record(batch.riskHits, of: batch.messages, policyVersion: batch.policyVersion,
                                                     channels: batch.alertChannels, now: now, connection: connection, logger: logger)
            }
            for failure in batch.quarantined {
                try await quarantine(failure, source: batch.source, now: now, connection)
                summary.quarantined += 1
            }
            for gap in batch.gaps {
                try await connection.query("""
                    INSERT INTO seq_gap (source, after_seq, before_seq, detected_at)
                    VALUES (\(batch.source), \(Int64(gap.after)), \(Int64(gap.before)), \(now)) ON CONFLICT DO NOTHING
                    """, logger: logger)
            }
            if let cursor = batch.cursor {
                try await connection.query("""
                    INSERT INTO source_cursor (source, seq, updated_at) VALUES (\(batch.source), \(Int64(cursor)), \(now))
                    ON CONFLICT (source) DO UPDATE SET seq = greatest(source_cursor.seq, excluded.seq), updated_at = excluded.updated_at
                    """, logger: logger)
            }
            return (summary, months)
        }
        months.forEach { partitions.insert($0.tableName) }
        return summary
    }

    /// Seals and tokenizes on every core before the transaction opens, so the ledger lock is held briefly.
    func prepare(_ messages: [ChatMessage]) throws -> [PreparedMessage] {
        let sealer = self.sealer
        let hasher = tokenHasher
        return try ConcurrentSlots<Result<PreparedMessage, any Error>>.map(messages.count) { index in
            Result { try PreparedMessage(messages[index], sealer: sealer, hasher: hasher) }
        }.map { try $0.get() }
    }

    /// Inserts messages whose msgid is not stored yet, with their ledger leaves, attachments, recalls, consents and
    /// conversation counters: a fixed number of statements per batch, whatever its size.
    func insert(_ prepared: [PreparedMessage], archivedAt now: Int64, insights: [MessageID: MessageInsight],
                _ connection: PostgresConnection) async throws -> (inserted: Int, duplicates: Int, months: Set<PartitionMonth>) {
        let ids = prepared.map(\.message.id.rawValue)
        var stored = Set<String>()
        for try await id in try await connection.query("SELECT msgid FROM message_key WHERE msgid = ANY(\(ids)::text[])", logger: logger)
            .decode(String.self) { stored.insert(id) }
        let fresh = prepared.filter { stored.insert($0.message.id.rawValue).inserted }
        guard !fresh.isEmpty else { return (0, prepared.count, []) }
        let newMessages = fresh.map(\.message)
        // `recall` keeps the first revoke archived for each target: the stored revokes in archive order.
        var storedRevokes: [RecallLink] = []
        for try await (target, revoke) in try await connection.query("""
            SELECT target, revoke FROM recall WHERE target = ANY(\(newMessages.map(\.id.rawValue))::text[])
            """, logger: logger).decode((String, String).self) {
            storedRevokes.append(RecallLink(target: MessageID(rawValue: target), revoke: MessageID(rawValue: revoke)))
        }
        let links = RecallLinking.links(newMessages: newMessages, storedRevokes: storedRevokes)

        let rooms = Set(newMessages.compactMap { $0.room?.rawValue })
        var owners: [RoomID: PartyID] = [:]
        if !rooms.isEmpty {
            for try await (room, creator) in try await connection.query("SELECT id, creator FROM room WHERE id = ANY(\(rooms.sorted())::text[])",
                                                                        logger: logger).decode((String, String?).self) {
                if let creator { owners[RoomID(rawValue: room)] = PartyID(rawValue: creator) }
            }
        }
        var aggregates = InsightAggregator()
        var ledger = try await PostgresLedgerAppender.begin(connection, logger: logger)
        var rows = MessageInsertColumns()
        var media = MediaColumns()
        var conversations: [String: ConversationDelta] = [:]
        var months = Set<PartitionMonth>()
        for item in fresh {
            let message = item.message
            let leaf = ledger.append(kind: "message", ref: message.id.rawValue,
                                     leaf: LeafEncoding.message(seq: message.seq, msgid: message.id.rawValue, raw: message.raw))
            rows.append(item, leafIndex: Int64(leaf), recalledBy: links.recalledBy[message.id]?.rawValue, archivedAt: now)
            months.insert(PartitionMonth(milliseconds: message.time.milliseconds))
            let owner = message.room.flatMap { owners[$0] }
            aggregates.add(message, employee: ResponsibleEmployee.of(message, roomOwner: owner)?.rawValue ?? "", insight: insights[message.id])
            if let conversation = message.conversation {
                conversations[conversation.rawValue, default: ConversationDelta(message)].add(message)
            }
            for reference in message.content.mediaReferences where !reference.sdkFileID.isEmpty {
                media.append(msgid: message.id.rawValue, reference)
            }
        }
        try await createPartitions(months, connection)
        try await rows.insert(connection, logger: logger)
        try await ledger.flush(connection, logger: logger)
        try await media.insert(connection, logger: logger)
        if !links.storedTargets.isEmpty {
            // The key gives each target's month, so each update reads one partition; a link once made stays.
            try await connection.query("""
                UPDATE message SET recalled_by = r.by
                FROM unnest(\(links.storedTargets.map(\.target.rawValue))::text[], \(links.storedTargets.map(\.revoke.rawValue))::text[])
                    AS r(target, by)
                JOIN message_key k ON k.msgid = r.target
                WHERE message.msgid = k.msgid AND message.msgtime = k.msgtime AND message.recalled_by IS NULL
                """, logger: logger)
        }
        // One upsert may not touch a row twice: the batch's standing record per pair, then the stored one's WHERE is
        // ``ConsentPrecedence/replaces(_:from:stored:)`` for a message, executed against the stored row.
        let consents = ConsentPrecedence.standing(newMessages.compactMap(ConsentRecord.init), from: .message)
        if !consents.isEmpty {
            try await connection.query("""
                INSERT INTO consent (userid, external_userid, agreed, changed_at)
                SELECT * FROM unnest(\(consents.map(\.employee.rawValue))::text[], \(consents.map(\.customer.rawValue))::text[],
                                     \(consents.map(\.agreed))::boolean[], \(consents.map { $0.changedAt?.milliseconds ?? 0 })::bigint[])
                ON CONFLICT (userid, external_userid) DO UPDATE SET agreed = excluded.agreed, changed_at = excluded.changed_at
                WHERE coalesce(consent.changed_at, 0) <= coalesce(excluded.changed_at, 0)
                """, logger: logger)
        }
        try await upsert(conversations, connection)
        let parties = ConversationParticipants.rows(of: newMessages)
        if !parties.isEmpty {
            try await connection.query("""
                INSERT INTO conversation_party (conversation, party)
                SELECT * FROM unnest(\(parties.map(\.conversation.rawValue))::text[], \(parties.map(\.party.rawValue))::text[])
                ON CONFLICT DO NOTHING
                """, logger: logger)
        }
        try await PostgresAggregates.markDirty(Array(conversations.keys), connection, logger: logger)
        try await PostgresAggregates.write(aggregates, connection, logger: logger)
        return (rows.leafIndex.count, prepared.count - rows.leafIndex.count, months)
    }

    private func upsert(_ conversations: [String: ConversationDelta], _ connection: PostgresConnection) async throws {
        guard !conversations.isEmpty else { return }
        let ids = Array(conversations.keys)
        let deltas = ids.map { conversations[$0]! }
        try await connection.query("""
            INSERT INTO conversation (id, roomid, party_a, party_b, first_msgtime, last_msgtime, message_count)
            SELECT id, nullif(roomid, ''), nullif(party_a, ''), nullif(party_b, ''), first, last, count
            FROM unnest(\(ids)::text[], \(deltas.map { $0.room ?? "" })::text[], \(deltas.map { $0.partyA ?? "" })::text[],
                        \(deltas.map { $0.partyB ?? "" })::text[], \(deltas.map(\.first))::bigint[], \(deltas.map(\.last))::bigint[],
                        \(deltas.map { Int64($0.count) })::bigint[]) AS d(id, roomid, party_a, party_b, first, last, count)
            ON CONFLICT (id) DO UPDATE SET
                first_msgtime = least(conversation.first_msgtime, excluded.first_msgtime),
                last_msgtime = greatest(conversation.last_msgtime, excluded.last_msgtime),
                message_count = conversation.message_count + excluded.message_count
            """, logger: logger)
    }

    /// Creates the month partitions a batch needs (inside its transaction: a rolled-back batch leaves none behind).
    private func createPartitions(_ months: Set<PartitionMonth>, _ connection: PostgresConnection) async throws {
        for month in months where !partitions.contains(month.tableName) { try await month.create(connection, logger: logger) }
    }

    func quarantine(_ failure: QuarantineFailure, source: String, now: Int64, _ connection: PostgresConnection) async throws {
        let digest = FolderBlobStore.sha256Hex(failure.payload)
        let sealed = ByteBuffer(bytes: try sealer.seal(failure.payload, context: SealContext.quarantine(digest)))
        try await connection.query("""
            INSERT INTO quarantine (source, seq, msgid, kind, reason_code, reason, payload, payload_sha256, first_seen, last_tried)
            VALUES (\(source), \(failure.seq.map { Int64($0) }), \(failure.msgid), \(failure.kind.rawValue), \(failure.reasonCode),
                    \(failure.reason), \(sealed), \(digest), \(now), \(now))
            ON CONFLICT (source, payload_sha256) DO UPDATE SET
                reason_code = excluded.reason_code, reason = excluded.reason, last_tried = excluded.last_tried,
                attempts = quarantine.attempts + 1, resolved_at = NULL
            """, logger: logger)
    }
}

/// The month partition of `message` a message time falls in (UTC).
package struct PartitionMonth: Hashable, Sendable {
    var year: Int
    var month: Int

    package init(milliseconds: Int64) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month], from: Date(timeIntervalSince1970: Double(milliseconds) / 1000))
        year = parts.year!
        month = parts.month!
    }

    var tableName: String { String(format: "message_y%04dm%02d", year, month) }

    package func create(_ connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query(PostgresQuery(unsafeSQL: """
            CREATE TABLE IF NOT EXISTS \(tableName) PARTITION OF message FOR VALUES FROM (\(start)) TO (\(end))
            """), logger: logger)
    }
    var start: Int64 { Self.milliseconds(year: year, month: month) }
    var end: Int64 { month == 12 ? Self.milliseconds(year: year + 1, month: 1) : Self.milliseconds(year: year, month: month + 1) }

    private static func milliseconds(year: Int, month: Int) -> Int64 {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let date = calendar.date(from: DateComponents(year: year, month: month, day: 1))!
        return Int64(date.timeIntervalSince1970 * 1000)
    }
}

/// The columns of new `message` rows, written with one `unnest` insert.
package struct MessageInsertColumns {
    package init() {}
    var leafIndex: [Int64] = []
    var msgid: [String] = []
    var seq: [Int64] = []
    var action: [String] = []
    var sender: [String] = []
    /// Recipients as a JSON array: unnest cannot take an array of arrays.
    var tolist: [String] = []
    var roomid: [String] = []
    var conversation: [String] = []
    var msgtime: [Int64] = []
    var msgtype: [String] = []
    var body: [ByteBuffer] = []
    var text: [ByteBuffer] = []
    var recallTarget: [String] = []
    var recalledBy: [String] = []
    var archivedAt: [Int64] = []
    var fileExt: [String] = []
    var hasMedia: [Bool] = []
    var tokens: [String] = []

    mutating func append(_ item: PreparedMessage, leafIndex: Int64, recalledBy by: String?, archivedAt now: Int64) {
        let message = item.message
        let columns = item.columns
        append(leafIndex: leafIndex, msgid: message.id.rawValue, seq: Int64(message.seq), action: columns.action,
               sender: columns.sender, tolistJSON: JSONText.array(columns.recipients), roomid: columns.room,
               conversation: columns.conversation, msgtime: columns.msgtime, msgtype: columns.msgtype, body: item.body,
               text: item.text, recallTarget: columns.recallTarget, recalledBy: by, archivedAt: now,
               fileExt: columns.fileExtension, hasMedia: columns.hasMedia, tokens: item.tokens)
    }

    /// One row as stored: sealed columns as they are (a migration copies them without re-sealing).
    package mutating func append(leafIndex: Int64, msgid: String, seq: Int64, action: String, sender: String, tolistJSON: String,
                         roomid: String?, conversation: String?, msgtime: Int64, msgtype: String, body: ByteBuffer, text: ByteBuffer,
                         recallTarget: String?, recalledBy: String?, archivedAt: Int64, fileExt: String?, hasMedia: Bool, tokens: String) {
        self.leafIndex.append(leafIndex)
        self.msgid.append(msgid)
        self.seq.append(seq)
        self.action.append(action)
        self.sender.append(sender)
        tolist.append(tolistJSON)
        self.roomid.append(roomid ?? "")
        self.conversation.append(conversation ?? "")
        self.msgtime.append(msgtime)
        self.msgtype.append(msgtype)
        self.body.append(body)
        self.text.append(text)
        self.recallTarget.append(recallTarget ?? "")
        self.recalledBy.append(recalledBy ?? "")
        self.archivedAt.append(archivedAt)
        self.fileExt.append(fileExt ?? "")
        self.hasMedia.append(hasMedia)
        self.tokens.append(tokens)
    }

    package func insert(_ connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query("""
            INSERT INTO message_key (msgid, msgtime, leaf_index)
            SELECT * FROM unnest(\(msgid)::text[], \(msgtime)::bigint[], \(leafIndex)::bigint[])
            """, logger: logger)
        try await connection.query("""
            INSERT INTO message (leaf_index, msgid, seq, action, sender, tolist, roomid, conversation, msgtime, msgtype, body, text,
                                 recall_target, recalled_by, archived_at, file_ext, has_media, tokens)
            SELECT leaf_index, msgid, seq, action, sender, ARRAY(SELECT json_array_elements_text(tolist::json)),
                   nullif(roomid, ''), nullif(conversation, ''), msgtime, msgtype, body, text,
                   nullif(recall_target, ''), nullif(recalled_by, ''), archived_at, nullif(file_ext, ''), has_media, tokens::tsvector
            FROM unnest(\(leafIndex)::bigint[], \(msgid)::text[], \(seq)::bigint[], \(action)::text[], \(sender)::text[],
                        \(tolist)::text[], \(roomid)::text[], \(conversation)::text[], \(msgtime)::bigint[], \(msgtype)::text[],
                        \(body)::bytea[], \(text)::bytea[], \(recallTarget)::text[], \(recalledBy)::text[], \(archivedAt)::bigint[],
                        \(fileExt)::text[], \(hasMedia)::boolean[], \(tokens)::text[])
                AS m(leaf_index, msgid, seq, action, sender, tolist, roomid, conversation, msgtime, msgtype, body, text,
                     recall_target, recalled_by, archived_at, file_ext, has_media, tokens)
            """, logger: logger)
        try await connection.query("""
            INSERT INTO recall (target, revoke)
            SELECT target, revoke FROM unnest(\(recallTarget)::text[], \(msgid)::text[]) AS r(target, revoke) WHERE target <> ''
            ON CONFLICT DO NOTHING
            """, logger: logger)
    }
}

/// Attachment references of new messages.
struct MediaColumns {
    var msgid: [String] = []
    var sdkFileID: [String] = []
    var md5: [String] = []
    var size: [Int64] = []

    mutating func append(msgid id: String, _ reference: MediaReference) {
        msgid.append(id)
        sdkFileID.append(reference.sdkFileID)
        md5.append(reference.md5 ?? "")
        size.append(reference.size ?? -1)
    }

    func insert(_ connection: PostgresConnection, logger: Logger) async throws {
        guard !msgid.isEmpty else { return }
        try await connection.query("""
            INSERT INTO message_media (msgid, sdkfileid, md5, expected_size)
            SELECT msgid, sdkfileid, nullif(md5, ''), nullif(size, -1)
            FROM unnest(\(msgid)::text[], \(sdkFileID)::text[], \(md5)::text[], \(size)::bigint[]) AS x(msgid, sdkfileid, md5, size)
            ON CONFLICT DO NOTHING
            """, logger: logger)
    }
}
