import Alerts
import ArchiveModel
import ArchiveStore
import Crypto
import Foundation
import Ingest
import Ledger
import Risk
import Search
import Simulator
import Testing
import WeCom

/// A seeded simulated corp's archive, ready to ingest into any engine.
struct SimulatedCorpus: Sendable {
    let archive: SimulatedArchive
    let ring: PrivateKeyRing
    let decoded: [ChatMessage]

    init(messages: Int, seed: UInt64) throws {
        archive = try SimulatedArchive(seed: seed, expectedMessages: messages)
        try archive.produce(messages)
        var ring = PrivateKeyRing()
        for (version, pem) in archive.privateKeyPEMs { ring.add(try RSABackend.openssl.privateKey(pem: pem), version: version) }
        self.ring = ring
        decoded = try archive.messages.map { try MessageDecoder().decode($0.json, seq: $0.seq) }
    }

    @discardableResult
    func ingest(into store: any ArchiveStore, scanningRisk: Bool = false) async throws -> CommitSummary {
        var pipeline = IngestPipeline(store: store, opener: EnvelopeOpener(keyRing: ring))
        if scanningRisk { pipeline.risk = RiskAnalysis(scanner: RiskScanner(policy: .builtIn), policyVersion: 1, channels: ["log"]) }
        return try await pipeline.ingest(archive.envelopes)
    }

    var directory: DirectorySnapshot {
        let corp = archive.corp
        return DirectorySnapshot(
            departments: corp.departments.map { .init(id: $0.id, name: $0.name, parentID: $0.parentID, leaders: []) },
            parties: corp.employees.map { .init(id: $0.userID, kind: .employee, name: $0.name, departmentIDs: [$0.departmentID], corpName: nil, status: $0.status) }
                + corp.customers.map { .init(id: $0.externalUserID, kind: .externalContact, name: $0.name, departmentIDs: [], corpName: nil, status: nil) })
    }
}

/// The same behaviour from every engine: what the embedded archive's own tests establish, checked on each.
@Suite(.serialized) struct ArchiveConformanceTests {
    static func message(_ id: String, seq: UInt64, time: Int64 = 1_700_000_000_000, text: String? = nil,
                        room: String = "") throws -> ChatMessage {
        let raw = #"{"msgid":"\#(id)","action":"send","from":"zhangsan","tolist":["wmC1"],"roomid":"\#(room)","msgtime":\#(time + Int64(seq)),"msgtype":"text","text":{"content":"\#(text ?? "第\(seq)条")"}}"#
        return try MessageDecoder().decode(Array(raw.utf8), seq: seq)
    }

    @Test(arguments: Engine.available)
    func batchesCursorsAndDuplicates(_ engine: Engine) async throws {
        try await withArchive(engine) { opened in
            let store = opened.archive
            let first = try await store.commit(IngestBatch(source: "wecom", messages: [try Self.message("a", seq: 1), try Self.message("b", seq: 2)],
                                                           cursor: 2, gaps: [SeqGap(after: 0, before: 1)]))
            #expect(first == CommitSummary(inserted: 2, duplicates: 0, quarantined: 0))
            #expect(try await store.cursor(source: "wecom") == 2)
            let again = try await store.commit(IngestBatch(source: "wecom", messages: [try Self.message("b", seq: 2), try Self.message("c", seq: 3),
                                                                                       try Self.message("c", seq: 3)], cursor: 3))
            #expect(again == CommitSummary(inserted: 1, duplicates: 2, quarantined: 0))
            _ = try await store.commit(IngestBatch(source: "wecom", messages: [], cursor: 1))
            #expect(try await store.cursor(source: "wecom") == 3)
            let stats = try await store.stats()
            #expect(stats.messages == 3 && stats.conversations == 1 && stats.seqGaps == 1)
            #expect(stats.byMsgtype == ["text": 3] && stats.cursors == ["wecom": 3])
            let stored = try #require(try await store.message(id: "b"))
            #expect(stored.raw == (try Self.message("b", seq: 2)).raw)
            #expect(stored.searchableText == "第2条" && stored.leafIndex == 1)
            #expect(try await store.message(id: "missing") == nil)
        }
    }

