import Crypto
import Dispatch
import Foundation
import Ledger

/// A ledger leaf with the record it claims to stand for, as a store reads it for verification.
package struct LedgerLeafRow: Sendable {
    package var index: UInt64
    package var kind: String
    package var ref: String
    package var storedHash: [UInt8]
    package var msgid: String?
    package var seq: Int64?
    package var body: [UInt8]?
    package var mediaMsgid: String?
    package var sdkFileID: String?
    package var sha256: String?
    package var size: Int64?
    /// The attachment row's status: a ledgered attachment is `stored`, for good.
    package var mediaStatus: String?
    package var auditID: Int64?
    package var auditColumns: [String]?
    package var auditEvent: [UInt8]?
    /// A message's derived columns as stored (their `searchableText` is empty: the text is sealed in `sealedText`).
    package var columns: MessageColumns?
    package var sealedText: [UInt8]?
    package var recalledBy: String?
    /// The message's row id, the document id of the embedded archive's search index.
    package var rowID: Int64?
    /// The message's search-index entry as the engine stores it per row (PostgreSQL's `tsvector`), if it does.
    package var storedIndex: String?

    package init(index: UInt64, kind: String, ref: String, storedHash: [UInt8], msgid: String? = nil, seq: Int64? = nil,
                 body: [UInt8]? = nil, mediaMsgid: String? = nil, sdkFileID: String? = nil, sha256: String? = nil,
                 size: Int64? = nil, auditID: Int64? = nil, auditColumns: [String]? = nil, auditEvent: [UInt8]? = nil) {
        self.index = index
        self.kind = kind
        self.ref = ref
        self.storedHash = storedHash
        self.msgid = msgid
        self.seq = seq
        self.body = body
        self.mediaMsgid = mediaMsgid
        self.sdkFileID = sdkFileID
        self.sha256 = sha256
        self.size = size
        self.auditID = auditID
        self.auditColumns = auditColumns
        self.auditEvent = auditEvent
    }
}

