import ArchiveModel
import ArchiveStore
import Foundation
import Ingest
import Quality
import SQLiteStore
import Testing
import WeCom

/// A clock the test moves by hand, shared by the store and the tracker.
final class ManualClock: @unchecked Sendable {
    private let lock = NSLock()
    private var now: Int64
    init(_ start: Int64) { now = start }
    var milliseconds: Int64 { lock.withLock { now } }
    func set(_ moment: Int64) { lock.withLock { now = moment } }
}

/// An archive with one employee (`zhangsan`, leader `boss`) and the tracker over it, on a manual clock.
struct TrackerFixture {
    let clock: ManualClock
    let store: SQLiteArchiveStore
    let path: String
    var seq: UInt64 = 0

    init(start: String = "2026-11-27 09:00") async throws {
        clock = ManualClock(beijing(start))
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sla-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        path = folder.appendingPathComponent("a.sqlite").path
        let clock = self.clock
        store = try SQLiteArchiveStore(path: path, masterKey: Self.key, clock: { WeComTime(milliseconds: clock.milliseconds) })
        try await store.saveDirectory(DirectorySnapshot(
            departments: [.init(id: 1, name: "总部", parentID: nil, leaders: []), .init(id: 2, name: "理财部", parentID: 1, leaders: ["boss"])],
            parties: [.init(id: "zhangsan", kind: .employee, name: "张三", departmentIDs: [2], corpName: nil, status: 1),
                      .init(id: "lisi", kind: .employee, name: "李四", departmentIDs: [2], corpName: nil, status: 1),
                      .init(id: "boss", kind: .employee, name: "王总", departmentIDs: [2], corpName: nil, status: 1)],
            rooms: [.init(id: "wrGroup", name: "客户群", creator: "zhangsan", members: ["zhangsan", "lisi", "wmCustomer"])]))
    }

    static let key = MasterKey.generate()

    /// Reopens the store, as after a restart.
    func reopened() throws -> SQLiteArchiveStore {
        let clock = self.clock
        return try SQLiteArchiveStore(path: path, masterKey: Self.key, clock: { WeComTime(milliseconds: clock.milliseconds) })
    }

    func tracker(_ store: SQLiteArchiveStore? = nil) -> ReplyTimeoutTracker {
        let clock = self.clock
        return ReplyTimeoutTracker(store: store ?? self.store, channels: ["wecom-app"], clock: { clock.milliseconds })
    }

    /// Archives a message sent at `time` (Beijing), whenever it arrives.
    @discardableResult
    mutating func send(_ from: String, to: String, at time: String, room: String = "", text: String = "您好", id: String? = nil) async throws -> String {
        seq += 1
        let msgid = id ?? "m\(seq)"
        let json = #"{"msgid":"\#(msgid)","action":"send","from":"\#(from)","tolist":["\#(to)"],"roomid":"\#(room)","msgtime":\#(beijing(time)),"msgtype":"text","text":{"content":"\#(text)"}}"#
        try await commit(json)
        return msgid
    }

    mutating func recall(_ target: String, by from: String, to: String, at time: String) async throws {
        seq += 1
        let json = #"{"msgid":"r\#(seq)","action":"recall","from":"\#(from)","tolist":["\#(to)"],"roomid":"","msgtime":\#(beijing(time)),"msgtype":"revoke","revoke":{"pre_msgid":"\#(target)"}}"#
        try await commit(json)
    }

    private func commit(_ json: String) async throws {
        let message = try MessageDecoder().decode(Array(json.utf8), seq: seq)
        _ = try await store.commit(IngestBatch(source: "test", messages: [message], cursor: seq))
    }

    func at(_ time: String) { clock.set(beijing(time)) }

    func notices() async throws -> [(severity: String, recipients: [String])] {
        try await store.dueOutbox(limit: 100).map { ($0.alert.severity, $0.recipients ?? []) }
    }
}

