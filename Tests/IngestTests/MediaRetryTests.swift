import ArchiveModel
import ArchiveStore
import Foundation
import Ingest
import SQLiteStore
import Testing
import WeCom

/// A clock the test moves by hand, shared by the store (which schedules retries) and the test.
private final class MediaTestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var now: Int64
    init(_ start: Int64) { now = start }
    var milliseconds: Int64 { lock.withLock { now } }
    var time: WeComTime { WeComTime(milliseconds: milliseconds) }
    func advance(_ milliseconds: Int64) { lock.withLock { now += milliseconds } }
}

/// Serves one file, or fails every call with an SDK code while `failing` is set; counts calls.
private final class SwitchableMedia: MediaSource, @unchecked Sendable {
    private let lock = NSLock()
    private var _failing: Bool
    private var _calls = 0
    let bytes: [UInt8]
    let code: Int

    init(bytes: [UInt8], failing: Bool, code: Int = 10001) {
        self.bytes = bytes
        _failing = failing
        self.code = code
    }

    var calls: Int { lock.withLock { _calls } }
    func setFailing(_ failing: Bool) { lock.withLock { _failing = failing } }

    func mediaChunk(sdkFileID: String, indexBuffer: String) async throws(WeComError) -> MediaChunk {
        let failing = lock.withLock {
            _calls += 1
            return _failing
        }
        if failing { throw WeComError(.sdkError, "network down", sdkCode: code) }
        return try MediaChunk.slice(of: bytes, indexBuffer: indexBuffer)
    }
}

/// Never finishes: every chunk is a full 512 KiB and the next index buffer is whatever `next` says.
private final class EndlessMedia: MediaSource, @unchecked Sendable {
    private let lock = NSLock()
    private var _calls = 0
    let next: @Sendable (String) -> String

    init(next: @escaping @Sendable (String) -> String) { self.next = next }

    var calls: Int { lock.withLock { _calls } }

    func mediaChunk(sdkFileID: String, indexBuffer: String) async throws(WeComError) -> MediaChunk {
        lock.withLock { _calls += 1 }
        return MediaChunk(data: [UInt8](repeating: 7, count: MediaChunk.size), nextIndexBuffer: next(indexBuffer), isFinished: false)
    }
}

/// An archive on a manual clock with one image message, and a blob folder.
private struct MediaFixture {
    static let start: Int64 = 1_790_000_000_000
    static let day: Int64 = 86_400_000
    let clock = MediaTestClock(MediaFixture.start)
    let folder: URL
    let store: SQLiteArchiveStore
    let blobs: FolderBlobStore

    /// - Parameters:
    ///   - age: how long before the clock's start the message was sent.
    ///   - size: the size the message announces (`nil`: none).
    init(age: Int64 = 60_000, size: Int64? = 3) async throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("media-retry-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let clock = self.clock
        store = try SQLiteArchiveStore(path: folder.appendingPathComponent("archive.sqlite").path, masterKey: .generate(),
                                       clock: { clock.time })
        blobs = try FolderBlobStore(root: folder.appendingPathComponent("blobs"), sealer: store.sealer)
        let sizeField = size.map { #","filesize":\#($0)"# } ?? ""
        let json = #"{"msgid":"img1","action":"send","from":"wmC1","tolist":["zhangsan"],"roomid":"","msgtime":\#(Self.start - age),"msgtype":"image","image":{"md5sum":""\#(sizeField),"sdkfileid":"FILE1"}}"#
        let message = try MessageDecoder().decode(Array(json.utf8), seq: 1)
        _ = try await store.commit(IngestBatch(source: "wecom", messages: [message]))
    }

    func entry() async throws -> MediaEntry? { try await store.unstoredMedia(limit: 10).first }
}

@Suite struct MediaRetryPolicyTests {
    @Test func theDelayDoublesFromThirtySecondsAndStopsAtAnHour() {
        let policy = MediaRetryPolicy.wecom
        #expect(policy.delay(afterAttempts: 0) == 0)
        #expect((1...9).map { policy.delay(afterAttempts: $0) }
                == [30_000, 60_000, 120_000, 240_000, 480_000, 960_000, 1_920_000, 3_600_000, 3_600_000])
        #expect(policy.delay(afterAttempts: 10_000) == 3_600_000)
        #expect(policy.delay(afterAttempts: .max) == 3_600_000)
        #expect(MediaRetryPolicy(baseDelay: .max, maximumDelay: .max).delay(afterAttempts: 70) == .max)
    }