    @Test(arguments: Engine.available)
    func quarantinedInputsAreKeptAndResolved(_ engine: Engine) async throws {
        try await withArchive(engine) { opened in
            let store = opened.archive
            let failure = QuarantineFailure(seq: 7, msgid: "q1", kind: .message, reasonCode: "decode", reason: "bad JSON",
                                            payload: Array(#"{"msgid":"q1""#.utf8))
            let summary = try await store.commit(IngestBatch(source: "wecom", messages: [], quarantined: [failure, failure], cursor: 7))
            #expect(summary.quarantined == 2)
            let open = try await store.quarantine(includeResolved: false, limit: 10)
            #expect(open.count == 1)
            #expect(open.first?.payload == failure.payload && open.first?.attempts == 2 && open.first?.reasonCode == "decode")
            try await store.resolveQuarantine([QuarantineResolution(entryID: open[0].id, message: try Self.message("q1", seq: 7))],
                                              retriedAgain: [])
            #expect(try await store.quarantine(includeResolved: false, limit: 10).isEmpty)
            #expect(try await store.quarantine(includeResolved: true, limit: 10).first?.resolvedAt != nil)
            #expect(try await store.message(id: "q1") != nil)
            #expect(try await store.stats().quarantined == 0)
        }
    }

    @Test(arguments: Engine.available)
    func recallsArriveInEitherOrder(_ engine: Engine) async throws {
        try await withArchive(engine) { opened in
            let store = opened.archive
            let revoke = try MessageDecoder().decode(Array(#"{"msgid":"r1","action":"recall","from":"zhangsan","tolist":["wmC1"],"roomid":"","msgtime":1700000000100,"msgtype":"revoke","revoke":{"pre_msgid":"m2"}}"#.utf8), seq: 3)
            _ = try await store.commit(IngestBatch(source: "wecom", messages: [try Self.message("m1", seq: 1), revoke]))
            _ = try await store.commit(IngestBatch(source: "wecom", messages: [try Self.message("m2", seq: 2)]))
            #expect(try await store.message(id: "m2")?.recalledBy == "r1")
            #expect(try await store.message(id: "m1")?.recalledBy == nil)
            #expect(try await store.stats().recalled == 1)
        }
    }

    static func revoke(_ id: String, of target: String, seq: UInt64) throws -> ChatMessage {
        try MessageDecoder().decode(Array(#"{"msgid":"\#(id)","action":"recall","from":"zhangsan","tolist":["wmC1"],"roomid":"","msgtime":\#(1_700_000_000_100 + Int64(seq)),"msgtype":"revoke","revoke":{"pre_msgid":"\#(target)"}}"#.utf8), seq: seq)
    }

    /// Several revokes naming one message (a resent recall, a replayed batch): the first archived links it and a link is
    /// never rewritten, whatever the order of arrival — the engines used to disagree here (`RecallLinking`).
    @Test(arguments: Engine.available)
    func theFirstRecallArchivedLinksItsTargetForGood(_ engine: Engine) async throws {
        try await withArchive(engine) { opened in
            let store = opened.archive
            // Two stored revokes, then the target.
            _ = try await store.commit(IngestBatch(source: "wecom", messages: [try Self.revoke("r1", of: "t1", seq: 1)]))
            _ = try await store.commit(IngestBatch(source: "wecom", messages: [try Self.revoke("r2", of: "t1", seq: 2)]))
            _ = try await store.commit(IngestBatch(source: "wecom", messages: [try Self.message("t1", seq: 3)]))
            #expect(try await store.message(id: "t1")?.recalledBy == "r1")
            // A linked target gets another revoke later: the link stays.
            _ = try await store.commit(IngestBatch(source: "wecom", messages: [try Self.message("t2", seq: 4)]))
            _ = try await store.commit(IngestBatch(source: "wecom", messages: [try Self.revoke("r3", of: "t2", seq: 5)]))
            _ = try await store.commit(IngestBatch(source: "wecom", messages: [try Self.revoke("r4", of: "t2", seq: 6)]))
            #expect(try await store.message(id: "t2")?.recalledBy == "r3")
            // Two new revokes of a new target in one batch, the target between them: batch order decides.
            _ = try await store.commit(IngestBatch(source: "wecom", messages: [
                try Self.revoke("r5", of: "t3", seq: 7), try Self.message("t3", seq: 8), try Self.revoke("r6", of: "t3", seq: 9),
            ]))
            #expect(try await store.message(id: "t3")?.recalledBy == "r5")
            // A stored revoke beats one in the batch, in either order within the batch.
            _ = try await store.commit(IngestBatch(source: "wecom", messages: [try Self.revoke("r7", of: "t4", seq: 10)]))
            _ = try await store.commit(IngestBatch(source: "wecom", messages: [
                try Self.message("t4", seq: 11), try Self.revoke("r8", of: "t4", seq: 12),
            ]))
            #expect(try await store.message(id: "t4")?.recalledBy == "r7")
            _ = try await store.commit(IngestBatch(source: "wecom", messages: [try Self.revoke("r9", of: "t5", seq: 13)]))
            _ = try await store.commit(IngestBatch(source: "wecom", messages: [
                try Self.revoke("r10", of: "t5", seq: 14), try Self.message("t5", seq: 15),
            ]))
            #expect(try await store.message(id: "t5")?.recalledBy == "r9")
        }
    }

    @Test(arguments: Engine.available)
    func attachmentsJoinTheLedgerAndVerifyChecksBlobs(_ engine: Engine) async throws {
        try await withArchive(engine) { opened in
            let store = opened.archive
            let corpus = try SimulatedCorpus(messages: 300, seed: 11)
            try await corpus.ingest(into: store)
            let pending = try await store.pendingMedia(limit: 1000)
            #expect(!pending.isEmpty)
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("blobs-\(UUID().uuidString)")
            let blobs = try FolderBlobStore(root: folder, sealer: store.sealer)
            let fetched = try await MediaFetcher(source: corpus.archive, store: store, blobs: blobs).fetchPending()
            #expect(fetched.stored == pending.count)
            #expect(try await store.pendingMedia(limit: 1000).isEmpty)
            #expect(try await store.stats().media > 0)
            let hashes = try await store.mediaHashes(of: pending[0].messageID)
            #expect(!hashes.isEmpty)
            // A page's attachments in one query are each message's, in the same order.
            let ids = Array(Set(pending.map(\.messageID))) + [MessageID(rawValue: "no-such-message")]
            let page = try await store.mediaHashes(of: ids)
            for id in ids { #expect(page[id] ?? [] == (try await store.mediaHashes(of: id)), "\(id)") }
            let key = Curve25519.Signing.PrivateKey()
            try await store.writeCheckpoint(signingKey: key)
            let report = try await store.verify(publicKey: key.publicKey, blobs: blobs)
            #expect(report.ok, "\(String(describing: report.failure))")
            #expect(report.media == pending.count && report.blobs == pending.count && report.messages == corpus.decoded.count)
            try FileManager.default.removeItem(at: folder.appendingPathComponent(String(hashes[0].prefix(2))))
            let damaged = try await store.verify(publicKey: key.publicKey, blobs: blobs)
            #expect(damaged.failure?.kind == "blob")
            try? FileManager.default.removeItem(at: folder)
        }
    }

    @Test(arguments: Engine.available)
    func checkpointsProofsAndAuditLeaves(_ engine: Engine) async throws {
        try await withArchive(engine) { opened in
            let store = opened.archive
            let key = Curve25519.Signing.PrivateKey()
            #expect(try await store.writeCheckpoint(signingKey: key) == nil)
            _ = try await store.commit(IngestBatch(source: "wecom", messages: (1...40).map { try! Self.message("p\($0)", seq: UInt64($0)) }))
            let first = try #require(try await store.writeCheckpoint(signingKey: key))
            #expect(first.treeSize == 40 && first.origin == store.origin)
            #expect(try await store.writeCheckpoint(signingKey: key) == nil)
            let audit = try await store.appendAudit(AuditEvent(actor: "auditor", action: "search", target: "保本", detail: ["from": "zhangsan"]))
            #expect(audit.leafIndex == 40)
            _ = try await store.commit(IngestBatch(source: "wecom", messages: [try Self.message("p41", seq: 41)]))
            let second = try #require(try await store.writeCheckpoint(signingKey: key))
            #expect(second.treeSize == 42)
            let proof = try await store.inclusionProof(msgid: "p17")
            #expect(proof.verify(publicKey: key.publicKey) == nil)
            #expect(proof.leafIndex == 16)
            let report = try await store.verify(publicKey: key.publicKey, blobs: nil)
            #expect(report.ok, "\(String(describing: report.failure))")
            #expect(report.messages == 41 && report.auditEvents == 1 && report.checkpoints == 2 && report.treeSize == 42)
            #expect(report.root == second.root.hex)
            // A third checkpoint: each is checked for consistency with the one before it.
            _ = try await store.commit(IngestBatch(source: "wecom", messages: [try Self.message("p42", seq: 42)]))
            try await store.writeCheckpoint(signingKey: key)
            let third = try await store.verify(publicKey: key.publicKey, blobs: nil)
            #expect(third.ok && third.checkpoints == 3, "\(String(describing: third.failure))")
            let stranger = Curve25519.Signing.PrivateKey()
            #expect(try await store.verify(publicKey: stranger.publicKey, blobs: nil).failure?.kind == "checkpoint")
        }
    }

    @Test(arguments: Engine.available)
    func alertsAreQueuedWithTheirMessagesAndDeliveredOnce(_ engine: Engine) async throws {
        try await withArchive(engine) { opened in
            let store = opened.archive
            let messages = [try Self.message("h1", seq: 1, text: "保本保息"), try Self.message("h2", seq: 2, text: "稳赚不赔"),
                            try Self.message("h3", seq: 3, text: "你好")]
            let hit = StoredRiskHit(category: "guarantee", rule: "guaranteed-return", severity: "high", start: 0, end: 2)
            _ = try await store.commit(IngestBatch(source: "wecom", messages: messages, riskHits: ["h1": [hit], "h2": [hit]], policyVersion: 1,
                                                   alertChannels: ["recorder"]))
            // The same delivery again is not news.
            _ = try await store.commit(IngestBatch(source: "wecom", messages: messages, riskHits: ["h1": [hit]], policyVersion: 1,
                                                   alertChannels: ["recorder"]))
            let recorder = RecordingChannel(name: "recorder")
            let dispatcher = AlertDispatcher(store: store, channels: [recorder])
            let first = try await dispatcher.deliverDue()
            #expect(first.delivered == 1 && first.failed == 0)
            #expect(try await dispatcher.deliverDue().delivered == 0)
            let delivered = await recorder.delivered
            #expect(delivered.count == 1 && delivered.first?.hitCount == 2 && delivered.first?.severity == "high")
        }
    }

    @Test(arguments: Engine.available)
    func failedDeliveriesStayQueuedWithBackoff(_ engine: Engine) async throws {
        try await withArchive(engine) { opened in
            let store = opened.archive
            let hit = StoredRiskHit(category: "contact", rule: "wechat-id", severity: "medium", start: 0, end: 2)
            _ = try await store.commit(IngestBatch(source: "wecom", messages: [try Self.message("w1", seq: 1, text: "加我微信")],
                                                   riskHits: ["w1": [hit]], alertChannels: ["nowhere"]))
            let dispatcher = AlertDispatcher(store: store, channels: [RecordingChannel(name: "recorder")])
            let first = try await dispatcher.deliverDue()
            #expect(first.delivered == 0 && first.failed == 1)
            // Backed off: not due again immediately.
            let second = try await dispatcher.deliverDue()
            #expect(second.delivered == 0 && second.failed == 0)
        }
    }
}

/// Keeps what it was asked to deliver.
actor RecordingChannel: AlertChannel {
    nonisolated let name: String
    private(set) var delivered: [AlertRecord] = []
    private let delay: Duration

    init(name: String, delay: Duration = .zero) {
        self.name = name
        self.delay = delay
    }

    func deliver(_ alert: AlertRecord) async throws {
        delivered.append(alert)
        if delay > .zero { try await Task.sleep(for: delay) }
    }
}