@Suite struct ReplyTimeoutTrackerTests {
    @Test func remindsAtTheRightWorkingMinuteThenEscalatesToTheLeader() async throws {
        var fixture = try await TrackerFixture()
        try await fixture.send("wmCustomer", to: "zhangsan", at: "2026-11-27 17:50", text: "请问收益怎么算？")
        let tracker = fixture.tracker()
        fixture.at("2026-11-27 18:30")
        #expect(try await tracker.tick() == 0)
        fixture.at("2026-11-30 09:19")
        #expect(try await tracker.tick() == 0)
        fixture.at("2026-11-30 09:20")
        #expect(try await tracker.tick() == 1)
        #expect(try await fixture.notices().map(\.recipients) == [["zhangsan"]])
        fixture.at("2026-11-30 09:49")
        #expect(try await tracker.tick() == 0)
        fixture.at("2026-11-30 09:50")
        #expect(try await tracker.tick() == 1)
        let notices = try await fixture.notices()
        #expect(notices.last?.severity == "high" && notices.last?.recipients == ["boss"])
        fixture.at("2026-11-30 12:00")
        #expect(try await tracker.tick() == 0, "nothing is sent twice")
    }

    @Test func aReplyInTimeMeansNoReminderEvenWhenItArrivesLate() async throws {
        var fixture = try await TrackerFixture()
        try await fixture.send("wmCustomer", to: "zhangsan", at: "2026-11-27 10:00")
        let tracker = fixture.tracker()
        fixture.at("2026-11-27 10:10")
        try await tracker.tick()
        // The reply was sent at 10:20 but reaches the archive only at 10:45, after the 10:30 deadline.
        fixture.at("2026-11-27 10:45")
        try await fixture.send("zhangsan", to: "wmCustomer", at: "2026-11-27 10:20", text: "收益按日计算")
        #expect(try await tracker.tick() == 0)
        #expect(try await fixture.store.overdueWaits(allHours: false).isEmpty)
        let answered = try await fixture.store.waits(since: 0, until: .max)
        #expect(answered.first?.workingMilliseconds == Int64(20 * 60_000))
    }

    @Test func aLateCustomerMessageIsJudgedByItsMsgtime() async throws {
        var fixture = try await TrackerFixture()
        let tracker = fixture.tracker()
        fixture.at("2026-11-27 11:00")
        try await fixture.send("wmCustomer", to: "zhangsan", at: "2026-11-27 10:00")
        #expect(try await tracker.tick() == 1, "due at 10:30 by its msgtime, so overdue on arrival")
    }

    @Test func aRecalledReplyIsNotAReply() async throws {
        var fixture = try await TrackerFixture()
        try await fixture.send("wmCustomer", to: "zhangsan", at: "2026-11-27 10:00")
        let reply = try await fixture.send("zhangsan", to: "wmCustomer", at: "2026-11-27 10:05")
        let tracker = fixture.tracker()
        fixture.at("2026-11-27 10:06")
        try await tracker.tick()
        try await fixture.recall(reply, by: "zhangsan", to: "wmCustomer", at: "2026-11-27 10:07")
        fixture.at("2026-11-27 10:30")
        #expect(try await tracker.tick() == 1)
    }

    @Test func inGroupsAnyStaffReplyCountsUnlessOnlyTheOwnerShould() async throws {
        var fixture = try await TrackerFixture()
        try await fixture.send("wmCustomer", to: "zhangsan", at: "2026-11-27 10:00", room: "wrGroup")
        try await fixture.send("lisi", to: "wmCustomer", at: "2026-11-27 10:10", room: "wrGroup")
        let tracker = fixture.tracker()
        fixture.at("2026-11-27 10:40")
        #expect(try await tracker.tick() == 0, "lisi's reply counts")
        var settings = SLASettings()
        settings.defaultRule.anyStaffAnswersInGroups = false
        try await fixture.store.saveSLASettings(document: Array(try JSONEncoder().encode(settings)), by: "test")
        #expect(try await tracker.tick() == 1, "only the owner's reply counts now, and the deadline has passed")
    }