    @Test func aFailureIsRescheduledUntilTheRetentionEndsAndThenGivenUpWithAReason() {
        // The exact schedule at the retention's end, without the default grace (tested below).
        let policy = MediaRetryPolicy(grace: 0, attemptsPastDeadline: 1)
        let sent = WeComTime(milliseconds: 1_790_000_000_000)
        let failed = MediaOutcome(messageID: "m", sdkFileID: "F", status: .failed, sha256: nil, size: nil, error: "network down")
        let early = policy.update(for: failed, attempts: 3, messageTime: sent, now: WeComTime(milliseconds: sent.milliseconds + 1000))
        #expect(early == MediaRowUpdate(status: .failed, error: "network down", nextAttemptAt: WeComTime(milliseconds: sent.milliseconds + 1000 + 120_000)))
        // Close to the end of the retention, the last attempt falls on its very end.
        let deadline = sent.milliseconds + 5 * 86_400_000
        let late = policy.update(for: failed, attempts: 40, messageTime: sent, now: WeComTime(milliseconds: deadline - 10_000))
        #expect(late.status == .failed && late.nextAttemptAt == WeComTime(milliseconds: deadline))
        let expired = policy.update(for: failed, attempts: 41, messageTime: sent, now: WeComTime(milliseconds: deadline))
        #expect(expired.status == .gone && expired.nextAttemptAt == nil)
        #expect(expired.error?.contains("retention") == true && expired.error?.contains("network down") == true)
        // Without a known msgtime, or with no retention, there is no deadline.
        #expect(policy.update(for: failed, attempts: 1, messageTime: nil, now: WeComTime(milliseconds: .max - 1)).status == .failed)
        var forever = policy
        forever.retention = nil
        #expect(forever.update(for: failed, attempts: 500, messageTime: sent, now: WeComTime(milliseconds: deadline * 2)).status == .failed)
        // Expired at WeCom and stored are final whatever the clock says.
        let gone = MediaOutcome(messageID: "m", sdkFileID: "F", status: .gone, sha256: nil, size: nil, error: "10010")
        #expect(policy.update(for: gone, attempts: 1, messageTime: sent, now: sent) == MediaRowUpdate(status: .gone, error: "10010", nextAttemptAt: nil))
    }

    @Test func pastTheRetentionAFileGetsAGracePeriodAndSeveralTriesAndLocalFailuresNeverGiveUp() {
        let policy = MediaRetryPolicy.wecom
        let sent = WeComTime(milliseconds: 1_790_000_000_000)
        let failed = MediaOutcome(messageID: "m", sdkFileID: "F", status: .failed, sha256: nil, size: nil, error: "network down")
        let deadline = sent.milliseconds + 5 * 86_400_000
        // An outage longer than the retention: the first failure after it is retried, not given up.
        #expect(policy.update(for: failed, attempts: 1, messageTime: sent, now: WeComTime(milliseconds: deadline + 1)).status == .failed)
        let afterGrace = WeComTime(milliseconds: deadline + policy.grace)
        // Past the grace, still only after a few attempts.
        #expect(policy.update(for: failed, attempts: 2, messageTime: sent, now: afterGrace).status == .failed)
        #expect(policy.update(for: failed, attempts: 3, messageTime: sent, now: afterGrace).status == .gone)
        // The archive's own failure (its blob store) is never a reason to give a file up.
        var local = failed
        local.local = true
        let kept = policy.update(for: local, attempts: 50, messageTime: sent, now: WeComTime(milliseconds: deadline * 2))
        #expect(kept.status == .failed && kept.nextAttemptAt == WeComTime(milliseconds: deadline * 2 + 3_600_000))
    }
}

