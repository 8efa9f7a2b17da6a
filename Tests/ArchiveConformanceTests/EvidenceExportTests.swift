import ArchiveModel
import ArchiveStore
import Crypto
import Evidence
import Foundation
import Ledger
import Testing

/// A case exported from each engine is a package both verifiers accept, that shows every message of the case, and
/// that the archive records: an audit event and an export listed on the case.
@Suite(.serialized) struct EvidenceExportTests {
    @Test(arguments: Engine.available)
    func aHeldCaseExportsToAPackageThatVerifies(_ engine: Engine) async throws {
        try await withArchive(engine) { opened in
            let store = opened.archive
            let corpus = try SimulatedCorpus(messages: 150, seed: 11)
            try await corpus.ingest(into: store)
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("export-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            let blobs = try FolderBlobStore(root: folder.appendingPathComponent("blobs"), sealer: store.sealer)

            // Two attachments fetched, as the media fetcher would record them.
            let pending = try await store.pendingMedia(limit: 2)
            try #require(pending.count == 2)
            for (offset, item) in pending.enumerated() {
                let bytes = Array("附件 \(offset) 的内容".utf8)
                let sha = try blobs.put(bytes)
                try await store.recordMedia(MediaOutcome(messageID: item.messageID, sdkFileID: item.reference.sdkFileID, status: .stored,
                                                         sha256: sha, size: Int64(bytes.count), error: nil))
            }
            let key = Curve25519.Signing.PrivateKey()
            try await store.writeCheckpoint(signingKey: key)

            let desk = CaseDesk(store: store)
            let opened = try await desk.create(name: "客户投诉：保本承诺", description: "<script>alert(1)</script>", by: "alice")
            let chosen = Array(corpus.decoded.prefix(30).map(\.id)) + pending.map(\.messageID)
            let added = try await desk.add(opened.id, messages: chosen, selection: ["msgids": "test"], by: "alice")
            _ = try await desk.hold(opened.id, by: "alice")

            let destination = folder.appendingPathComponent("case.zip")
            let result = try await EvidenceExporter(store: store, blobs: blobs, signingKey: key)
                .export(EvidenceExportRequest(scope: .evidenceCase(opened.id), exportedBy: "bob", destination: destination))
            #expect(result.messages == added && result.media == 2)

            let verdict = EvidencePackageVerifier.verify(package: destination, publicKey: key.publicKey)
            #expect(verdict.ok, "\(verdict.failure ?? "")")
            #expect(verdict.messages == added && verdict.media == 2 && verdict.keySource == .given)
            let stranger = EvidencePackageVerifier.verify(package: destination, publicKey: Curve25519.Signing.PrivateKey().publicKey)
            #expect(!stranger.ok && stranger.failedCheck == .key)

            let exports = try await store.caseExports(opened.id)
            #expect(exports.count == 1 && exports[0].held && exports[0].manifestSHA256 == result.manifestSHA256)
            let audit = try await store.auditEvents(AuditFilter(limit: 50)).map(\.event)
            #expect(audit.contains { $0.action == "export" && $0.actor == "bob" && $0.detail["manifest_sha256"] == result.manifestSHA256 })
            #expect(audit.contains { $0.action == "case.hold" && $0.target == opened.id })
            // The export's own audit leaf is in the ledger and the archive still verifies with every derived column.
            let report = try await store.verify(publicKey: key.publicKey, blobs: blobs)
            #expect(report.ok, "\(String(describing: report.failure))")
        }
    }
}
