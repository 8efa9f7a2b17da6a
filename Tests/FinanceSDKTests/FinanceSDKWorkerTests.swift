import ArchiveModel
import ArchiveStore
import Foundation
import Ingest
import SQLiteStore
import Simulator
import Testing
import WeCom

@Suite(.serialized) struct FinanceSDKWorkerTests {
    static func store() throws -> SQLiteArchiveStore {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sdkstore-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return try SQLiteArchiveStore(path: folder.appendingPathComponent("a.sqlite").path, masterKey: .generate())
    }

    @Test func theVendorPathArchivesEverythingLikeTheSwiftPath() async throws {
        let fixture = try FinanceSDKFixture(messages: 150)
        let sdk = try fixture.client(environment: ["FINANCE_DOUBLE_NETWORK_FAILURES": "2"])
        let store = try Self.store()
        let pipeline = IngestPipeline(store: store, opener: EnvelopeOpener(keyRing: try fixture.keyRing(), decryptor: sdk))
        let summary = try await ArchivePuller(source: sdk, pipeline: pipeline, batchSize: 40, backoff: { _ in }).pullUntilCaughtUp()
        #expect(summary.inserted == 150)
        for expected in fixture.archive.messages {
            #expect(try await store.message(id: MessageID(expected.msgid))?.raw == expected.json)
        }
        // The C double's DecryptData is an independent implementation: both must agree byte for byte.
        let swift = EnvelopeOpener(keyRing: try fixture.keyRing(), decryptor: SdkEnvelope())
        let vendor = EnvelopeOpener(keyRing: try fixture.keyRing(), decryptor: sdk)
        for item in fixture.archive.envelopes.prefix(60) {
            #expect(try swift.decrypt(item) == vendor.decrypt(item))
        }
        // Media through GetMediaData, chunk by chunk.
        let blobs = try FolderBlobStore(root: FileManager.default.temporaryDirectory.appendingPathComponent("blobs-\(UUID().uuidString)"), sealer: store.sealer)
        let (stored, failed) = try await MediaFetcher(source: sdk, store: store, blobs: blobs).fetchPending()
        #expect(failed == 0 && stored > 0)
        #expect(sdk.restarts == 0)
    }

    @Test func aCrashOfTheSDKMidCallQuarantinesOneEnvelopeAndTheArchiveCarriesOn() async throws {
        let fixture = try FinanceSDKFixture(messages: 80, seed: 78)
        let poisoned = fixture.archive.envelopes[17]
        let sdk = try fixture.client(environment: ["FINANCE_DOUBLE_POISON": String(poisoned.encryptChatMsg.prefix(40))])
        let store = try Self.store()
        let pipeline = IngestPipeline(store: store, opener: EnvelopeOpener(keyRing: try fixture.keyRing(), decryptor: sdk))
        let summary = try await ArchivePuller(source: sdk, pipeline: pipeline).pullUntilCaughtUp()
        #expect(summary.inserted == 79)
        #expect(summary.quarantined == 1)
        let entry = try #require(try await store.quarantine(includeResolved: false, limit: 10).first)
        #expect(entry.seq == poisoned.seq && entry.reasonCode == "sdk-crashed")
        #expect(sdk.restarts >= 1)
        #expect(try await store.cursor(source: "wecom") == 80)
        // The pure-Swift path can open what crashed the vendor library.
        let (resolved, _) = try await IngestPipeline(store: store, opener: EnvelopeOpener(keyRing: try fixture.keyRing())).retryQuarantine()
        #expect(resolved == 1)
    }

    @Test func aWrongSecretIsAClearError() async throws {
        let fixture = try FinanceSDKFixture(messages: 5, seed: 79)
        let sdk = try fixture.client(secret: "app-secret-by-mistake")
        await #expect(throws: WeComError.self) { try await sdk.chatData(after: 0, limit: 10) }
    }

    @Test func aMissingLibraryIsReported() async throws {
        let sdk = FinanceSDKWorkerClient(configuration: .init(
            command: [try FinanceSDKFixture.chatledgerBinary, "sdk-worker", "--library", "/nonexistent/libWeWorkFinanceSdk_C.so"],
            corpID: "ww", secret: "s"))
        do {
            _ = try await sdk.chatData(after: 0, limit: 1)
            Issue.record("expected an error")
        } catch {
            #expect(error.message.contains("cannot load the Finance SDK") || error.code == .sdkCrashed)
        }
    }
}
