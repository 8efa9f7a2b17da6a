import ArchiveModel
import ArchiveStore
import Foundation
import Ingest
import Testing
import WeCom

/// A clock the test moves by hand, shared by the store (which schedules media retries) and the test.
private final class BackoffClock: @unchecked Sendable {
    private let lock = NSLock()
    private var now: Int64
    init(_ start: Int64) { now = start }
    var time: WeComTime { lock.withLock { WeComTime(milliseconds: now) } }
    func advance(_ milliseconds: Int64) { lock.withLock { now += milliseconds } }
}

/// Media retries follow the same rule on every engine: the same due rows, the same schedule, the same give-ups.
@Suite(.serialized) struct MediaBackoffConformanceTests {
    static let start: Int64 = 1_790_000_000_000
    static let day: Int64 = 86_400_000

    static func image(_ id: String, seq: UInt64, sentAgo age: Int64) throws -> ChatMessage {
        let json = #"{"msgid":"\#(id)","action":"send","from":"wmC1","tolist":["zhangsan"],"roomid":"","msgtime":\#(start - age),"msgtype":"image","image":{"md5sum":"","filesize":3,"sdkfileid":"F-\#(id)"}}"#
        return try MessageDecoder().decode(Array(json.utf8), seq: seq)
    }

    static func failure(_ id: String) -> MediaOutcome {
        // Exactly at the retention's end (no grace, one attempt): the engines must agree on the schedule to the millisecond.
        MediaOutcome(messageID: MessageID(id), sdkFileID: "F-\(id)", status: .failed, sha256: nil, size: nil, error: "sdk-error: network down",
                     retry: MediaRetryPolicy(grace: 0, attemptsPastDeadline: 1))
    }

    static func due(_ store: any ArchiveStore) async throws -> [String] {
        try await store.pendingMedia(limit: 10).map(\.messageID.rawValue)
    }

    static func states(_ store: any ArchiveStore) async throws -> [String: MediaEntry] {
        let entries = try await store.unstoredMedia(limit: 10)
        return Dictionary(uniqueKeysWithValues: entries.map { ($0.messageID.rawValue, $0) })
    }

    @Test(arguments: Engine.available)
    func failuresBackOffAreGivenUpAfterTheRetentionAndComeBackOnRetry(_ engine: Engine) async throws {
        let clock = BackoffClock(Self.start)
        try await withArchive(engine, clock: { clock.time }) { opened in
            let store = opened.archive
            _ = try await store.commit(IngestBatch(source: "wecom", messages: [
                try Self.image("recent", seq: 1, sentAgo: 60_000),
                try Self.image("old", seq: 2, sentAgo: 6 * Self.day),
                // Its retention ends 45 s after the start.
                try Self.image("edge", seq: 3, sentAgo: 5 * Self.day - 45_000),
            ], cursor: 3))
            #expect(Set(try await Self.due(store)) == ["recent", "old", "edge"])
            for id in ["recent", "old", "edge"] { try await store.recordMedia(Self.failure(id)) }

            var states = try await Self.states(store)
            #expect(states["old"]?.state == .failed && states["old"]?.nextAttemptAt == nil)
            #expect(states["old"]?.error?.contains("retention") == true && states["old"]?.error?.contains("network down") == true)
            #expect(states["recent"]?.state == .retrying && states["recent"]?.nextAttemptAt == WeComTime(milliseconds: Self.start + 30_000))
            #expect(states["edge"]?.state == .retrying && states["edge"]?.nextAttemptAt == WeComTime(milliseconds: Self.start + 30_000))
            // Given-up rows are listed first.
            #expect(try await store.unstoredMedia(limit: 10).first?.messageID == "old")
            #expect(try await Self.due(store).isEmpty)

            clock.advance(30_000)
            #expect(Set(try await Self.due(store)) == ["recent", "edge"])
            for id in ["recent", "edge"] { try await store.recordMedia(Self.failure(id)) }
            states = try await Self.states(store)
            #expect(states["recent"]?.nextAttemptAt == WeComTime(milliseconds: Self.start + 30_000 + 60_000))
            // The second retry would fall after the end of the retention: it comes at that end instead.
            #expect(states["edge"]?.nextAttemptAt == WeComTime(milliseconds: Self.start + 45_000))

            clock.advance(15_000)
            #expect(try await Self.due(store) == ["edge"])
            try await store.recordMedia(Self.failure("edge"))
            #expect(try await Self.states(store)["edge"]?.state == .failed)

            // Five failures no longer retire an attachment: "recent" is due again after each backoff.
            var next = Self.start + 90_000
            for attempt in 3...7 {
                clock.advance(next - clock.time.milliseconds)
                #expect(try await Self.due(store) == ["recent"])
                try await store.recordMedia(Self.failure("recent"))
                let entry = try #require(try await Self.states(store)["recent"])
                #expect(entry.attempts == attempt && entry.state == .retrying)
                next += MediaRetryPolicy.wecom.delay(afterAttempts: attempt)
                #expect(entry.nextAttemptAt == WeComTime(milliseconds: next))
            }

            #expect(try await store.mediaBacklog() == MediaBacklog(pending: 1, due: 0, retrying: 1, failed: 2, stored: 0,
                                                                   nextAttemptAt: WeComTime(milliseconds: next)))
            // `stats` keeps its contract: pending counts what waits, failed what failed at least once.
            let stats = try await store.stats()
            #expect(stats.mediaPending == 1 && stats.mediaFailed == 3)