    @Test func afterARestartEveryDueNoticeFiresOnceAndOnlyOnce() async throws {
        var fixture = try await TrackerFixture()
        try await fixture.send("wmCustomer", to: "zhangsan", at: "2026-11-27 10:00", id: "first")
        try await fixture.send("wmCustomer", to: "lisi", at: "2026-11-27 10:20", id: "second")
        fixture.at("2026-11-27 10:05")
        try await fixture.tracker().tick()
        // The process stops; while it is down, both reminder deadlines (10:30, 10:50) pass.
        fixture.at("2026-11-27 10:59")
        let restarted = fixture.tracker(try fixture.reopened())
        #expect(try await restarted.tick() == 2)
        let again = fixture.tracker(try fixture.reopened())
        #expect(try await again.tick() == 0)
        #expect(try await fixture.notices().count == 2)
        fixture.at("2026-11-27 11:30")
        #expect(try await again.tick() == 2, "the escalations, once each")
        #expect(try await fixture.tracker(try fixture.reopened()).tick() == 0)
    }

    @Test func excludedCustomersAndTestAccountsAreNotWatched() async throws {
        var fixture = try await TrackerFixture()
        var settings = SLASettings()
        settings.excludedCustomers = ["wmIgnored"]
        settings.excludedEmployees = ["lisi"]
        try await fixture.store.saveSLASettings(document: Array(try JSONEncoder().encode(settings)), by: "test")
        try await fixture.send("wmIgnored", to: "zhangsan", at: "2026-11-27 10:00")
        try await fixture.send("wmCustomer", to: "lisi", at: "2026-11-27 10:00")
        fixture.at("2026-11-27 12:00")
        #expect(try await fixture.tracker().tick() == 0)
    }
}

@Suite struct ReplyAggregateTests {
    /// The daily reply aggregates are adjusted on every recomputation; they must always equal the wait rows.
    @Test func aggregatesFollowRecomputedWaits() async throws {
        var fixture = try await TrackerFixture()
        let tracker = fixture.tracker()
        try await fixture.send("wmCustomer", to: "zhangsan", at: "2026-11-27 10:00")
        let reply = try await fixture.send("zhangsan", to: "wmCustomer", at: "2026-11-27 10:10")
        try await fixture.send("wmCustomer", to: "zhangsan", at: "2026-11-27 11:00")
        try await fixture.send("zhangsan", to: "wmCustomer", at: "2026-11-27 11:50")
        try await fixture.send("wmOther", to: "lisi", at: "2026-11-28 10:00")
        try await tracker.recomputeDirty()
        try await fixture.recall(reply, by: "zhangsan", to: "wmCustomer", at: "2026-11-27 10:11")
        try await fixture.send("lisi", to: "wmOther", at: "2026-11-30 09:05")
        try await tracker.recomputeDirty()

        let waits = try await fixture.store.waits(since: 0, until: .max)
        let totals = try await fixture.store.replyTotals(sinceDay: "2026-01-01", untilDay: "2027-01-01", employees: nil)
        for employee in Set(waits.map(\.employee)) {
            let rows = waits.filter { $0.employee == employee }
            let total = try #require(totals.first { $0.employee == employee })
            #expect(total.waits == rows.count)
            #expect(total.answered == rows.filter { $0.workingMilliseconds != nil }.count)
            #expect(total.workingMilliseconds == rows.compactMap(\.workingMilliseconds).reduce(0, +))
            #expect(total.within == rows.filter { ($0.workingMilliseconds ?? .max) <= $0.targetMilliseconds }.count)
        }
        // zhangsan: one wait from 10:00 answered at 11:50 (the 10:10 reply was recalled): 110 working minutes.
        #expect(totals.first { $0.employee == "zhangsan" }?.workingMilliseconds == Int64(110 * 60_000))
        // lisi: Friday 10:00 (Saturday 28th) … Monday 09:05 — 5 working minutes.
        #expect(totals.first { $0.employee == "lisi" }?.workingMilliseconds == Int64(5 * 60_000))
    }
}
