import ArchiveModel
import ArchiveStore
import Crypto
import Foundation
import Ledger
import Testing

/// Cases, legal holds (released only by a second person) and what an evidence export reads, the same on each engine.
@Suite(.serialized) struct CaseConformanceTests {
    @Test(arguments: Engine.available)
    func casesHoldAndReleaseWithFourEyes(_ engine: Engine) async throws {
        try await withArchive(engine) { opened in
            let store = opened.archive
            let corpus = try SimulatedCorpus(messages: 60, seed: 3)
            try await corpus.ingest(into: store)
            let ids = corpus.decoded.prefix(5).map(\.id)

            let created = try await store.createCase(name: "张三投诉", description: "承诺保本", by: "alice")
            #expect(created.id.hasPrefix("case-") && created.messages == 0 && !created.held)
            #expect(try await store.addToCase(created.id, messages: ids, by: "alice") == 5)
            #expect(try await store.addToCase(created.id, messages: [ids[0]], by: "bob") == 0)
            await #expect(throws: StorageError.self) { try await store.addToCase(created.id, messages: ["no-such-msgid"], by: "alice") }
            await #expect(throws: StorageError.self) { try await store.addToCase("case-missing", messages: [ids[0]], by: "alice") }
            #expect(Set(try await store.caseMessageIDs(created.id)) == Set(ids))
            #expect(try await store.cases().map(\.id) == [created.id])
            #expect(try await store.evidenceCase(id: created.id)?.messages == 5)

            #expect(try await store.heldMessages(among: ids).isEmpty)
            await #expect(throws: StorageError.self) { try await store.releaseCase(created.id, by: "alice") }
            let held = try await store.holdCase(created.id, by: "alice")
            #expect(held.held && held.heldBy == "alice")
            let others = corpus.decoded.suffix(3).map(\.id)
            #expect(try await store.heldMessages(among: ids + others) == Set(ids))

            #expect(try await store.releaseCase(created.id, by: "alice") == .requested)
            await #expect(throws: StorageError.self) { try await store.releaseCase(created.id, by: "alice") }
            #expect(try await store.evidenceCase(id: created.id)?.held == true)
            #expect(try await store.releaseCase(created.id, by: "bob") == .released(requestedBy: "alice"))
            #expect(try await store.evidenceCase(id: created.id)?.held == false)
            #expect(try await store.heldMessages(among: ids).isEmpty)

            let export = CaseExport(caseID: created.id, exportedBy: "bob", exportedAt: 1_700_000_000_000, manifestSHA256: String(repeating: "a", count: 64),
                                    messages: 5, media: 0, held: false)
            try await store.recordExport(export)
            #expect(try await store.caseExports(created.id) == [export])
        }
    }

    @Test(arguments: Engine.available)
    func proofsForAnExportReachTheSignedRoots(_ engine: Engine) async throws {
        try await withArchive(engine) { opened in
            let store = opened.archive
            let corpus = try SimulatedCorpus(messages: 80, seed: 5)
            try await corpus.ingest(into: store)
            let key = Curve25519.Signing.PrivateKey()
            let first = try #require(try await store.writeCheckpoint(signingKey: key))
            try await store.appendAudit(AuditEvent(actor: "alice", action: "case.create", target: "x"))
            let latest = try #require(try await store.writeCheckpoint(signingKey: key))

            let ids = corpus.decoded.prefix(10).map(\.id)
            let messages = try await store.messages(ids: ids)
            #expect(Set(messages.map(\.id)) == Set(ids))
            #expect(messages.map(\.leafIndex) == messages.map(\.leafIndex).sorted())
            let proofs = try await store.inclusionProofs(leaves: messages.map(\.leafIndex), treeSize: first.treeSize)
            for message in messages {
                let leaf = MerkleHash.leaf(LeafEncoding.message(seq: message.seq, msgid: message.id.rawValue, raw: message.raw))
                let proof = try #require(proofs[message.leafIndex]).map { MerkleHash(bytes: $0) }
                #expect(MerkleProofs.verifyInclusion(leaf: leaf, index: message.leafIndex, size: first.treeSize, proof: proof, root: first.root))
            }
            let consistency = try await store.consistencyProof(from: first.treeSize, to: latest.treeSize).map { MerkleHash(bytes: $0) }
            #expect(MerkleProofs.verifyConsistency(oldSize: first.treeSize, newSize: latest.treeSize, oldRoot: first.root,
                                                   newRoot: latest.root, proof: consistency))
            let withMedia = corpus.decoded.filter { !$0.content.mediaReferences.isEmpty }.map(\.id)
            // The simulated corpus fetches no media here: none is stored, so none is listed.
            #expect(try await store.mediaLeaves(of: withMedia).isEmpty)
        }
    }
}