            #expect(try await store.retryMedia(includingFailed: false) == 1)
            #expect(try await store.mediaBacklog() == MediaBacklog(pending: 1, due: 1, retrying: 1, failed: 2, stored: 0, nextAttemptAt: nil))
            #expect(try await store.retryMedia(includingFailed: true) == 3)
            // Fewest attempts first.
            #expect(try await Self.due(store) == ["old", "edge", "recent"])

            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("backoff-blobs-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: folder) }
            let blobs = try FolderBlobStore(root: folder, sealer: store.sealer)
            let sha = try blobs.put([1, 2, 3])
            try await store.recordMedia(MediaOutcome(messageID: "old", sdkFileID: "F-old", status: .stored, sha256: sha, size: 3, error: nil))
            #expect(try await store.mediaHashes(of: "old") == [sha])
            #expect(try await store.mediaBacklog() == MediaBacklog(pending: 2, due: 2, retrying: 1, failed: 0, stored: 1, nextAttemptAt: nil))
            #expect(try await Self.due(store) == ["edge", "recent"])
        }
    }

    @Test(arguments: Engine.available)
    func theFetcherBacksOffOnEveryEngine(_ engine: Engine) async throws {
        let clock = BackoffClock(Self.start)
        try await withArchive(engine, clock: { clock.time }) { opened in
            let store = opened.archive
            _ = try await store.commit(IngestBatch(source: "wecom", messages: [try Self.image("m1", seq: 1, sentAgo: 1000)], cursor: 1))
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("backoff-blobs-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: folder) }
            let fetcher = MediaFetcher(source: DownMedia(), store: store, blobs: try FolderBlobStore(root: folder, sealer: store.sealer))
            for _ in 0..<10 { _ = try await fetcher.fetchPending() }
            // Ten wake-ups within the same second made one attempt.
            let entry = try #require(try await store.unstoredMedia(limit: 10).first)
            #expect(entry.attempts == 1 && entry.state == .retrying && entry.nextAttemptAt == WeComTime(milliseconds: Self.start + 30_000))
        }
    }
}

/// WeCom unreachable.
private struct DownMedia: MediaSource {
    func mediaChunk(sdkFileID: String, indexBuffer: String) async throws(WeComError) -> MediaChunk {
        throw WeComError(.sdkError, "network down", sdkCode: 10001)
    }
}
