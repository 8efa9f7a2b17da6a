import Alerts
import ArchiveModel
import ArchiveStore
import Foundation
import Ingest
import SQLiteStore
import Testing
import WeCom

@Suite struct WeeklyDigestTests {
    /// 2026-11-30 is a Monday.
    static func beijing(_ text: String) -> Int64 {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "Asia/Shanghai")
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        return Int64(formatter.date(from: text)!.timeIntervalSince1970 * 1000)
    }

    @Test func theDigestIsDueFromMondayNineForTheWeekBefore() {
        #expect(WeeklyDigest.weekStart(of: Self.beijing("2026-12-02 15:00")) == Self.beijing("2026-11-30 00:00"))
        #expect(WeeklyDigest.due(now: Self.beijing("2026-11-30 08:59")) == nil)
        let due = WeeklyDigest.due(now: Self.beijing("2026-11-30 09:00"))
        #expect(due?.weekStart == Self.beijing("2026-11-23 00:00") && due?.weekEnd == Self.beijing("2026-11-30 00:00"))
    }

    @Test func itIsQueuedOnceAndDeliveredWithItsText() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("digest-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let now = Self.beijing("2026-11-30 10:00")
        let store = try SQLiteArchiveStore(path: folder.appendingPathComponent("a.sqlite").path, masterKey: .generate(),
                                           clock: { WeComTime(milliseconds: now) })
        let json = #"{"msgid":"d1","action":"send","from":"wmCustomer","tolist":["zhangsan"],"roomid":"","msgtime":\#(Self.beijing("2026-11-24 10:00")),"msgtype":"text","text":{"content":"我要退款，太差了"}}"#
        _ = try await IngestPipeline(store: store, opener: EnvelopeOpener(keyRing: PrivateKeyRing())).importMessages([Array(json.utf8)])
        #expect(try await WeeklyDigest.queueIfDue(store: store, channels: ["robot"], now: now))
        #expect(try await !WeeklyDigest.queueIfDue(store: store, channels: ["robot"], now: now + 3_600_000))
        let recorder = RecordingChannel()
        try await AlertDispatcher(store: store, channels: [recorder]).deliverDue()
        let texts = recorder.texts
        #expect(texts.count == 1)
        #expect(texts.first?.contains("周报 2026-11-23 – 2026-11-29") == true && texts.first?.contains("退款退货 1") == true)
        #expect(try await store.alerts(status: "open").allSatisfy { $0.category != "weekly-digest" })
    }
}

final class RecordingChannel: AlertChannel, @unchecked Sendable {
    let name = "robot"
    private let lock = NSLock()
    private var received: [String] = []
    var texts: [String] { lock.withLock { received } }
    func deliver(_ alert: AlertRecord) async throws {
        lock.withLock { received.append(AlertText.summary(alert, consoleURL: nil)) }
    }
}
