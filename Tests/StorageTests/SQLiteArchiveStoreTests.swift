import ArchiveModel
import ArchiveStore
import Foundation
import SQLiteStore
import Testing
import WeCom

@Suite struct SQLiteArchiveStoreTests {
    let folder: URL
    let store: SQLiteArchiveStore
    let masterKey = MasterKey.generate()

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        store = try SQLiteArchiveStore(path: folder.appendingPathComponent("a.sqlite").path, masterKey: masterKey)
    }

    static func message(_ id: String, seq: UInt64, json: String? = nil) throws -> ChatMessage {
        let raw = json ?? #"{"msgid":"\#(id)","action":"send","from":"zhangsan","tolist":["wmC1"],"roomid":"","msgtime":\#(1_700_000_000_000 + seq),"msgtype":"text","text":{"content":"第\#(seq)条"}}"#
        return try MessageDecoder().decode(Array(raw.utf8), seq: seq)
    }

    @Test func aBatchAndItsCursorCommitTogetherAndDuplicatesAreIgnored() async throws {
        let first = try await store.commit(IngestBatch(source: "wecom", messages: [try Self.message("a", seq: 1), try Self.message("b", seq: 2)], cursor: 2))
        #expect(first == CommitSummary(inserted: 2, duplicates: 0, quarantined: 0))
        #expect(try await store.cursor(source: "wecom") == 2)
        let again = try await store.commit(IngestBatch(source: "wecom", messages: [try Self.message("b", seq: 2), try Self.message("c", seq: 3)], cursor: 3))
        #expect(again == CommitSummary(inserted: 1, duplicates: 1, quarantined: 0))
        // The cursor never moves backwards.
        _ = try await store.commit(IngestBatch(source: "wecom", messages: [], cursor: 1))
        #expect(try await store.cursor(source: "wecom") == 3)
        let stats = try await store.stats()
        #expect(stats.messages == 3 && stats.conversations == 1)
    }

    @Test func storedRawBytesRoundTripExactly() async throws {
        let raw = #"{"msgid":"x1","action":"send","from":"zhangsan","tolist":["wmC1"],"roomid":"","msgtime":1700000000000,"msgtype":"text","text":{"content":"  空格  与\u00e9 \/ 斜杠"}}"#
        let message = try Self.message("x1", seq: 5, json: raw)
        _ = try await store.commit(IngestBatch(source: "wecom", messages: [message], cursor: 5))
        let stored = try #require(try await store.message(id: "x1"))
        #expect(stored.raw == Array(raw.utf8))
        #expect(stored.seq == 5 && stored.from == "zhangsan" && stored.toList == ["wmC1"])
    }

    @Test func aRecallIsLinkedInEitherArrivalOrder() async throws {
        let revoke = { (id: String, target: String) in
            try Self.message(id, seq: 9, json: #"{"msgid":"\#(id)","action":"recall","from":"zhangsan","tolist":["wmC1"],"roomid":"","msgtime":1700000009000,"msgtype":"revoke","revoke":{"pre_msgid":"\#(target)"}}"#)
        }
        _ = try await store.commit(IngestBatch(source: "wecom", messages: [try Self.message("m1", seq: 1), try revoke("r1", "m1")]))
        #expect(try await store.message(id: "m1")?.recalledBy == "r1")
        _ = try await store.commit(IngestBatch(source: "wecom", messages: [try revoke("r2", "m2")]))
        _ = try await store.commit(IngestBatch(source: "wecom", messages: [try Self.message("m2", seq: 2)]))
        #expect(try await store.message(id: "m2")?.recalledBy == "r2")
        #expect(try await store.stats().recalled == 2)
    }

    @Test func quarantineKeepsTheBytesAndTheReasonAndDeduplicatesRetries() async throws {
        let failure = QuarantineFailure(seq: 7, msgid: "q1", kind: .envelope, reasonCode: "unknown-key-version",
                                        reason: "no key", payload: Array("payload-bytes".utf8))
        _ = try await store.commit(IngestBatch(source: "wecom", messages: [], quarantined: [failure], cursor: 7))
        _ = try await store.commit(IngestBatch(source: "wecom", messages: [], quarantined: [failure], cursor: 7))
        let entries = try await store.quarantine(includeResolved: false, limit: 10)
        #expect(entries.count == 1)
        #expect(entries[0].payload == Array("payload-bytes".utf8) && entries[0].attempts == 2 && entries[0].seq == 7)
        try await store.resolveQuarantine([QuarantineResolution(entryID: entries[0].id, message: try Self.message("q1", seq: 7))], retriedAgain: [])
        #expect(try await store.quarantine(includeResolved: false, limit: 10).isEmpty)
        #expect(try await store.message(id: "q1") != nil)
        #expect(try await store.stats().quarantined == 0)
    }

    @Test func mediaReferencesBecomePendingThenStored() async throws {
        let json = #"{"msgid":"img1","action":"send","from":"wmC1","tolist":["zhangsan"],"roomid":"","msgtime":1700000000000,"msgtype":"image","image":{"md5sum":"abc","filesize":3,"sdkfileid":"FILE1"}}"#
        _ = try await store.commit(IngestBatch(source: "wecom", messages: [try Self.message("img1", seq: 1, json: json)]))
        let pending = try await store.pendingMedia(limit: 10)
        #expect(pending.map(\.reference.sdkFileID) == ["FILE1"])
        let blobs = try FolderBlobStore(root: folder.appendingPathComponent("blobs"), sealer: store.sealer)
        let sha = try blobs.put([1, 2, 3])
        try await store.recordMedia(MediaOutcome(messageID: "img1", sdkFileID: "FILE1", status: .stored, sha256: sha, size: 3, error: nil))
        #expect(try await store.pendingMedia(limit: 10).isEmpty)
        #expect(try await store.mediaHashes(of: "img1") == [sha])
        #expect(try blobs.get(sha) == [1, 2, 3])
        #expect(try await store.stats().media == 1)
    }

    @Test func reopeningKeepsEverything() async throws {
        _ = try await store.commit(IngestBatch(source: "wecom", messages: [try Self.message("a", seq: 1)], cursor: 1))
        let reopened = try SQLiteArchiveStore(path: folder.appendingPathComponent("a.sqlite").path, masterKey: masterKey)
        #expect(try await reopened.cursor(source: "wecom") == 1)
        #expect(try await reopened.stats().messages == 1)
    }
}
