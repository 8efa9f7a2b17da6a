import ArchiveModel
import ArchiveStore
import Crypto
import Evidence
import Foundation
import GRDB
import Testing

/// An insider with write access to the database edits what users see; `verify` must name each edit, on both engines,
/// and reads must keep showing what the ledger proves.
@Suite(.serialized) struct DerivedColumnsTests {
    /// One edit to one stored value, and the problem `verify` must report for it.
    struct Edit {
        var record: String
        var field: String
        var sqlite: String
        var postgres: String
    }

    @Test(arguments: Engine.available)
    func everyVisibleColumnIsBoundToTheLedger(_ engine: Engine) async throws {
        let corpus = try SimulatedCorpus(messages: 400, seed: 17)
        try await withArchive(engine) { opened in try await check(opened, corpus: corpus) }
    }

    private func check(_ opened: OpenedArchive, corpus: SimulatedCorpus) async throws {
        let engine = opened.engine
        let store = opened.archive
        try await corpus.ingest(into: store)
        let key = Curve25519.Signing.PrivateKey()
        try await store.writeCheckpoint(signingKey: key)

        let clean = try await store.verify(publicKey: key.publicKey, blobs: nil)
        #expect(clean.ok && clean.derivedChecked && clean.problems.isEmpty, "\(clean.problems)")

        let singles = corpus.decoded.filter { $0.msgtype == "text" && $0.action == .send && $0.room == nil }
        let group = try #require(corpus.decoded.first { $0.room != nil && $0.msgtype == "text" })
        try #require(singles.count >= 12)
        let id = { (index: Int) in singles[index].id.rawValue }
        let conversation = try #require(singles[10].conversation?.rawValue)
        let edits: [Edit] = [
            Edit(record: id(0), field: "sender", sqlite: "UPDATE message SET sender = 'intruder' WHERE msgid = '\(id(0))'",
                 postgres: "UPDATE message SET sender = 'intruder' WHERE msgid = '\(id(0))'"),
            Edit(record: id(1), field: "tolist", sqlite: #"UPDATE message SET tolist = '["intruder"]' WHERE msgid = '\#(id(1))'"#,
                 postgres: "UPDATE message SET tolist = ARRAY['intruder'] WHERE msgid = '\(id(1))'"),
            Edit(record: id(2), field: "msgtime", sqlite: "UPDATE message SET msgtime = msgtime + 1000 WHERE msgid = '\(id(2))'",
                 postgres: "UPDATE message SET msgtime = msgtime + 1000 WHERE msgid = '\(id(2))'"),
            Edit(record: id(3), field: "msgtype", sqlite: "UPDATE message SET msgtype = 'image' WHERE msgid = '\(id(3))'",
                 postgres: "UPDATE message SET msgtype = 'image' WHERE msgid = '\(id(3))'"),
            Edit(record: id(4), field: "action", sqlite: "UPDATE message SET action = 'recall' WHERE msgid = '\(id(4))'",
                 postgres: "UPDATE message SET action = 'recall' WHERE msgid = '\(id(4))'"),
            Edit(record: group.id.rawValue, field: "roomid",
                 sqlite: "UPDATE message SET roomid = 'wrForged' WHERE msgid = '\(group.id.rawValue)'",
                 postgres: "UPDATE message SET roomid = 'wrForged' WHERE msgid = '\(group.id.rawValue)'"),
            Edit(record: id(5), field: "conversation", sqlite: "UPDATE message SET conversation = 'single:a|b' WHERE msgid = '\(id(5))'",
                 postgres: "UPDATE message SET conversation = 'single:a|b' WHERE msgid = '\(id(5))'"),
            Edit(record: id(6), field: "file_ext", sqlite: "UPDATE message SET file_ext = 'exe' WHERE msgid = '\(id(6))'",
                 postgres: "UPDATE message SET file_ext = 'exe' WHERE msgid = '\(id(6))'"),
            Edit(record: id(7), field: "has_media", sqlite: "UPDATE message SET has_media = 1 WHERE msgid = '\(id(7))'",
                 postgres: "UPDATE message SET has_media = true WHERE msgid = '\(id(7))'"),
            Edit(record: id(8), field: "text",
                 sqlite: "UPDATE message SET text = (SELECT text FROM message WHERE msgid = '\(id(11))') WHERE msgid = '\(id(8))'",
                 postgres: "UPDATE message SET text = (SELECT text FROM message WHERE msgid = '\(id(11))') WHERE msgid = '\(id(8))'"),
            Edit(record: id(9), field: "recalled_by", sqlite: "UPDATE message SET recalled_by = 'forged' WHERE msgid = '\(id(9))'",
                 postgres: "UPDATE message SET recalled_by = 'forged' WHERE msgid = '\(id(9))'"),
            Edit(record: "conversation:\(conversation)", field: "message_count",
                 sqlite: "UPDATE conversation SET message_count = message_count + 1 WHERE id = '\(conversation)'",
                 postgres: "UPDATE conversation SET message_count = message_count + 1 WHERE id = '\(conversation)'"),
            Edit(record: "conversation:\(conversation)", field: "conversation_party",
                 sqlite: "INSERT INTO conversation_party (conversation, party) VALUES ('\(conversation)', 'intruder')",
                 postgres: "INSERT INTO conversation_party (conversation, party) VALUES ('\(conversation)', 'intruder')"),
            Edit(record: id(11), field: "index",
                 sqlite: "INSERT INTO message_fts (rowid, uni, bi, who) VALUES ((SELECT id FROM message WHERE msgid = '\(id(11))'), 'aaaaaaaaaaaaa', '', '')",
                 postgres: "UPDATE message SET tokens = ''::tsvector WHERE msgid = '\(id(11))'"),
        ]
        for edit in edits { try await apply(engine == .sqlite ? edit.sqlite : edit.postgres, to: opened) }

        let report = try await store.verify(publicKey: key.publicKey, blobs: nil)
        #expect(!report.ok && report.failure?.kind == "derived")
        let found = Set(report.problems.map { "\($0.record) \($0.field)" })
        for edit in edits {
            #expect(found.contains("\(edit.record) \(edit.field)"), "\(edit.field) edit on \(edit.record) not reported: \(report.problems)")
        }
        #expect(report.problemCount == report.problems.count)

        // Quick mode checks the ledger only: the edits are invisible to it, which is why it is not the default.
        let quick = try await store.verify(publicKey: key.publicKey, blobs: nil, quick: true, progress: { _, _ in })
        #expect(quick.ok && !quick.derivedChecked && quick.problems.isEmpty)

        // What readers see still comes from the ledgered JSON.
        let shown = try #require(try await store.message(id: singles[0].id))
        #expect(shown.from == singles[0].from)
        let moved = try #require(try await store.message(id: singles[2].id))
        #expect(moved.time == singles[2].time)
        let retyped = try #require(try await store.message(id: singles[3].id))
        #expect(retyped.msgtype == "text" && retyped.toList == singles[3].toList)
    }