/// Verification of a ledger, independent of the database it is read from.
///
/// A store feeds leaves in index order, page by page, with the records they stand for; the walk unseals and
/// re-encodes each record, rebuilds the tree from those leaves (not from the stored hashes) and compares it
/// with every stored node and checkpoint root. SQLite and PostgreSQL archives are verified by the same code.
package struct LedgerWalk {
    package static let pageSize = 4096

    private let sealer: Sealer
    private let checkpoints: [Checkpoint]
    /// `nil` in quick mode: only the ledger itself is checked.
    let derivedCheck: DerivedCheck?
    var derived = DerivedFacts()
    private var checkpointsBySize: [UInt64: [Int]] = [:]
    private var range = CompactRange()
    private var counts = VerifyReport(ok: false, records: 0, messages: 0, media: 0, blobs: 0, checkpoints: 0, treeSize: 0,
                                      root: nil, seconds: 0, recordsPerSecond: 0, failure: nil)

    package init(checkpoints: [Checkpoint], sealer: Sealer, derivedCheck: DerivedCheck? = nil) {
        self.sealer = sealer
        self.derivedCheck = derivedCheck
        self.checkpoints = checkpoints
        counts.checkpoints = checkpoints.count
        for (number, checkpoint) in checkpoints.enumerated() { checkpointsBySize[checkpoint.treeSize, default: []].append(number + 1) }
    }

    package var records: Int { counts.records }
    package var treeSize: UInt64 { range.size }

    /// What was checked so far, ending with `failure` (or none).
    package func report(failure: VerifyFailure?) -> VerifyReport {
        var report = counts
        report.treeSize = range.size
        report.root = range.root.hex
        report.problems = derived.problems
        report.problemCount = derived.problemCount
        report.derivedChecked = derivedCheck != nil
        report.failure = failure ?? derived.problems.first.map {
            VerifyFailure(kind: "derived", ref: $0.record, leafIndex: nil, reason: "\($0.field): \($0.detail)")
        }
        report.ok = report.failure == nil
        return report
    }

    /// Checks the next page of leaves; `storedNode` reads a stored interior node (nil when missing).
    package mutating func check(_ rows: [LedgerLeafRow], storedNode: (Int, UInt64) throws -> [UInt8]?) rethrows -> VerifyFailure? {
        let checks = Self.recompute(rows, sealer: sealer, derivedCheck: derivedCheck)
        for (row, check) in zip(rows, checks) {
            let result = check.hash
            guard row.index == range.size else {
                return VerifyFailure(kind: "leaf", ref: "\(range.size)", leafIndex: range.size,
                                     reason: "ledger leaf \(range.size) is missing (rows deleted?)")
            }
            let hash: MerkleHash
            switch result {
            case .failure(let found): return found
            case .success(let recomputed): hash = recomputed
            }
            guard hash.bytes == row.storedHash else {
                return VerifyFailure(kind: row.kind, ref: row.ref, leafIndex: row.index, reason: "the stored record does not match its ledger leaf")
            }
            switch row.kind {
            case "message":
                counts.messages += 1
                derived.add(check, row: row)
            case "media": counts.media += 1
            default:
                counts.auditEvents += 1
                if let event = check.caseEvent { derived.apply(event) }
            }
            for node in range.append(hash) where try storedNode(node.level, node.index) != node.hash.bytes {
                return VerifyFailure(kind: "node", ref: "\(node.level)/\(node.index)", leafIndex: row.index,
                                     reason: "stored ledger node differs from the one the records produce")
            }
            for number in checkpointsBySize[range.size] ?? [] where checkpoints[number - 1].root != range.root {
                return VerifyFailure(kind: "checkpoint", ref: "#\(number)", leafIndex: nil,
                                     reason: "its root is not the root of the first \(range.size) records")
            }
            counts.records += 1
        }
        return nil
    }

    /// Signatures, sizes and consistency between consecutive checkpoints, once every leaf was walked.
    package func checkCheckpoints(publicKey: Curve25519.Signing.PublicKey, node: MerkleProofs.NodeReader) -> VerifyFailure? {
        var previous: Checkpoint?
        for (offset, checkpoint) in checkpoints.enumerated() {
            let ref = "#\(offset + 1)"
            func failure(_ reason: String) -> VerifyFailure { VerifyFailure(kind: "checkpoint", ref: ref, leafIndex: nil, reason: reason) }
            guard checkpoint.isSigned(by: publicKey) else { return failure("signature does not verify with this deployment's public key") }
            guard checkpoint.treeSize <= range.size else {
                return failure("signs \(checkpoint.treeSize) records but the ledger holds \(range.size): records were deleted")
            }
            if let previous {
                guard previous.treeSize <= checkpoint.treeSize else {
                    return failure("the log shrank from \(previous.treeSize) to \(checkpoint.treeSize)")
                }
                let proof = try? MerkleProofs.consistencyProof(oldSize: previous.treeSize, newSize: checkpoint.treeSize, node: node)
                guard let proof, MerkleProofs.verifyConsistency(oldSize: previous.treeSize, newSize: checkpoint.treeSize,
                                                                oldRoot: previous.root, newRoot: checkpoint.root, proof: proof) else {
                    return failure("is not consistent with the checkpoint before it")
                }
            }
            previous = checkpoint
        }
        return nil
    }

    /// Finishes a walk's report: every stored attachment (msgid, sha256) must open from `blobs` and match its hash;
    /// then the outcome and the rate.
    package static func finish(_ report: VerifyReport, storedBlobs: [(msgid: String, sha256: String)], blobs: (any BlobStore)?,
                               started: Date) async -> VerifyReport {
        var report = report
        if report.failure == nil, let blobs {
            for (msgid, sha) in storedBlobs {
                report.blobs += 1
                do {
                    if try await blobs.get(sha) == nil {
                        report.failure = VerifyFailure(kind: "blob", ref: sha, leafIndex: nil, reason: "missing (attachment of message \(msgid))")
                    }
                } catch {
                    report.failure = VerifyFailure(kind: "blob", ref: sha, leafIndex: nil, reason: "altered: \(error) (attachment of message \(msgid))")
                }
                if report.failure != nil { break }
            }
        }
        report.ok = report.failure == nil && report.problemCount == 0
        report.seconds = Date().timeIntervalSince(started)
        report.recordsPerSecond = report.seconds > 0 ? Double(report.records) / report.seconds : 0
        return report
    }

    /// Unseals and re-encodes each leaf on every core, and re-derives each message's columns from it.
    static func recompute(_ rows: [LedgerLeafRow], sealer: Sealer, derivedCheck: DerivedCheck?) -> [LeafCheck] {
        ConcurrentSlots.map(rows.count) { index in
            let row = rows[index]
            guard row.kind == "message" else {
                var check = LeafCheck(hash: leafHash(row, sealer: sealer))
                if derivedCheck != nil, case .success = check.hash { check.caseEvent = caseEvent(row, sealer: sealer) }
                return check
            }
            return messageCheck(row, sealer: sealer, derivedCheck: derivedCheck)
        }
    }

    static func leafHash(_ row: LedgerLeafRow, sealer: Sealer) -> Result<MerkleHash, VerifyFailure> {
        switch row.kind {
        case "message":
            guard let msgid = row.msgid, msgid == row.ref, let seq = row.seq, row.body != nil else {
                return .failure(VerifyFailure(kind: "message", ref: row.ref, leafIndex: row.index,
                                              reason: "the message this leaf records is missing or was moved"))
            }
            return messageRaw(row, sealer: sealer).map { MerkleHash.leaf(LeafEncoding.message(seq: UInt64(seq), msgid: msgid, raw: $0)) }
        case "media":
            guard let msgid = row.mediaMsgid, let fileID = row.sdkFileID, "\(msgid)\n\(fileID)" == row.ref,
                  let sha = row.sha256, let digest = MerkleHash(hex: sha), let size = row.size else {
                return .failure(VerifyFailure(kind: "media", ref: row.ref, leafIndex: row.index,
                                              reason: "the attachment this leaf records is missing or was changed"))
            }
            // A ledgered attachment was stored; a row marked otherwise would hide it from pages and exports (and its blob
            // from the blob check) while its leaf still verified.
            guard row.mediaStatus == nil || row.mediaStatus == "stored" else {
                return .failure(VerifyFailure(kind: "media", ref: row.ref, leafIndex: row.index,
                                              reason: "the attachment was archived but its row now says \(row.mediaStatus!)"))
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
}
