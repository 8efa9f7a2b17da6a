import Crypto
import Dispatch
import Foundation
import GRDB
import Ledger

/// The outcome of `verify`: what was checked, how fast, and the first record that did not match.
public struct VerifyReport: Sendable, Codable {
    public var ok: Bool
    public var records: Int
    public var messages: Int
    public var media: Int
    /// Console audit events (content views, searches, downloads, admin changes).
    public var auditEvents: Int = 0
    public var blobs: Int
    public var checkpoints: Int
    public var treeSize: UInt64
    public var root: String?
    public var seconds: Double
    public var recordsPerSecond: Double
    public var failure: VerifyFailure?
}

/// The first thing that does not match, named so an investigator can find it.
public struct VerifyFailure: Error, Sendable, Codable, Hashable, CustomStringConvertible {
    /// `message`, `media`, `audit`, `leaf`, `node`, `checkpoint` or `blob`.
    public var kind: String
    /// The msgid, blob hash or checkpoint number.
    public var ref: String
    public var leafIndex: UInt64?
    public var reason: String
    public var description: String { "\(kind) \(ref)\(leafIndex.map { " (leaf \($0))" } ?? ""): \(reason)" }
}

extension SQLiteArchiveStore {
    /// Re-derives the ledger from the stored records and checks every checkpoint and blob.
    ///
    /// Every message body is unsealed and re-encoded as its leaf; the tree is rebuilt from those leaves
    /// (not from the stored hashes) and compared with every stored node and checkpoint root; every
    /// checkpoint signature and the consistency between consecutive checkpoints are checked; every blob
    /// is opened and hashed. Runs on one consistent snapshot of the database.
    public func verify(publicKey: Curve25519.Signing.PublicKey, blobs: FolderBlobStore?,
                       progress: @escaping @Sendable (Int, Int) -> Void = { _, _ in }) async throws -> VerifyReport {
        let sealer = self.sealer
        let started = Date()
        var report = try await pool.read { db in
            try LedgerVerification(db: db, sealer: sealer, publicKey: publicKey, progress: progress).run()
        }
        if report.failure == nil, let blobs {
            let stored = try await pool.read { db in
                try Row.fetchAll(db, sql: "SELECT msgid, sha256 FROM message_media WHERE status = 'stored' ORDER BY rowid")
                    .map { ($0["msgid"] as String, $0["sha256"] as String) }
            }
            for (msgid, sha) in stored {
                report.blobs += 1
                do {
                    if try blobs.get(sha) == nil {
                        report.failure = VerifyFailure(kind: "blob", ref: sha, leafIndex: nil, reason: "missing (attachment of message \(msgid))")
                    }
                } catch {
                    report.failure = VerifyFailure(kind: "blob", ref: sha, leafIndex: nil,
                                                   reason: "altered: \(error) (attachment of message \(msgid))")
                }
                if report.failure != nil { break }
            }
        }
        report.ok = report.failure == nil
        report.seconds = Date().timeIntervalSince(started)
        report.recordsPerSecond = report.seconds > 0 ? Double(report.records) / report.seconds : 0
        return report
    }
}

/// One verification pass over a read transaction.
private struct LedgerVerification {
    let db: Database
    let sealer: Sealer
    let publicKey: Curve25519.Signing.PublicKey
    let progress: @Sendable (Int, Int) -> Void

    /// A leaf row with the record it claims to stand for, read before the parallel step.
    struct LeafRow: Sendable {
        var index: UInt64
        var kind: String
        var ref: String
        var storedHash: [UInt8]
        var msgid: String?
        var seq: Int64?
        var body: [UInt8]?
        var mediaMsgid: String?
        var sdkFileID: String?
        var sha256: String?
        var size: Int64?
        var auditID: Int64?
        var auditColumns: [String]?
        var auditEvent: [UInt8]?
    }

    func failure(_ kind: String, _ ref: String, _ index: UInt64?, _ reason: String) -> VerifyFailure {
        VerifyFailure(kind: kind, ref: ref, leafIndex: index, reason: reason)
    }

