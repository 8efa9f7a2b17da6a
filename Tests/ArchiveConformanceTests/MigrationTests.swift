import Alerts
import ArchiveModel
import ArchiveStore
import Crypto
import Foundation
import Ingest
import Ledger
import ObjectStorage
import PostgresStore
import SQLiteStore
import Search
import Simulator
import StoreMigration
import Testing

/// An embedded archive moved to PostgreSQL and S3 keeps its ledger: same root, every record and blob verifies,
/// and the log grows on from where it was.
@Suite(.serialized, .enabled(if: Engine.available.contains(.postgres)))
struct MigrationTests {
    @Test func anEmbeddedArchiveMovesWithItsLedgerIntact() async throws {
        let masterKey = MasterKey.generate()
        let key = Curve25519.Signing.PrivateKey()
        let corpus = try SimulatedCorpus(messages: 400, seed: 77)
        try await withArchive(.sqlite, masterKey: masterKey) { embedded in
            let sqlite = try #require(embedded.archive as? SQLiteArchiveStore)
            try await corpus.ingest(into: sqlite)
            try await sqlite.saveDirectory(corpus.directory)
            let folder = URL(fileURLWithPath: embedded.name).appendingPathComponent("blobs")
            let blobs = try FolderBlobStore(root: folder, sealer: sqlite.sealer)
            let fetched = try await MediaFetcher(source: corpus.archive, store: sqlite, blobs: blobs).fetchPending()
            #expect(fetched.stored > 0)
            try await sqlite.writeCheckpoint(signingKey: key)
            try await sqlite.appendAudit(AuditEvent(actor: "auditor", action: "search", target: "返利"))
            let hit = StoredRiskHit(category: "guarantee", rule: "guaranteed-return", severity: "high", start: 0, end: 2)
            let flagged = try ArchiveConformanceTests.message("mig-1", seq: 90_001, text: "保本")
            _ = try await sqlite.commit(IngestBatch(source: "manual", messages: [flagged], riskHits: [flagged.id: [hit]], alertChannels: ["ops"]))
            let last = try #require(try await sqlite.writeCheckpoint(signingKey: key))
            // What the console adds: an account with a second factor and a token, protected staff, settings, waits, reviews.
            try await sqlite.addUser(ConsoleConformanceTests.user("officer"))
            try await sqlite.updateUser(named: "officer", ConsoleUserChange(totpSecret: .some("JBSWY3DPEHPK3PXP")))
            try await sqlite.addAPIToken(for: "officer", name: "ci", tokenHash: "token-hash")
            try await sqlite.openSession(for: "officer", tokenHash: "session-hash", csrf: "c", lifetime: 60_000)
            try await sqlite.setProtectedStaff(ProtectedStaff(userid: corpus.archive.corp.employees[0].userID, viewers: ["officer"]))
            try await sqlite.saveSLASettings(document: Array(#"{"rules":[]}"#.utf8), by: "admin")
            try await ReplyTimeoutTracker(store: sqlite, channels: []).recomputeDirty()
            let sampled = try await sqlite.activeConversations(since: 0, until: .max).prefix(3)
            try await sqlite.addReviewSamples(Array(sampled), period: "2026-11")
            let sample = try #require(try await sqlite.reviewSamples(period: nil, reviewed: nil, limit: 1).first)
            try await sqlite.scoreReviewSample(id: sample.id, reviewer: "officer", items: ["tone": 90], total: 90, comment: "好")

            let target = try await ScratchDatabase.create()
            defer { Task { try? await ScratchDatabase.drop(target) } }
            let endpoint = try #require(ProcessInfo.processInfo.environment["CHATLEDGER_TEST_S3_ENDPOINT"].flatMap(URL.init(string:)),
                                        "run scripts/start-services.sh for the S3 server")
            let s3 = S3BlobStore(configuration: .init(endpoint: endpoint, bucket: "migration-\(UUID().uuidString.lowercased().prefix(8))",
                                                      accessKey: "test", secretKey: "test", prefix: "archive/"), sealer: sqlite.sealer)
            try await s3.createBucket()
            let report = try await ArchiveMigration(source: sqlite, to: target).run(sourceBlobs: blobs, targetBlobs: s3)
            #expect(report.tables["message"] == corpus.decoded.count + 1)
            #expect(report.blobs == fetched.stored && report.treeSize == last.treeSize && report.root == last.root.hex)
            #expect(report.tables["audit_event"] == 1 && report.tables["alert"] == 1 && report.tables["checkpoint"] == 2)

            let postgres = try await PostgresArchiveStore.open(url: target, masterKey: masterKey)
            defer { postgres.close() }
            #expect(postgres.origin == sqlite.origin)
            let verified = try await postgres.verify(publicKey: key.publicKey, blobs: s3)
            #expect(verified.ok, "\(String(describing: verified.failure))")
            #expect(verified.root == last.root.hex && verified.blobs == fetched.stored && verified.auditEvents == 1)
            var before = try await sqlite.stats()
            var after = try await postgres.stats()
            before.mediaPending = 0; after.mediaPending = 0
            #expect(before == after)
            // Who took part in each conversation is rebuilt from the copied messages.
            for conversation in try await sqlite.conversations(ConversationFilter(limit: 30)).conversations {
                #expect(try await postgres.participants(ofConversation: conversation.id) == (try await sqlite.participants(ofConversation: conversation.id)))
            }
            for text in ["\"保本\"", "\"的\"", ""] {
                var request = SearchRequest()
                request.text = text
                request.limit = 30
                let x = try await SearchService(store: sqlite).search(request)
                let y = try await SearchService(store: postgres).search(request)
                #expect(x.total == y.total && x.hits.map(\.message.msgid) == y.hits.map(\.message.msgid))
            }
            #expect(report.notMigrated == ["console_session": 1])
            #expect(try await postgres.users() == (try await sqlite.users()))
            #expect(try await postgres.totpSecret(of: "officer") == "JBSWY3DPEHPK3PXP")
            #expect(try await postgres.user(apiTokenHash: "token-hash")?.username == "officer")
            #expect(try await postgres.session(tokenHash: "session-hash") == nil)
            #expect(try await postgres.protectedStaff() == (try await sqlite.protectedStaff()))
            #expect(try await postgres.slaSettingsDocument()?.document == (try await sqlite.slaSettingsDocument()?.document))
            let waits = try await sqlite.waits(since: 0, until: .max)
            let migratedWaits = try await postgres.waits(since: 0, until: .max)
            #expect(!waits.isEmpty && Set(migratedWaits) == Set(waits))
            #expect(try await postgres.reviewSamples(period: nil, reviewed: nil, limit: 10) == (try await sqlite.reviewSamples(period: nil, reviewed: nil, limit: 10)))
            let (x, y) = (try await sqlite.insightTotals(sinceDay: "2000", untilDay: "2100", employees: nil),
                          try await postgres.insightTotals(sinceDay: "2000", untilDay: "2100", employees: nil))
            #expect(!x.volume.isEmpty && x.volume.map { "\($0)" }.sorted() == y.volume.map { "\($0)" }.sorted())
            #expect(x.hours.map { "\($0)" }.sorted() == y.hours.map { "\($0)" }.sorted())
            let repliesX = try await sqlite.replyTotals(sinceDay: "2000", untilDay: "2100", employees: nil)
            let repliesY = try await postgres.replyTotals(sinceDay: "2000", untilDay: "2100", employees: nil)
            #expect(!repliesX.isEmpty && Set(repliesX) == Set(repliesY))
            // New rows continue after the copied ids.
            #expect(try await postgres.addUser(ConsoleConformanceTests.user("second")).id > (try await sqlite.user(named: "officer")!.id))
            // The migrated outbox still delivers, and the log grows on consistently.
            let recorder = RecordingChannel(name: "ops")
            _ = try await AlertDispatcher(store: postgres, channels: [recorder]).deliverDue()
            #expect(await recorder.delivered.count == 1)
            _ = try await postgres.commit(IngestBatch(source: "manual", messages: [try ArchiveConformanceTests.message("mig-2", seq: 90_002)]))
            let next = try #require(try await postgres.writeCheckpoint(signingKey: key))
            #expect(next.treeSize == last.treeSize + 1)
            let grown = try await postgres.verify(publicKey: key.publicKey, blobs: s3)
            #expect(grown.ok, "\(String(describing: grown.failure))")

            // A database that already holds an archive is never overwritten.
            await #expect(throws: StorageError.self) {
                _ = try await ArchiveMigration(source: sqlite, to: target).run(sourceBlobs: nil, targetBlobs: nil)
            }
        }
    }
}