@Suite struct MediaRetryTests {
    @Test func anOutageDoesNotUseUpTheAttemptsItBacksOffToAnHourInstead() async throws {
        let fixture = try await MediaFixture()
        let source = SwitchableMedia(bytes: [1, 2, 3], failing: true)
        let fetcher = MediaFetcher(source: source, store: fixture.store, blobs: fixture.blobs)
        let delays: [Int64] = [30_000, 60_000, 120_000, 240_000, 480_000, 960_000, 1_920_000, 3_600_000, 3_600_000, 3_600_000]
        for (index, delay) in delays.enumerated() {
            #expect(try await fetcher.fetchPending().failed == 1)
            // However often the puller wakes up before then, the attachment is not tried again.
            for _ in 0..<3 {
                let again = try await fetcher.fetchPending()
                #expect(again.stored == 0 && again.failed == 0)
            }
            let entry = try #require(try await fixture.entry())
            #expect(entry.state == .retrying && entry.attempts == index + 1 && entry.error?.contains("network down") == true)
            #expect(entry.nextAttemptAt == WeComTime(milliseconds: fixture.clock.milliseconds + delay))
            let backlog = try await fixture.store.mediaBacklog()
            #expect(backlog == MediaBacklog(pending: 1, due: 0, retrying: 1, failed: 0, stored: 0, nextAttemptAt: entry.nextAttemptAt))
            fixture.clock.advance(delay - 1)
            #expect(try await fixture.store.pendingMedia(limit: 10).isEmpty)
            fixture.clock.advance(1)
            #expect(try await fixture.store.pendingMedia(limit: 10).map(\.attempts) == [index + 1])
        }
        #expect(source.calls == delays.count)
        // The network is back ten failures later: the attachment is stored.
        source.setFailing(false)
        #expect(try await fetcher.fetchPending().stored == 1)
        #expect(try await fixture.store.mediaHashes(of: "img1").count == 1)
        #expect(try await fixture.store.mediaBacklog() == MediaBacklog(pending: 0, due: 0, retrying: 0, failed: 0, stored: 1, nextAttemptAt: nil))
        let stats = try await fixture.store.stats()
        #expect(stats.mediaPending == 0 && stats.media == 1)
    }

    @Test func mediaOlderThanWeComsRetentionIsGivenUpWithAReasonAndRetryBringsItBack() async throws {
        let fixture = try await MediaFixture(age: 6 * MediaFixture.day)
        let source = SwitchableMedia(bytes: [1, 2, 3], failing: true)
        let fetcher = MediaFetcher(source: source, store: fixture.store, blobs: fixture.blobs, retry: MediaRetryPolicy(grace: 0, attemptsPastDeadline: 1))
        // It is tried once however old it is, then given up.
        #expect(try await fetcher.fetchPending().failed == 1)
        let entry = try #require(try await fixture.entry())
        #expect(entry.state == .failed && entry.nextAttemptAt == nil)
        #expect(entry.error?.contains("retention") == true && entry.error?.contains("network down") == true)
        #expect(try await fixture.store.mediaBacklog() == MediaBacklog(pending: 0, due: 0, retrying: 0, failed: 1, stored: 0, nextAttemptAt: nil))
        fixture.clock.advance(MediaFixture.day)
        #expect(try await fixture.store.pendingMedia(limit: 10).isEmpty)
        // `media retry` alone leaves given-up attachments alone; `media retry --failed` tries them again.
        #expect(try await fixture.store.retryMedia(includingFailed: false) == 0)
        #expect(try await fixture.store.pendingMedia(limit: 10).isEmpty)
        #expect(try await fixture.store.retryMedia(includingFailed: true) == 1)
        #expect(try await fixture.entry()?.state == .pending)
        #expect(try await fixture.store.mediaBacklog().due == 1)
        source.setFailing(false)
        #expect(try await fetcher.fetchPending().stored == 1)
        #expect(try await fixture.entry() == nil)
    }

    @Test func retryMakesScheduledAttachmentsDueNow() async throws {
        let fixture = try await MediaFixture()
        let source = SwitchableMedia(bytes: [1, 2, 3], failing: true)
        let fetcher = MediaFetcher(source: source, store: fixture.store, blobs: fixture.blobs)
        _ = try await fetcher.fetchPending()
        #expect(try await fixture.store.pendingMedia(limit: 10).isEmpty)
        #expect(try await fixture.store.retryMedia(includingFailed: false) == 1)
        #expect(try await fixture.store.mediaBacklog() == MediaBacklog(pending: 1, due: 1, retrying: 1, failed: 0, stored: 0, nextAttemptAt: nil))
        source.setFailing(false)
        #expect(try await fetcher.fetchPending().stored == 1)
    }

    @Test func expiredAtWeComIsGivenUpAtOnce() async throws {
        let fixture = try await MediaFixture()
        let source = SwitchableMedia(bytes: [1, 2, 3], failing: true, code: 10010)
        #expect(try await MediaFetcher(source: source, store: fixture.store, blobs: fixture.blobs).fetchPending().failed == 1)
        let entry = try #require(try await fixture.entry())
        #expect(entry.state == .failed && entry.nextAttemptAt == nil && entry.error?.contains("network down") == true)
    }