    func run() throws -> VerifyReport {
        var report = VerifyReport(ok: false, records: 0, messages: 0, media: 0, blobs: 0, checkpoints: 0, treeSize: 0, root: nil,
                                  seconds: 0, recordsPerSecond: 0, failure: nil)
        let total = try Int.fetchOne(db, sql: "SELECT count(*) FROM ledger_leaf") ?? 0
        let checkpoints = try SQLiteArchiveStore.checkpoints(db: db)
        report.checkpoints = checkpoints.count
        var checkpointsBySize: [UInt64: [Int]] = [:]
        for (number, checkpoint) in checkpoints.enumerated() { checkpointsBySize[checkpoint.treeSize, default: []].append(number + 1) }

        var range = CompactRange()
        let pageSize = 4096
        var next: UInt64 = 0
        while true {
            let rows = try page(after: next, limit: pageSize)
            if rows.isEmpty { break }
            let hashes = recompute(rows)
            for (row, result) in zip(rows, hashes) {
                guard row.index == range.size else {
                    report.failure = failure("leaf", "\(range.size)", range.size, "ledger leaf \(range.size) is missing (rows deleted?)")
                    return report
                }
                let hash: MerkleHash
                switch result {
                case .failure(let found):
                    report.failure = found
                    return report
                case .success(let recomputed): hash = recomputed
                }
                guard hash.bytes == row.storedHash else {
                    report.failure = failure(row.kind, row.ref, row.index, "the stored record does not match its ledger leaf")
                    return report
                }
                switch row.kind {
                case "message": report.messages += 1
                case "media": report.media += 1
                default: report.auditEvents += 1
                }
                for node in range.append(hash) {
                    let stored = try Data.fetchOne(db.cachedStatement(sql: "SELECT hash FROM ledger_node WHERE level = ? AND idx = ?"),
                                                   arguments: [node.level, Int64(node.index)])
                    guard stored.map(Array.init) == node.hash.bytes else {
                        report.failure = failure("node", "\(node.level)/\(node.index)", row.index,
                                                 "stored ledger node differs from the one the records produce")
                        return report
                    }
                }
                for number in checkpointsBySize[range.size] ?? [] where checkpoints[number - 1].root != range.root {
                    report.failure = failure("checkpoint", "#\(number)", nil,
                                             "its root is not the root of the first \(range.size) records")
                    return report
                }
                report.records += 1
            }
            next = rows.last!.index + 1
            progress(report.records, total)
        }
        report.treeSize = range.size
        report.root = range.root.hex
        if let orphan = try orphanMessage() {
            report.failure = failure("message", orphan, nil, "stored message is not in the ledger (added outside ChatLedger?)")
            return report
        }
        if let orphan = try orphanMedia() {
            report.failure = failure("media", orphan, nil, "stored attachment is not in the ledger")
            return report
        }
        report.failure = checkCheckpoints(checkpoints, treeSize: range.size)
        return report
    }

    func page(after start: UInt64, limit: Int) throws -> [LeafRow] {
        try Row.fetchAll(db.cachedStatement(sql: """
            SELECT l.idx, l.kind, l.ref, l.hash, m.msgid, m.seq, m.body,
                   mm.msgid AS media_msgid, mm.sdkfileid, mm.sha256, md.size,
                   a.id AS audit_id, a.at AS audit_at, a.actor, a.action AS audit_action, a.target, a.event
            FROM ledger_leaf l
            LEFT JOIN message m ON l.kind = 'message' AND m.leaf_index = l.idx
            LEFT JOIN message_media mm ON l.kind = 'media' AND mm.leaf_index = l.idx
            LEFT JOIN media md ON md.sha256 = mm.sha256
            LEFT JOIN audit_event a ON l.kind = 'audit' AND a.leaf_index = l.idx
            WHERE l.idx >= ? ORDER BY l.idx LIMIT ?
            """), arguments: [Int64(start), limit]).map { row in
            LeafRow(index: UInt64(row["idx"] as Int64), kind: row["kind"], ref: row["ref"], storedHash: Array(row["hash"] as Data),
                    msgid: row["msgid"], seq: row["seq"], body: (row["body"] as Data?).map(Array.init),
                    mediaMsgid: row["media_msgid"], sdkFileID: row["sdkfileid"], sha256: row["sha256"], size: row["size"],
                    auditID: row["audit_id"],
                    auditColumns: (row["audit_id"] as Int64?).map { _ in
                        [String(row["audit_at"] as Int64), row["actor"], row["audit_action"], row["target"]]
                    },
                    auditEvent: (row["event"] as Data?).map(Array.init))
        }
    }

    /// Unseals and re-encodes each leaf on every core.
    func recompute(_ rows: [LeafRow]) -> [Result<MerkleHash, VerifyFailure>] {
        let results = ResultBox(count: rows.count)
        let sealer = self.sealer
        DispatchQueue.concurrentPerform(iterations: rows.count) { i in
            results.set(i, Self.leafHash(rows[i], sealer: sealer))
        }
        return results.values
    }

