import ArchiveModel
import ArchiveStore
import Crypto
import Foundation
import Ledger
import NIOCore
import PostgresNIO

extension PostgresArchiveStore {
    /// Number of leaves in the log.
    public func treeSize() async throws -> UInt64 {
        try await connection { connection in try await Self.treeSize(connection, logger: logger) }
    }

    static func treeSize(_ connection: PostgresConnection, logger: Logger) async throws -> UInt64 {
        UInt64(try await connection.query("SELECT coalesce(max(idx) + 1, 0)::bigint FROM ledger_leaf", logger: logger)
            .decode(Int64.self).first { _ in true } ?? 0)
    }

    /// Signs and stores a checkpoint if leaves were added since the last one (under the ledger lock, so two
    /// processes never sign the same size twice). - Returns: the new checkpoint, or nil when nothing changed.
    @discardableResult
    public func writeCheckpoint(signingKey: Curve25519.Signing.PrivateKey,
                                timestamp: (@Sendable ([UInt8]) async throws -> [UInt8]?)? = nil) async throws -> Checkpoint? {
        let now = clock().milliseconds
        let origin = self.origin
        let draft: Checkpoint? = try await transaction { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(\(PostgresSchema.ledgerLock))", logger: logger)
            let size = try await Self.treeSize(connection, logger: logger)
            let last = try await connection.query("SELECT tree_size FROM checkpoint ORDER BY id DESC LIMIT 1", logger: logger)
                .decode(Int64.self).first { _ in true }
            guard size > 0, last.map({ UInt64($0) < size }) ?? true else { return nil }
            let root = try await PostgresNodes.withNodes(connection, logger: logger) { node in try MerkleProofs.root(size: size, node: node) }
            let checkpoint = try Checkpoint.sign(origin: origin, treeSize: size, root: root, timeMilliseconds: now, key: signingKey)
            try await connection.query("""
                INSERT INTO checkpoint (origin, tree_size, root, time_ms, signature, key_id)
                VALUES (\(origin), \(Int64(size)), \(ByteBuffer(bytes: root.bytes)), \(now), \(ByteBuffer(bytes: checkpoint.signature)),
                        \(SigningKeyFormat.keyID(signingKey.publicKey)))
                """, logger: logger)
            return checkpoint
        }
        guard var checkpoint = draft, let timestamp else { return draft }
        if let token = try await timestamp(Array(SHA256.hash(data: checkpoint.note))) {
            checkpoint.timestampToken = token
            let (size, time) = (Int64(checkpoint.treeSize), checkpoint.timeMilliseconds)
            _ = try await connection { connection in
                try await connection.query("""
                    UPDATE checkpoint SET tsa_token = \(ByteBuffer(bytes: token)) WHERE tree_size = \(size) AND time_ms = \(time)
                    """, logger: logger)
            }
        }
        return checkpoint
    }

    /// Every checkpoint, oldest first.
    public func checkpoints() async throws -> [Checkpoint] {
        try await connection { connection in try await Self.checkpoints(connection, logger: logger) }
    }

    static func checkpoints(_ connection: PostgresConnection, logger: Logger) async throws -> [Checkpoint] {
        var checkpoints: [Checkpoint] = []
        for try await (origin, size, root, time, signature, token) in try await connection.query("""
            SELECT origin, tree_size, root, time_ms, signature, tsa_token FROM checkpoint ORDER BY id
            """, logger: logger).decode((String, Int64, ByteBuffer, Int64, ByteBuffer, ByteBuffer?).self) {
            let rootBytes = Array(buffer: root)
            checkpoints.append(Checkpoint(origin: origin, treeSize: UInt64(size),
                                          root: MerkleHash(bytes: rootBytes.count == 32 ? rootBytes : [UInt8](repeating: 0, count: 32)),
                                          timeMilliseconds: time, signature: Array(buffer: signature),
                                          timestampToken: token.map { Array(buffer: $0) }))
        }
        return checkpoints
    }

