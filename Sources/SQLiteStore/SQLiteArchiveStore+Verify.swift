import ArchiveModel
import ArchiveStore
import Crypto
import Foundation
import GRDB
import GRDBSQLite
import Ledger

extension SQLiteArchiveStore {
    /// Re-derives the ledger from the stored records, checks every checkpoint and blob, and (unless `quick`) every
    /// column, index entry and counter that anything shows, filters or counts on.
    ///
    /// Every message body is unsealed and re-encoded as its leaf; the tree is rebuilt from those leaves (not from the
    /// stored hashes) and compared with every stored node and checkpoint root; every checkpoint signature and the
    /// consistency between consecutive checkpoints are checked; every blob is opened and hashed. Each message's
    /// derived columns are read again from its verified raw JSON and compared. Runs on one consistent snapshot.
    public func verify(publicKey: Curve25519.Signing.PublicKey, blobs: (any BlobStore)?, quick: Bool,
                       progress: @escaping @Sendable (Int, Int) -> Void) async throws -> VerifyReport {
        let sealer = self.sealer
        let digest = SearchIndexDigest(tokenHasher: tokenHasher)
        let started = Date()
        let report = try await pool.read { db in
            try LedgerVerification(db: db, sealer: sealer, digest: quick ? nil : digest, publicKey: publicKey, progress: progress).run()
        }
        let stored = blobs == nil ? [] : try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT msgid, sha256 FROM message_media WHERE status = 'stored' ORDER BY rowid")
                .map { (msgid: $0[0] as String, sha256: $0[1] as String) }
        }
        return await LedgerWalk.finish(report, storedBlobs: stored, blobs: blobs, started: started)
    }
}

/// One verification pass over a read transaction.
private struct LedgerVerification {
    let db: Database
    let sealer: Sealer
    /// `nil` in quick mode.
    let digest: SearchIndexDigest?
    let publicKey: Curve25519.Signing.PublicKey
    let progress: @Sendable (Int, Int) -> Void

    func run() throws -> VerifyReport {
        let total = try Int.fetchOne(db, sql: "SELECT count(*) FROM ledger_leaf") ?? 0
        let check = digest.map { digest in
            DerivedCheck { row, message, text in
                .digest(digest.expected(document: row.rowID ?? 0, text: text, participants: SearchParticipants(message)))
            }
        }
        var walk = LedgerWalk(checkpoints: try SQLiteArchiveStore.checkpoints(db: db), sealer: sealer, derivedCheck: check)
        var next: UInt64 = 0
        let node = try db.cachedStatement(sql: "SELECT hash FROM ledger_node WHERE level = ? AND idx = ?")
        while true {
            let rows = try page(after: next, limit: LedgerWalk.pageSize)
            if rows.isEmpty { break }
            let failure = try walk.check(rows) { level, index in
                try Data.fetchOne(node, arguments: [level, Int64(index)]).map(Array.init)
            }
            if let failure { return walk.report(failure: failure) }
            next = rows.last!.index + 1
            progress(walk.records, total)
        }
        if let orphan = try orphanMessage() {
            return walk.report(failure: VerifyFailure(kind: "message", ref: orphan, leafIndex: nil,
                                                      reason: "stored message is not in the ledger (added outside ChatLedger?)"))
        }
        if let orphan = try orphanMedia() {
            return walk.report(failure: VerifyFailure(kind: "media", ref: orphan, leafIndex: nil, reason: "stored attachment is not in the ledger"))
        }
        if let digest { try checkDerived(&walk, digest: digest) }
        return walk.report(failure: walk.checkCheckpoints(publicKey: publicKey) { try LedgerAppender.node(level: $0, index: $1, db: db) })
    }