    static func leafHash(_ row: LeafRow, sealer: Sealer) -> Result<MerkleHash, VerifyFailure> {
        switch row.kind {
        case "message":
            guard let msgid = row.msgid, msgid == row.ref, let seq = row.seq, let body = row.body else {
                return .failure(VerifyFailure(kind: "message", ref: row.ref, leafIndex: row.index,
                                              reason: "the message this leaf records is missing or was moved"))
            }
            do {
                let raw = try sealer.open(body, context: SealContext.body(msgid))
                return .success(MerkleHash.leaf(LeafEncoding.message(seq: UInt64(seq), msgid: msgid, raw: raw)))
            } catch {
                return .failure(VerifyFailure(kind: "message", ref: msgid, leafIndex: row.index, reason: "body \(error)"))
            }
        case "media":
            guard let msgid = row.mediaMsgid, let fileID = row.sdkFileID, "\(msgid)\n\(fileID)" == row.ref,
                  let sha = row.sha256, let digest = MerkleHash(hex: sha), let size = row.size else {
                return .failure(VerifyFailure(kind: "media", ref: row.ref, leafIndex: row.index,
                                              reason: "the attachment this leaf records is missing or was changed"))
            }
            return .success(MerkleHash.leaf(LeafEncoding.media(msgid: msgid, sdkFileID: fileID, sha256: digest.bytes, size: UInt64(size))))
        case "audit":
            guard let id = row.auditID, "audit:\(id)" == row.ref, let sealed = row.auditEvent, let columns = row.auditColumns else {
                return .failure(VerifyFailure(kind: "audit", ref: row.ref, leafIndex: row.index,
                                              reason: "the audit event this leaf records is missing or was moved"))
            }
            do {
                let json = try sealer.open(sealed, context: SealContext.audit(row.index))
                let event = try JSONDecoder().decode(AuditEvent.self, from: Data(json))
                guard event.columns == columns else {
                    return .failure(VerifyFailure(kind: "audit", ref: row.ref, leafIndex: row.index,
                                                  reason: "the event's columns were changed (they no longer match the sealed event)"))
                }
                return .success(MerkleHash.leaf(LeafEncoding.audit(eventJSON: json)))
            } catch {
                return .failure(VerifyFailure(kind: "audit", ref: row.ref, leafIndex: row.index, reason: "event \(error)"))
            }
        default:
            return .failure(VerifyFailure(kind: "leaf", ref: row.ref, leafIndex: row.index, reason: "unknown leaf kind \(row.kind)"))
        }
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

    func checkCheckpoints(_ checkpoints: [Checkpoint], treeSize: UInt64) -> VerifyFailure? {
        var previous: Checkpoint?
        for (offset, checkpoint) in checkpoints.enumerated() {
            let ref = "#\(offset + 1)"
            guard checkpoint.isSigned(by: publicKey) else {
                return failure("checkpoint", ref, nil, "signature does not verify with this deployment's public key")
            }
            guard checkpoint.treeSize <= treeSize else {
                return failure("checkpoint", ref, nil, "signs \(checkpoint.treeSize) records but the ledger holds \(treeSize): records were deleted")
            }
            if let previous {
                guard previous.treeSize <= checkpoint.treeSize else {
                    return failure("checkpoint", ref, nil, "the log shrank from \(previous.treeSize) to \(checkpoint.treeSize)")
                }
                let proof = try? MerkleProofs.consistencyProof(oldSize: previous.treeSize, newSize: checkpoint.treeSize) {
                    try LedgerAppender.node(level: $0, index: $1, db: db)
                }
                guard let proof, MerkleProofs.verifyConsistency(oldSize: previous.treeSize, newSize: checkpoint.treeSize,
                                                                oldRoot: previous.root, newRoot: checkpoint.root, proof: proof) else {
                    return failure("checkpoint", ref, nil, "is not consistent with the checkpoint before it")
                }
            }
            previous = checkpoint
        }
        return nil
    }
}

/// Results written by concurrent workers, each to its own slot.
private final class ResultBox: @unchecked Sendable {
    private var storage: [Result<MerkleHash, VerifyFailure>]
    private let lock = NSLock()
    init(count: Int) { storage = Array(repeating: .failure(VerifyFailure(kind: "", ref: "", leafIndex: nil, reason: "")), count: count) }
    func set(_ index: Int, _ value: Result<MerkleHash, VerifyFailure>) { lock.withLock { storage[index] = value } }
    var values: [Result<MerkleHash, VerifyFailure>] { lock.withLock { storage } }
}