    /// Everything an outside verifier needs to check that a message is in the log.
    public func inclusionProof(msgid: String) async throws -> InclusionProofBundle {
        try await transaction { connection in
            try await connection.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY", logger: logger)
            guard let message = try await storedMessages(PostgresQuery(unsafeSQL: """
                SELECT \(Self.messageColumns) FROM message_key k JOIN message m ON m.msgid = k.msgid AND m.msgtime = k.msgtime
                WHERE k.msgid = $1
                """, binds: binds(msgid)), connection).first else {
                throw StorageError("no message \(msgid) in this archive")
            }
            let leaf = LeafEncoding.message(seq: message.seq, msgid: msgid, raw: message.raw)
            guard let checkpoint = try await Self.checkpoints(connection, logger: logger).last, checkpoint.treeSize > message.leafIndex else {
                throw StorageError("no checkpoint covers message \(msgid) yet; checkpoints follow new messages within seconds, try again")
            }
            let proof = try await PostgresNodes.withNodes(connection, logger: logger) { node in
                try MerkleProofs.inclusionProof(index: message.leafIndex, size: checkpoint.treeSize, node: node)
            }
            return InclusionProofBundle(leafIndex: message.leafIndex, leaf: leaf, proof: proof, checkpoint: checkpoint)
        }
    }

    /// Re-derives the ledger from the stored records and checks every node, checkpoint and blob — the same walk as
    /// the embedded archive's, over one REPEATABLE READ snapshot.
    public func verify(publicKey: Curve25519.Signing.PublicKey, blobs: (any BlobStore)?, quick: Bool,
                       progress: @escaping @Sendable (Int, Int) -> Void) async throws -> VerifyReport {
        let started = Date()
        let sealer = self.sealer
        let hasher = tokenHasher
        let check: DerivedCheck? = quick ? nil : DerivedCheck { row, message, text in
            SearchVector.compare(stored: row.storedIndex ?? "",
                                 expected: SearchVector.document(text: text, participants: SearchParticipants(message), hasher: hasher))
        }
        let report = try await transaction { connection in
            try await connection.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY", logger: logger)
            let total = Int(try await Self.treeSize(connection, logger: logger))
            let checkpoints = try await Self.checkpoints(connection, logger: logger)
            var walk = LedgerWalk(checkpoints: checkpoints, sealer: sealer, derivedCheck: check)
            var next: UInt64 = 0
            while true {
                let rows = try await leafPage(after: next, limit: LedgerWalk.pageSize, derived: !quick, connection)
                if rows.isEmpty { break }
                let nodes = try await nodesCompleted(by: rows.first!.index...rows.last!.index, connection)
                if let failure = walk.check(rows, storedNode: { nodes[PostgresNodes.Coordinate(level: $0, index: $1)] }) {
                    return walk.report(failure: failure)
                }
                next = rows.last!.index + 1
                progress(walk.records, total)
            }
            if let orphan = try await connection.query("""
                SELECT k.msgid FROM message_key k LEFT JOIN ledger_leaf l ON l.idx = k.leaf_index AND l.kind = 'message' AND l.ref = k.msgid
                WHERE l.idx IS NULL LIMIT 1
                """, logger: logger).decode(String.self).first(where: { _ in true }) {
                return walk.report(failure: VerifyFailure(kind: "message", ref: orphan, leafIndex: nil,
                                                          reason: "stored message is not in the ledger (added outside ChatLedger?)"))
            }
            if let orphan = try await connection.query("""
                SELECT mm.msgid || ' ' || mm.sdkfileid FROM message_media mm
                LEFT JOIN ledger_leaf l ON l.idx = mm.leaf_index AND l.kind = 'media'
                WHERE mm.status = 'stored' AND l.idx IS NULL LIMIT 1
                """, logger: logger).decode(String.self).first(where: { _ in true }) {
                return walk.report(failure: VerifyFailure(kind: "media", ref: orphan, leafIndex: nil, reason: "stored attachment is not in the ledger"))
            }
            if walk.checksDerived { try await checkDerived(&walk, connection) }
            let treeSize = walk.treeSize
            let node = try await PostgresNodes.reader(connection, logger: logger) { node in
                for (old, new) in zip(checkpoints, checkpoints.dropFirst()) where old.treeSize <= new.treeSize && new.treeSize <= treeSize {
                    _ = try? MerkleProofs.consistencyProof(oldSize: old.treeSize, newSize: new.treeSize, node: node)
                }
            }
            return walk.report(failure: walk.checkCheckpoints(publicKey: publicKey, node: node))
        }
        let stored: [(msgid: String, sha256: String)] = blobs == nil ? [] : try await connection { connection in
            var stored: [(msgid: String, sha256: String)] = []
            for try await pair in try await connection.query("""
                SELECT msgid, sha256 FROM message_media WHERE status = 'stored' ORDER BY id
                """, logger: logger).decode((String, String).self) { stored.append(pair) }
            return stored
        }
        return await LedgerWalk.finish(report, storedBlobs: stored, blobs: blobs, started: started)
    }

