import ArchiveModel
import ArchiveStore
import Foundation
import Ingest
import SQLiteStore
import Simulator
import Testing
import WeCom

/// A fresh archive in a temporary folder.
struct TestArchive {
    let folder: URL
    let store: SQLiteArchiveStore

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("ingest-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        store = try SQLiteArchiveStore(path: folder.appendingPathComponent("archive.sqlite").path, masterKey: .generate())
    }

    func pipeline(_ archive: SimulatedArchive, versions: [UInt32] = [1, 2]) throws -> IngestPipeline {
        var ring = PrivateKeyRing()
        for version in versions { ring.add(try RSABackend.openssl.privateKey(pem: archive.privateKeyPEMs[version]!), version: version) }
        return IngestPipeline(store: store, opener: EnvelopeOpener(keyRing: ring))
    }
}

@Suite struct IngestPipelineTests {
    static let simulated: SimulatedArchive = {
        let archive = try! SimulatedArchive(seed: 5, expectedMessages: 600)
        try! archive.produce(600)
        return archive
    }()

    @Test func everySimulatedMessageIsStoredOnceAndByteExact() async throws {
        let test = try TestArchive()
        let pipeline = try test.pipeline(Self.simulated)
        let lines = try Self.simulated.envelopes.map { Array(try JSONEncoder().encode($0)) }
        let summary = try await pipeline.ingestChatDataLines(lines, batchSize: 128)
        #expect(summary == CommitSummary(inserted: 600, duplicates: 0, quarantined: 0))
        for expected in Self.simulated.messages {
            let stored = try #require(try await test.store.message(id: MessageID(expected.msgid)))
            #expect(stored.raw == expected.json && stored.seq == expected.seq)
        }
        // Running the same import again changes nothing.
        let again = try await pipeline.ingestChatDataLines(lines, batchSize: 128)
        #expect(again.inserted == 0 && again.duplicates == 600)
        let stats = try await test.store.stats()
        #expect(stats.messages == 600 && stats.quarantined == 0 && stats.seqGaps == 0)
        #expect(stats.cursors["wecom"] == 600)
    }

