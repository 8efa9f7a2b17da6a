import ArchiveModel
import ArchiveStore
import Foundation
import GRDB
import Ledger
import Testing

@Suite struct TamperDetectionTests {
    @Test func anUntouchedArchiveVerifies() async throws {
        let fixture = try await SealedArchiveFixture()
        let report = try await fixture.verify()
        #expect(report.ok, "\(String(describing: report.failure))")
        #expect(report.messages == 300 && report.media > 0 && report.blobs == report.media && report.checkpoints == 2)
        #expect(report.treeSize == UInt64(report.messages + report.media))
    }

    /// A message in the middle of the log, by its leaf index.
    func victim(_ fixture: SealedArchiveFixture) throws -> (msgid: String, leaf: Int64) {
        let msgid: String = try fixture.value("SELECT msgid FROM message WHERE leaf_index = (SELECT min(leaf_index) FROM message WHERE leaf_index >= 137)")!
        let leaf: Int64 = try fixture.value("SELECT leaf_index FROM message WHERE msgid = ?", [msgid])!
        return (msgid, leaf)
    }

    @Test func aFlippedByteInABodyIsNamed() async throws {
        let fixture = try await SealedArchiveFixture()
        let (msgid, _) = try victim(fixture)
        try fixture.flipByte(table: "message", column: "body", keyColumn: "msgid", key: msgid)
        let failure = try #require(try await fixture.verify().failure)
        #expect(failure.kind == "message" && failure.ref == msgid)
    }

    @Test func aFlippedLeafHashIsNamed() async throws {
        let fixture = try await SealedArchiveFixture()
        let (msgid, leaf) = try victim(fixture)
        try fixture.flipByte(table: "ledger_leaf", column: "hash", keyColumn: "idx", key: leaf, at: 3)
        let failure = try #require(try await fixture.verify().failure)
        #expect(failure.ref == msgid && failure.leafIndex == UInt64(leaf))
    }

    @Test func aFlippedInteriorNodeIsNamed() async throws {
        let fixture = try await SealedArchiveFixture()
        try fixture.flipByte(table: "ledger_node", column: "hash", keyColumn: "level = 3 AND idx", key: 2, at: 0)
        let failure = try #require(try await fixture.verify().failure)
        #expect(failure.kind == "node" && failure.ref == "3/2")
    }

    @Test func aForgedCheckpointRootOrSignatureIsNamed() async throws {
        let fixture = try await SealedArchiveFixture()
        try fixture.flipByte(table: "checkpoint", column: "root", keyColumn: "id", key: 1, at: 0)
        let failure = try #require(try await fixture.verify().failure)
        #expect(failure.kind == "checkpoint" && failure.ref == "#1")

        let other = try await SealedArchiveFixture(messages: 40)
        try other.flipByte(table: "checkpoint", column: "signature", keyColumn: "id", key: 2, at: 10)
        let signatureFailure = try #require(try await other.verify().failure)
        #expect(signatureFailure.kind == "checkpoint" && signatureFailure.ref == "#2" && signatureFailure.reason.contains("signature"))
    }

    @Test func aDeletedMessageIsNamed() async throws {
        let fixture = try await SealedArchiveFixture()
        let (msgid, _) = try victim(fixture)
        try fixture.tamper("DELETE FROM message WHERE msgid = ?", [msgid])
        let failure = try #require(try await fixture.verify().failure)
        #expect(failure.ref == msgid)
    }

    @Test func deletingTheTailOfTheLogIsCaughtByTheCheckpoint() async throws {
        let fixture = try await SealedArchiveFixture()
        let size: Int64 = try fixture.value("SELECT count(*) FROM ledger_leaf")!
        try fixture.tamper("DELETE FROM message WHERE leaf_index >= ?", [size - 5])
        try fixture.tamper("DELETE FROM message_media WHERE leaf_index >= ?", [size - 5])
        try fixture.tamper("DELETE FROM ledger_leaf WHERE idx >= ?", [size - 5])
        let failure = try #require(try await fixture.verify().failure)
        #expect(failure.kind == "checkpoint")
    }