    /// Leaves from `start` on, each with the record it stands for. Records are read by leaf range, and messages within
    /// the time span their keys give, so only the month partitions the page touches are planned and read.
    private func leafPage(after start: UInt64, limit: Int, derived: Bool,
                          _ connection: PostgresConnection) async throws -> [LedgerLeafRow] {
        var rows: [LedgerLeafRow] = []
        for try await (index, kind, ref, hash) in try await connection.query("""
            SELECT idx, kind, ref, hash FROM ledger_leaf WHERE idx >= \(Int64(start)) ORDER BY idx LIMIT \(Int64(limit))
            """, logger: logger).decode((Int64, String, String, ByteBuffer).self) {
            rows.append(LedgerLeafRow(index: UInt64(index), kind: kind, ref: ref, storedHash: Array(buffer: hash)))
        }
        guard let first = rows.first?.index, let last = rows.last?.index else { return rows }
        let (low, high) = (Int64(first), Int64(last))
        var position: [Int64: Int] = [:]
        for (offset, row) in rows.enumerated() { position[Int64(row.index)] = offset }

        if let (since, until) = try await connection.query("""
            SELECT min(msgtime), max(msgtime) FROM message_key WHERE leaf_index BETWEEN \(low) AND \(high)
            """, logger: logger).decode((Int64?, Int64?).self).first(where: { _ in true }), let since, let until {
            for try await (leaf, msgid, seq, body, recalledBy) in try await connection.query("""
                SELECT leaf_index, msgid, seq, body, recalled_by FROM message
                WHERE msgtime BETWEEN \(since) AND \(until) AND leaf_index BETWEEN \(low) AND \(high)
                """, logger: logger).decode((Int64, String, Int64, ByteBuffer, String?).self) {
                guard let offset = position[leaf], rows[offset].kind == "message" else { continue }
                rows[offset].msgid = msgid
                rows[offset].seq = seq
                rows[offset].body = Array(buffer: body)
                rows[offset].recalledBy = recalledBy
            }
            if derived {
                for try await row in try await connection.query("""
                    SELECT leaf_index, action, sender, tolist, roomid, conversation, msgtime, msgtype, recall_target, file_ext,
                           has_media, text, tokens::text FROM message
                    WHERE msgtime BETWEEN \(since) AND \(until) AND leaf_index BETWEEN \(low) AND \(high)
                    """, logger: logger) {
                    let cells = row.makeRandomAccess()
                    guard let offset = position[try cells[0].decode(Int64.self)], rows[offset].kind == "message" else { continue }
                    rows[offset].columns = MessageColumns(
                        action: try cells[1].decode(String.self), sender: try cells[2].decode(String.self),
                        recipients: try cells[3].decode([String].self), room: try cells[4].decode(String?.self),
                        conversation: try cells[5].decode(String?.self), msgtime: try cells[6].decode(Int64.self),
                        msgtype: try cells[7].decode(String.self), recallTarget: try cells[8].decode(String?.self),
                        fileExtension: try cells[9].decode(String?.self), hasMedia: try cells[10].decode(Bool.self), searchableText: "")
                    rows[offset].sealedText = Array(buffer: try cells[11].decode(ByteBuffer.self))
                    rows[offset].storedIndex = try cells[12].decode(String.self)
                }
            }
        }
        for try await (leaf, msgid, fileID, sha, size, status) in try await connection.query("""
            SELECT mm.leaf_index, mm.msgid, mm.sdkfileid, mm.sha256, md.size, mm.status FROM message_media mm
            LEFT JOIN media md ON md.sha256 = mm.sha256 WHERE mm.leaf_index BETWEEN \(low) AND \(high)
            """, logger: logger).decode((Int64, String, String, String?, Int64?, String).self) {
            guard let offset = position[leaf], rows[offset].kind == "media" else { continue }
            rows[offset].mediaMsgid = msgid
            rows[offset].sdkFileID = fileID
            rows[offset].sha256 = sha
            rows[offset].size = size
            rows[offset].mediaStatus = status
        }
        for try await (leaf, id, at, actor, action, target, event) in try await connection.query("""
            SELECT leaf_index, id, at, actor, action, target, event FROM audit_event WHERE leaf_index BETWEEN \(low) AND \(high)
            """, logger: logger).decode((Int64, Int64, Int64, String, String, String, ByteBuffer).self) {
            guard let offset = position[leaf], rows[offset].kind == "audit" else { continue }
            rows[offset].auditID = id
            rows[offset].auditColumns = [String(at), actor, action, target]
            rows[offset].auditEvent = Array(buffer: event)
        }
        return rows
    }