    /// What the walk cannot see row by row: recall links, conversation counters and people, the search index.
    func checkDerived(_ walk: inout LedgerWalk, digest: SearchIndexDigest) throws {
        var recalls: [String: String?] = [:]
        for chunk in walk.recallTargets.chunks(of: 500) {
            for row in try Row.fetchAll(db, sql: "SELECT msgid, recalled_by FROM message WHERE msgid IN (\(SQLiteArchiveStore.placeholders(chunk.count)))",
                                        arguments: StatementArguments(chunk)) {
                recalls[row[0] as String] = .some(row[1] as String?)
            }
        }
        walk.checkRecalls(stored: recalls)

        let conversations = try Row.fetchAll(db, sql: """
            SELECT id, roomid, party_a, party_b, first_msgtime, last_msgtime, message_count FROM conversation
            """).map {
            StoredConversationCounters(id: $0[0], room: $0[1], partyA: $0[2], partyB: $0[3], first: $0[4], last: $0[5], count: $0[6])
        }
        var people: [String: Set<String>] = [:]
        let parties = try Row.fetchCursor(db, sql: "SELECT conversation, party FROM conversation_party")
        while let row = try parties.next() { people[row[0] as String, default: []].insert(row[1] as String) }
        walk.checkConversations(conversations, people: people)

        let cases = try Row.fetchAll(db, sql: "SELECT id, held_since IS NOT NULL FROM evidence_case").map { (id: $0[0] as String, held: $0[1] as Bool) }
        var members: [String: Set<String>] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT case_id, msgid FROM case_message") { members[row[0] as String, default: []].insert(row[1]) }
        walk.checkCases(stored: cases, members: members)

        try walk.checkIndex(actual: try indexDigests(digest)) { rowID in
            try String.fetchOne(db, sql: "SELECT msgid FROM message WHERE id = ?", arguments: [rowID])
        }
    }

    /// The digest of every entry the FTS5 index holds, per document, read through `fts5vocab` (one pass in index order).
    func indexDigests(_ digest: SearchIndexDigest) throws -> [Int64: UInt64] {
        try db.execute(sql: "CREATE VIRTUAL TABLE IF NOT EXISTS temp.message_fts_entries USING fts5vocab(main, message_fts, instance)")
        let statement = try db.makeStatement(sql: "SELECT term, doc, col, offset FROM temp.message_fts_entries")
        let handle = statement.sqliteStatement
        // Row ids are dense from 1: sums by position, not in a dictionary (this loop runs once per token of the archive);
        // a document id outside them (no message has it) goes to `stray`. An empty sum stands for "no entries".
        let highest = Int(try Int64.fetchOne(db, sql: "SELECT coalesce(max(id), 0) FROM message") ?? 0)
        var dense = [UInt64](repeating: 0, count: highest + 1)
        var stray: [Int64: UInt64] = [:]
        var lastTerm: [UInt8] = []
        var lastValue: UInt64?
        // Read with the C API: this loop runs once per token of the whole archive, and GRDB's rows cost more than
        // the digest itself. Rows come in term order, so a term is decoded once per run of its entries.
        while true {
            let step = sqlite3_step(handle)
            if step == SQLITE_DONE { break }
            guard step == SQLITE_ROW else { throw StorageError("reading the search index failed (SQLite code \(step))") }
            let length = Int(sqlite3_column_bytes(handle, 0))
            let term = UnsafeBufferPointer(start: sqlite3_column_text(handle, 0), count: length)
            if !term.elementsEqual(lastTerm) {
                lastTerm = Array(term)
                lastValue = SearchIndexDigest.value(ofToken: term)
            }
            let document = sqlite3_column_int64(handle, 1)
            let columnName = UnsafeBufferPointer(start: sqlite3_column_text(handle, 2), count: Int(sqlite3_column_bytes(handle, 2)))
            let column = columnName.count == 3 && columnName[0] == UInt8(ascii: "u") ? 0
                : columnName.count == 2 ? 1 : columnName.count == 3 && columnName[0] == UInt8(ascii: "w") ? 2 : 3
            let position = Int(sqlite3_column_int64(handle, 3))
            // A token that is no hash cannot come from ChatLedger: it lands in a column no message expects.
            let entry = digest.entry(document: document, column: lastValue == nil ? 3 : column, position: position, token: lastValue ?? 0)
            if document > 0 && document <= Int64(highest) {
                dense[Int(document)] &+= entry
            } else {
                stray[document, default: 0] &+= entry
            }
        }
        var sums = stray
        for (document, sum) in dense.enumerated() where sum != 0 { sums[Int64(document)] = sum }
        return sums
    }