    @Test func aLastAttemptFallsOnTheEndOfTheRetention() async throws {
        // Sent 5 days minus 20 s ago: the first retry would come after 30 s, past the retention, so it comes at its end.
        let fixture = try await MediaFixture(age: 5 * MediaFixture.day - 20_000)
        let fetcher = MediaFetcher(source: SwitchableMedia(bytes: [1, 2, 3], failing: true), store: fixture.store, blobs: fixture.blobs,
                                   retry: MediaRetryPolicy(grace: 0, attemptsPastDeadline: 1))
        _ = try await fetcher.fetchPending()
        #expect(try await fixture.entry()?.nextAttemptAt == WeComTime(milliseconds: MediaFixture.start + 20_000))
        fixture.clock.advance(20_000)
        #expect(try await fetcher.fetchPending().failed == 1)
        #expect(try await fixture.entry()?.state == .failed)
    }

    @Test func aCyclingIndexBufferStopsAtOnce() async throws {
        // No announced size: only the cycle check stops it (the cap is small so that a broken check still ends).
        let fixture = try await MediaFixture(size: nil)
        let source = EndlessMedia { $0 == "" ? "A" : $0 == "A" ? "B" : "A" }
        let fetcher = MediaFetcher(source: source, store: fixture.store, blobs: fixture.blobs, maximumBytes: 64 << 20)
        #expect(try await fetcher.fetchPending().failed == 1)
        #expect(source.calls == 3)
        let entry = try #require(try await fixture.entry())
        #expect(entry.state == .retrying && entry.error?.contains("loop") == true)
    }

    @Test func aDownloadStopsSoonAfterTheAnnouncedSize() async throws {
        let fixture = try await MediaFixture(size: 1000)
        // Always a new range: only the size bound stops it.
        let source = EndlessMedia { _ in "Range:bytes=\(UUID().uuidString)" }
        let fetcher = MediaFetcher(source: source, store: fixture.store, blobs: fixture.blobs, maximumBytes: 64 << 20)
        #expect(try await fetcher.fetchPending().failed == 1)
        // 1000 bytes announced, 1 MiB of margin: the third 512 KiB chunk is one too many.
        #expect(source.calls == 3)
        let entry = try #require(try await fixture.entry())
        #expect(entry.state == .retrying && entry.error?.contains("more than") == true)
    }

    @Test func withoutAnAnnouncedSizeTheAbsoluteCapGivesUp() async throws {
        let fixture = try await MediaFixture(size: nil)
        let source = EndlessMedia { _ in "Range:bytes=\(UUID().uuidString)" }
        let fetcher = MediaFetcher(source: source, store: fixture.store, blobs: fixture.blobs, maximumBytes: 3 * MediaChunk.size)
        #expect(try await fetcher.fetchPending().failed == 1)
        #expect(source.calls == 4)
        let entry = try #require(try await fixture.entry())
        #expect(entry.state == .failed && entry.error?.contains("larger than") == true)
    }

    @Test func anAnnouncedSizeALittleOffStillDownloads() async throws {
        // WeCom announced 1 byte; the file is one chunk and a bit: within the margin.
        let fixture = try await MediaFixture(size: 1)
        let bytes = (0..<(MediaChunk.size + 1234)).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        let fetcher = MediaFetcher(source: SwitchableMedia(bytes: bytes, failing: false), store: fixture.store, blobs: fixture.blobs)
        #expect(try await fetcher.fetchPending().stored == 1)
        let sha = try #require(try await fixture.store.mediaHashes(of: "img1").first)
        #expect(try fixture.blobs.get(sha) == bytes)
    }
}

@Suite struct FolderBlobStoreDurabilityTests {
    static func permissions(_ path: String) throws -> Int {
        let value = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions]
        return ((value as? NSNumber)?.intValue ?? (value as? Int) ?? -1) & 0o777
    }

    @Test func blobsAreOwnerOnlyAndNoTemporaryFileIsLeft() async throws {
        let fixture = try await MediaFixture()
        let root = fixture.folder.appendingPathComponent("fresh-blobs")
        let blobs = try FolderBlobStore(root: root, sealer: fixture.store.sealer)
        let sha = try blobs.put([9, 8, 7])
        #expect(try blobs.put([9, 8, 7]) == sha)
        let inner = root.appendingPathComponent(String(sha.prefix(2))).appendingPathComponent(String(sha.dropFirst(2).prefix(2)))
        #expect(try Self.permissions(root.path) == 0o700)
        #expect(try Self.permissions(inner.deletingLastPathComponent().path) == 0o700)
        #expect(try Self.permissions(inner.path) == 0o700)
        #expect(try Self.permissions(inner.appendingPathComponent(sha).path) == 0o600)
        #expect(try FileManager.default.contentsOfDirectory(atPath: inner.path) == [sha])
        #expect(try blobs.get(sha) == [9, 8, 7])
    }
}