    /// The stored interior nodes completed by appending the leaves in `leaves`: node (level, i) covers leaves
    /// [i·2^level, (i+1)·2^level), so it is complete when its last leaf is in the range.
    private func nodesCompleted(by leaves: ClosedRange<UInt64>,
                                _ connection: PostgresConnection) async throws -> [PostgresNodes.Coordinate: [UInt8]] {
        var levels: [Int32] = []
        var lows: [Int64] = []
        var highs: [Int64] = []
        for level in 1..<64 {
            let span = UInt64(1) << UInt64(level)
            guard span <= leaves.upperBound + 1 else { break }
            let low = (leaves.lowerBound + 1 + span - 1) / span - 1
            let high = (leaves.upperBound + 1) / span
            guard high >= 1, low <= high - 1 else { continue }
            levels.append(Int32(level))
            lows.append(Int64(low))
            highs.append(Int64(high - 1))
        }
        var nodes: [PostgresNodes.Coordinate: [UInt8]] = [:]
        guard !levels.isEmpty else { return nodes }
        for try await (level, index, hash) in try await connection.query("""
            SELECT n.level, n.idx, n.hash FROM unnest(\(levels)::integer[], \(lows)::bigint[], \(highs)::bigint[]) AS w(level, low, high)
            JOIN ledger_node n ON n.level = w.level AND n.idx BETWEEN w.low AND w.high
            """, logger: logger).decode((Int32, Int64, ByteBuffer).self) {
            nodes[PostgresNodes.Coordinate(level: Int(level), index: UInt64(index))] = Array(buffer: hash)
        }
        return nodes
    }
}

extension PostgresArchiveStore {
    /// Appends an audit event to the tamper-evident log in one transaction; the time is the store's clock.
    @discardableResult
    public func appendAudit(_ event: AuditEvent) async throws -> StoredAuditEvent {
        let event = event.stamped(at: clock().milliseconds)
        let json = event.canonicalJSON
        return try await transaction { connection in
            var ledger = try await PostgresLedgerAppender.begin(connection, logger: logger)
            let leafIndex = ledger.size
            let sealed = ByteBuffer(bytes: try sealer.seal(json, context: SealContext.audit(leafIndex)))
            let columns = event.columns
            let id = try await connection.query("""
                INSERT INTO audit_event (at, actor, action, target, event, leaf_index)
                VALUES (\(event.at), \(columns[1]), \(columns[2]), \(columns[3]), \(sealed), \(Int64(leafIndex))) RETURNING id
                """, logger: logger).decode(Int64.self).first { _ in true }!
            ledger.append(kind: "audit", ref: "audit:\(id)", leaf: LeafEncoding.audit(eventJSON: json))
            try await ledger.flush(connection, logger: logger)
            return StoredAuditEvent(id: id, leafIndex: leafIndex, event: event)
        }
    }
}

extension PostgresArchiveStore: LedgeredArchive {}