    @Test func anInsertedMessageIsNamed() async throws {
        let fixture = try await SealedArchiveFixture()
        let (msgid, _) = try victim(fixture)
        // Copy a real row under a new id: a forged message without a place in the ledger.
        try fixture.tamper("""
            INSERT INTO message (msgid, seq, action, sender, tolist, roomid, conversation, msgtime, msgtype, body, text,
                                 recall_target, recalled_by, archived_at, leaf_index)
            SELECT 'forged-1', seq, action, sender, tolist, roomid, conversation, msgtime, msgtype, body, text,
                   recall_target, recalled_by, archived_at, 999999 FROM message WHERE msgid = ?
            """, [msgid])
        let failure = try #require(try await fixture.verify().failure)
        #expect(failure.ref == "forged-1")
    }

    @Test func reorderedRowsAreNamed() async throws {
        let fixture = try await SealedArchiveFixture()
        let first: String = try fixture.value("SELECT msgid FROM message WHERE leaf_index = (SELECT min(leaf_index) FROM message WHERE leaf_index > 10)")!
        let second: String = try fixture.value("SELECT msgid FROM message WHERE leaf_index = (SELECT min(leaf_index) FROM message WHERE leaf_index > 200)")!
        // Swap the two bodies (an attacker moving a message into another's place).
        let a: Data = try fixture.value("SELECT body FROM message WHERE msgid = ?", [first])!
        let b: Data = try fixture.value("SELECT body FROM message WHERE msgid = ?", [second])!
        try fixture.tamper("UPDATE message SET body = ? WHERE msgid = ?", [b, first])
        try fixture.tamper("UPDATE message SET body = ? WHERE msgid = ?", [a, second])
        let failure = try #require(try await fixture.verify().failure)
        #expect(failure.ref == first)

        let other = try await SealedArchiveFixture(messages: 60)
        let x: Int64 = try other.value("SELECT leaf_index FROM message WHERE leaf_index > 5 ORDER BY leaf_index LIMIT 1")!
        let y: Int64 = try other.value("SELECT leaf_index FROM message WHERE leaf_index > 30 ORDER BY leaf_index LIMIT 1")!
        let xid: String = try other.value("SELECT msgid FROM message WHERE leaf_index = ?", [x])!
        // Swap the two leaf positions.
        try other.tamper("UPDATE message SET leaf_index = -1 WHERE leaf_index = ?", [x])
        try other.tamper("UPDATE message SET leaf_index = ? WHERE leaf_index = ?", [x, y])
        try other.tamper("UPDATE message SET leaf_index = ? WHERE leaf_index = -1", [y])
        let swapped = try #require(try await other.verify().failure)
        #expect(swapped.leafIndex == UInt64(x) || swapped.ref == xid)
    }

    @Test func aFlippedOrMissingBlobIsNamed() async throws {
        let fixture = try await SealedArchiveFixture()
        let sha: String = try fixture.value("SELECT sha256 FROM message_media WHERE status = 'stored' ORDER BY rowid LIMIT 1")!
        let file = fixture.folder.appendingPathComponent("blobs").appendingPathComponent(String(sha.prefix(2)))
            .appendingPathComponent(String(sha.dropFirst(2).prefix(2))).appendingPathComponent(sha)
        var bytes = Array(try Data(contentsOf: file))
        bytes[bytes.count / 2] ^= 0x40
        try Data(bytes).write(to: file)
        let failure = try #require(try await fixture.verify().failure)
        #expect(failure.kind == "blob" && failure.ref == sha)
        try FileManager.default.removeItem(at: file)
        let missing = try #require(try await fixture.verify().failure)
        #expect(missing.kind == "blob" && missing.reason.contains("missing"))
    }

    @Test func aChangedAttachmentRecordIsNamed() async throws {
        let fixture = try await SealedArchiveFixture()
        let msgid: String = try fixture.value("SELECT msgid FROM message_media WHERE status = 'stored' ORDER BY rowid LIMIT 1")!
        try fixture.tamper("UPDATE media SET size = size + 1 WHERE sha256 = (SELECT sha256 FROM message_media WHERE msgid = ?)", [msgid])
        let failure = try #require(try await fixture.verify().failure)
        #expect(failure.kind == "media" && failure.ref.hasPrefix(msgid))
    }
}