    func page(after start: UInt64, limit: Int) throws -> [LedgerLeafRow] {
        // Columns by position: this runs for every record, and GRDB's lookup by name lowercases each name.
        try Row.fetchAll(db.cachedStatement(sql: """
            SELECT l.idx, l.kind, l.ref, l.hash, m.msgid, m.seq, m.body,
                   mm.msgid AS media_msgid, mm.sdkfileid, mm.sha256, md.size,
                   a.id AS audit_id, a.at AS audit_at, a.actor, a.action AS audit_action, a.target, a.event,
                   m.id, m.action, m.sender, m.tolist, m.roomid, m.conversation, m.msgtime, m.msgtype, m.text,
                   m.recall_target, m.recalled_by, m.file_ext, m.has_media, mm.status
            FROM ledger_leaf l
            LEFT JOIN message m ON l.kind = 'message' AND m.leaf_index = l.idx
            LEFT JOIN message_media mm ON l.kind = 'media' AND mm.leaf_index = l.idx
            LEFT JOIN media md ON md.sha256 = mm.sha256
            LEFT JOIN audit_event a ON l.kind = 'audit' AND a.leaf_index = l.idx
            WHERE l.idx >= ? ORDER BY l.idx LIMIT ?
            """), arguments: [Int64(start), limit]).map { row in
            var leaf = LedgerLeafRow(index: UInt64(row[0] as Int64), kind: row[1], ref: row[2], storedHash: Array(row[3] as Data),
                                     msgid: row[4], seq: row[5], body: (row[6] as Data?).map(Array.init),
                                     mediaMsgid: row[7], sdkFileID: row[8], sha256: row[9], size: row[10],
                                     auditID: row[11],
                                     auditColumns: (row[11] as Int64?).map { _ in
                                         [String(row[12] as Int64), row[13], row[14], row[15]]
                                     },
                                     auditEvent: (row[16] as Data?).map(Array.init))
            if digest != nil, let rowID = row[17] as Int64? {
                leaf.rowID = rowID
                leaf.columns = MessageColumns(
                    action: row[18], sender: row[19], recipients: Self.recipients(row[20] as String), room: row[21], conversation: row[22],
                    msgtime: row[23], msgtype: row[24], recallTarget: row[26], fileExtension: row[28], hasMedia: row[29],
                    searchableText: "")
                leaf.sealedText = (row[25] as Data?).map(Array.init)
            }
            if let recalledBy = row[27] as String? { leaf.recalledBy = recalledBy }
            leaf.mediaStatus = row[30]
            return leaf
        }
    }

    /// The stored recipients; text that is no JSON array of strings is shown as it is, so the difference is reported.
    static func recipients(_ text: String) -> [String] {
        guard let array = (try? JSONValue.parse(Array(text.utf8)))?.arrayValue else { return [text] }
        let strings = array.compactMap(\.stringValue)
        return strings.count == array.count ? strings : [text]
    }

    func orphanMessage() throws -> String? {
        try String.fetchOne(db, sql: """
            SELECT m.msgid FROM message m LEFT JOIN ledger_leaf l ON l.idx = m.leaf_index AND l.kind = 'message' AND l.ref = m.msgid
            WHERE l.idx IS NULL LIMIT 1
            """)
    }

    func orphanMedia() throws -> String? {
        try String.fetchOne(db, sql: """
            SELECT mm.msgid || ' ' || mm.sdkfileid FROM message_media mm
            LEFT JOIN ledger_leaf l ON l.idx = mm.leaf_index AND l.kind = 'media'
            WHERE mm.status = 'stored' AND l.idx IS NULL LIMIT 1
            """)
    }
}
