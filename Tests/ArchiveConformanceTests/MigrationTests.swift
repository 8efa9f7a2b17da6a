import Alerts
import ArchiveModel
import Crypto
import Foundation
import Ingest
import Ledger
import ObjectStorage
import PostgresStore
import Search
import Storage
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
            for text in ["\"保本\"", "\"的\"", ""] {
                var request = SearchRequest()
                request.text = text
                request.limit = 30
                let x = try await SearchService(store: sqlite).search(request)
                let y = try await SearchService(store: postgres).search(request)
                #expect(x.total == y.total && x.hits.map(\.message.msgid) == y.hits.map(\.message.msgid))
            }
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