    /// A legal hold lifted, a message taken out of a case, or an archived attachment marked as never fetched, all behind
    /// ChatLedger's back: verify names each from the ledgered audit events and media leaves.
    @Test(arguments: Engine.available)
    func casesHoldsAndAttachmentsAreBoundToTheLedger(_ engine: Engine) async throws {
        try await withArchive(engine) { opened in
            let store = opened.archive
            let corpus = try SimulatedCorpus(messages: 120, seed: 23)
            try await corpus.ingest(into: store)
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("bound-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: folder) }
            let blobs = try FolderBlobStore(root: folder, sealer: store.sealer)
            let pending = try #require(try await store.pendingMedia(limit: 1).first)
            let bytes = Array("录音".utf8)
            try await store.recordMedia(MediaOutcome(messageID: pending.messageID, sdkFileID: pending.reference.sdkFileID, status: .stored,
                                                     sha256: try blobs.put(bytes), size: Int64(bytes.count), error: nil))
            let desk = CaseDesk(store: store)
            let held = try await desk.create(name: "保全", description: "", by: "alice")
            let ids = corpus.decoded.prefix(6).map(\.id)
            _ = try await desk.add(held.id, messages: ids, selection: [:], by: "alice")
            _ = try await desk.hold(held.id, by: "alice")
            let key = Curve25519.Signing.PrivateKey()
            try await store.writeCheckpoint(signingKey: key)
            let clean = try await store.verify(publicKey: key.publicKey, blobs: blobs)
            #expect(clean.ok, "\(clean.problems) \(String(describing: clean.failure))")

            try await apply("UPDATE evidence_case SET held_since = NULL, held_by = NULL WHERE id = '\(held.id)'", to: opened)
            try await apply("DELETE FROM case_message WHERE case_id = '\(held.id)' AND msgid = '\(ids[0].rawValue)'", to: opened)
            let edited = try await store.verify(publicKey: key.publicKey, blobs: blobs)
            let found = Set(edited.problems.map { "\($0.record) \($0.field)" })
            #expect(found.contains("case:\(held.id) held") && found.contains("case:\(held.id) case_message"), "\(edited.problems)")

            try await apply("UPDATE message_media SET status = 'gone' WHERE msgid = '\(pending.messageID.rawValue)'", to: opened)
            let hidden = try await store.verify(publicKey: key.publicKey, blobs: blobs)
            #expect(!hidden.ok && hidden.failure?.kind == "media", "\(String(describing: hidden.failure))")
        }
    }

    private func apply(_ sql: String, to opened: OpenedArchive) async throws {
        switch opened.engine {
        case .sqlite:
            let queue = try DatabaseQueue(path: opened.name + "/archive.sqlite")
            try await queue.write { try $0.execute(sql: sql) }
        case .postgres:
            try await ScratchDatabase.execute(sql, on: try #require(opened.url))
        }
    }
}