    @Test func badInputIsQuarantinedWithItsReasonAndThePipelineContinues() async throws {
        let test = try TestArchive()
        let pipeline = try test.pipeline(Self.simulated, versions: [1])  // version 2 is missing
        var envelopes = Array(Self.simulated.envelopes.prefix(400))
        envelopes[3].encryptRandomKey = "@@@"                       // not base64
        envelopes[5].encryptChatMsg = String(envelopes[5].encryptChatMsg.prefix(50))  // truncated
        envelopes[7].publickeyVer = 9                                // unknown version
        envelopes[9].encryptChatMsg += String(repeating: "A", count: 25 << 20)  // oversized
        // Wrong key: a version-1 envelope re-wrapped so that key 1 cannot open it.
        let versionTwoEnvelope = try #require(envelopes.first { $0.publickeyVer == 2 })
        envelopes[11].encryptRandomKey = versionTwoEnvelope.encryptRandomKey
        envelopes[11].publickeyVer = 1
        var lines = try envelopes.map { Array(try JSONEncoder().encode($0)) }
        lines.insert(Array("{not json".utf8), at: 10)                // unreadable line
        let summary = try await pipeline.ingestChatDataLines(lines, batchSize: 64)
        let versionTwo = envelopes.filter { $0.publickeyVer == 2 }.count
        #expect(versionTwo > 0)
        #expect(summary.quarantined == 6 + versionTwo)
        #expect(summary.inserted == 400 - 5 - versionTwo)
        let reasons = Set(try await test.store.quarantine(includeResolved: false, limit: 1000).map(\.reasonCode))
        #expect(reasons.isSuperset(of: ["invalid-base64", "unknown-key-version", "invalid-json", "oversized",
                                        "envelope-malformed"]))
        #expect(reasons.contains("rsa-decrypt-failed") || reasons.contains("envelope-decrypt-failed"))
        #expect(try await test.store.cursor(source: "wecom") == 400)

        // The admin adds the missing key; a retry archives everything that is now readable.
        let fixed = try test.pipeline(Self.simulated, versions: [1, 2])
        let (resolved, failing) = try await fixed.retryQuarantine()
        #expect(resolved == versionTwo)
        #expect(failing == 6)
        #expect(try await test.store.stats().messages == 400 - 5)
    }

    @Test func missingSeqsAreRecordedAsGaps() async throws {
        let test = try TestArchive()
        let pipeline = try test.pipeline(Self.simulated)
        let envelopes = Self.simulated.envelopes
        _ = try await pipeline.ingest(Array(envelopes[0..<10]))
        _ = try await pipeline.ingest(Array(envelopes[15..<20]) + [envelopes[22]])
        #expect(try await test.store.seqGaps(source: "wecom") == [SeqGap(after: 10, before: 16), SeqGap(after: 20, before: 23)])
    }

    @Test func plaintextImportQuarantinesWhatDoesNotDecode() async throws {
        let test = try TestArchive()
        let pipeline = try test.pipeline(Self.simulated)
        var lines = Self.simulated.messages.prefix(100).map(\.json)
        lines.append(Array(#"{"msgid":"broken","action":"send"}"#.utf8))
        lines.append(Array(#"{"msgid":"mistyped","action":"send","from":"a","tolist":["b"],"msgtime":"yesterday","msgtype":"text"}"#.utf8))
        lines.append(Array(#"{"msgid":"cut","action":"send","fr"#.utf8))
        // Raw control characters are not an error: the message is archived.
        lines.append(Array(#"{"msgid":"ctl","action":"send","from":"a","tolist":["b"],"roomid":"","msgtime":1,"msgtype":"text","text":{"content":"a"#.utf8) + [0x07] + Array(#"b"}}"#.utf8))
        let summary = try await pipeline.importMessages(lines, batchSize: 30)
        #expect(summary.inserted == 101 && summary.quarantined == 3)
        let reasons = try await test.store.quarantine(includeResolved: false, limit: 10).map(\.reasonCode).sorted()
        #expect(reasons == ["invalid-json", "missing-field", "missing-field"])
        let again = try await pipeline.importMessages(lines, batchSize: 30)
        #expect(again.inserted == 0 && again.duplicates == 101)
    }
}

@Suite struct ArchivePullerTests {
    /// A source that fails with a retryable SDK code a few times before answering.
    final class FlakySource: ChatDataSource, @unchecked Sendable {
        let inner: SimulatedArchive
        let lock = NSLock()
        var failuresLeft: Int
        let code: Int
        init(inner: SimulatedArchive, failures: Int, code: Int) {
            self.inner = inner
            self.failuresLeft = failures
            self.code = code
        }
        func chatData(after seq: UInt64, limit: Int) async throws(WeComError) -> [ChatDataItem] {
            let fail = lock.withLock { () -> Bool in
                guard failuresLeft > 0 else { return false }
                failuresLeft -= 1
                return true
            }
            if fail { throw WeComError(.sdkError, "network", sdkCode: code) }
            return try await inner.chatData(after: seq, limit: limit)
        }
    }

    @Test func retryableSDKErrorsAreRetriedAndThePullCatchesUp() async throws {
        let test = try TestArchive()
        let source = FlakySource(inner: IngestPipelineTests.simulated, failures: 3, code: 10001)
        let puller = ArchivePuller(source: source, pipeline: try test.pipeline(IngestPipelineTests.simulated), batchSize: 250,
                                   backoff: { _ in })
        let summary = try await puller.pullUntilCaughtUp()
        #expect(summary.inserted == 600)
        #expect(try await test.store.cursor(source: "wecom") == 600)
    }

    @Test func otherSDKErrorsStopThePullWithoutMovingTheCursor() async throws {
        let test = try TestArchive()
        let source = FlakySource(inner: IngestPipelineTests.simulated, failures: 1, code: 10009)
        let puller = ArchivePuller(source: source, pipeline: try test.pipeline(IngestPipelineTests.simulated), backoff: { _ in })
        await #expect(throws: WeComError.self) { try await puller.pullUntilCaughtUp() }
        #expect(try await test.store.cursor(source: "wecom") == 0)
    }
}

@Suite struct MediaFetcherTests {
    struct ScriptedMedia: MediaSource {
        var files: [String: [UInt8]]
        var failAfterFirstChunk: Set<String> = []
        func mediaChunk(sdkFileID: String, indexBuffer: String) async throws(WeComError) -> MediaChunk {
            if failAfterFirstChunk.contains(sdkFileID) && !indexBuffer.isEmpty {
                throw WeComError(.sdkError, "network", sdkCode: 10001)
            }
            guard let bytes = files[sdkFileID] else { throw WeComError(.sdkError, "expired", sdkCode: 10010) }
            return try MediaChunk.slice(of: bytes, indexBuffer: indexBuffer)
        }
    }

    static func imageMessage(_ id: String, fileID: String, md5: String) throws -> ChatMessage {
        try MessageDecoder().decode(Array(#"{"msgid":"\#(id)","action":"send","from":"wmC","tolist":["u"],"roomid":"","msgtime":1700000000000,"msgtype":"image","image":{"md5sum":"\#(md5)","filesize":1,"sdkfileid":"\#(fileID)"}}"#.utf8), seq: 1)
    }

    @Test func multiChunkFilesAreReassembledAndBadOnesRetriedOrGivenUp() async throws {
        let test = try TestArchive()
        let big = (0..<(MediaChunk.size + 1234)).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        let md5 = InsecureMD5.hex
        let messages = [
            try Self.imageMessage("m1", fileID: "BIG", md5: md5(big)),
            try Self.imageMessage("m2", fileID: "WRONGMD5", md5: "00000000000000000000000000000000"),
            try Self.imageMessage("m3", fileID: "HALF", md5: md5(big)),
            try Self.imageMessage("m4", fileID: "EXPIRED", md5: ""),
        ]
        _ = try await test.store.commit(IngestBatch(source: "wecom", messages: messages))
        let blobs = try FolderBlobStore(root: test.folder.appendingPathComponent("blobs"), sealer: test.store.sealer)
        let source = ScriptedMedia(files: ["BIG": big, "WRONGMD5": [1, 2, 3], "HALF": big], failAfterFirstChunk: ["HALF"])
        let (stored, failed) = try await MediaFetcher(source: source, store: test.store, blobs: blobs, retry: MediaRetryPolicy(retention: nil)).fetchPending()
        #expect(stored == 1 && failed == 3)
        let hashes = try await test.store.mediaHashes(of: "m1")
        #expect(try blobs.get(try #require(hashes.first)) == big)
        // The md5 mismatch and the half-way failure stay pending for a retry; the expired file does not.
        // Failures back off rather than being tried again at once; `media retry` makes them due now.
        #expect(try await test.store.pendingMedia(limit: 10).isEmpty)
        _ = try await test.store.retryMedia(includingFailed: false)
        #expect(Set(try await test.store.pendingMedia(limit: 10).map(\.reference.sdkFileID)) == ["WRONGMD5", "HALF"])
    }
}
