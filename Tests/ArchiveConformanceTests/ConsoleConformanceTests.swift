import ArchiveModel
import ArchiveStore
import Foundation
import Ingest
import PostgresStore
import Testing
import WeCom

/// What the console and its background services ask of an archive, the same on every engine: accounts and sessions,
/// the audit trail, the alert workflow, quality review, and reply-timeout notices sent exactly once — on PostgreSQL
/// also when several processes work the same archive.
@Suite(.serialized) struct ConsoleConformanceTests {
    static func user(_ name: String) -> ConsoleUser {
        ConsoleUser(username: name, displayName: "用户\(name)", passwordHash: "$2b$04$hash-of-\(name)", roles: ["auditor", "qa"],
                    departments: [1, 3])
    }

    @Test(arguments: Engine.available)
    func accountsSessionsAndTokens(_ engine: Engine) async throws {
        try await withArchive(engine) { opened in
            let store = opened.archive
            let added = try await store.addUser(Self.user("li"))
            #expect(added.id > 0 && added.roles == ["auditor", "qa"] && added.departments == [1, 3] && !added.hasTOTP && !added.disabled)
            await #expect(throws: StorageError.self) { try await store.addUser(Self.user("li")) }
            try await store.addUser(Self.user("an"))
            #expect(try await store.users().map(\.username) == ["an", "li"])

            try await store.openSession(for: "li", tokenHash: "s1", csrf: "c1", lifetime: 60_000)
            let session = try #require(try await store.session(tokenHash: "s1"))
            #expect(session.user.username == "li" && session.csrf == "c1")
            try await store.openSession(for: "li", tokenHash: "expired", csrf: "c2", lifetime: -1)
            #expect(try await store.session(tokenHash: "expired") == nil)
            #expect(try await store.session(tokenHash: "unknown") == nil)

            for _ in 0..<2 { try await store.recordFailedLogin(of: "li", threshold: 3, lockFor: 60_000) }
            #expect(try await store.user(named: "li")?.lockedUntil == nil)
            let locked = try #require(try await store.recordFailedLogin(of: "li", threshold: 3, lockFor: 60_000))
            #expect(locked.failedLogins == 3 && locked.lockedUntil != nil)

            // A new password ends the lockout and every session.
            let changed = try await store.updateUser(named: "li", ConsoleUserChange(passwordHash: "$2b$04$new", roles: ["viewer"],
                                                                                  totpSecret: .some("JBSWY3DPEHPK3PXP")))
            #expect(changed.passwordHash == "$2b$04$new" && changed.roles == ["viewer"] && changed.departments == [1, 3])
            #expect(changed.failedLogins == 0 && changed.lockedUntil == nil && changed.hasTOTP)
            #expect(try await store.session(tokenHash: "s1") == nil)
            #expect(try await store.totpSecret(of: "li") == "JBSWY3DPEHPK3PXP")
            #expect(try await store.updateUser(named: "li", ConsoleUserChange(totpSecret: .some(nil))).hasTOTP == false)
            #expect(try await store.totpSecret(of: "li") == nil)
            await #expect(throws: StorageError.self) { try await store.updateUser(named: "nobody", ConsoleUserChange(displayName: "x")) }

            let token = try await store.addAPIToken(for: "an", name: "ci", tokenHash: "t1")
            #expect(try await store.user(apiTokenHash: "t1")?.username == "an")
            #expect(try await store.apiTokens(of: "an").map(\.name) == ["ci"])
            try await store.revokeAPIToken(id: token.id, of: "an")
            #expect(try await store.user(apiTokenHash: "t1") == nil)
            await #expect(throws: StorageError.self) { try await store.revokeAPIToken(id: token.id, of: "an") }
            #expect(try await store.apiTokens(of: "an").first?.revokedAt != nil)

            // Disabling ends sessions and refuses tokens.
            try await store.openSession(for: "an", tokenHash: "s2", csrf: "c", lifetime: 60_000)
            try await store.addAPIToken(for: "an", name: "ci2", tokenHash: "t2")
            try await store.updateUser(named: "an", ConsoleUserChange(disabled: true))
            #expect(try await store.session(tokenHash: "s2") == nil)
            #expect(try await store.user(apiTokenHash: "t2") == nil)

            try await store.setProtectedStaff(ProtectedStaff(userid: "zhangsan", viewers: ["li"]))
            try await store.setProtectedStaff(ProtectedStaff(userid: "lisi", viewers: ["li", "an"]))
            #expect(try await store.protectedStaff() == [ProtectedStaff(userid: "lisi", viewers: ["li", "an"]),
                                                        ProtectedStaff(userid: "zhangsan", viewers: ["li"])])
            try await store.setProtectedStaff(ProtectedStaff(userid: "lisi", viewers: []))
            #expect(try await store.protectedStaff().map(\.userid) == ["zhangsan"])
        }
    }

    @Test(arguments: Engine.available)
    func auditTrailListsNewestFirstWithFilters(_ engine: Engine) async throws {
        try await withArchive(engine) { opened in
            let store = opened.archive
            for (actor, action) in [("li", "search"), ("an", "conversation.view"), ("li", "conversation.view"), ("li", "search")] {
                try await store.appendAudit(AuditEvent(actor: actor, action: action, target: "t-\(actor)", detail: ["q": "保本"]))
            }
            #expect(try await store.auditEventCount() == 4)
            let all = try await store.auditEvents(AuditFilter())
            #expect(all.map(\.event.action) == ["search", "conversation.view", "conversation.view", "search"])
            #expect(all.map(\.leafIndex) == [3, 2, 1, 0] && all[0].event.detail == ["q": "保本"])
            #expect(try await store.auditEvents(AuditFilter(actor: "li", action: "search")).count == 2)
            let page = try await store.auditEvents(AuditFilter(limit: 2))
            #expect(try await store.auditEvents(AuditFilter(limit: 10, before: page.last!.id)).map(\.id) == all.suffix(2).map(\.id))
            #expect(try await store.auditEvents(AuditFilter(since: all[0].event.at + 1)).isEmpty)
        }
    }

    @Test(arguments: Engine.available)
    func alertWorkflowAndWeeklyDigest(_ engine: Engine) async throws {
        try await withArchive(engine) { opened in
            let store = opened.archive
            let hit = StoredRiskHit(category: "guarantee", rule: "guaranteed-return", severity: "high", start: 4, end: 8)
            _ = try await store.commit(IngestBatch(source: "wecom", messages: [try ArchiveConformanceTests.message("v1", seq: 1, text: "这款产品保本保息")],
                                                   riskHits: ["v1": [hit]], policyVersion: 1, alertChannels: ["log"]))
            let alert = try #require(try await store.alerts(status: "open", category: nil, limit: 10).first)
            let (record, hits, events) = try #require(try await store.alert(id: alert.id))
            #expect(record == alert && events.map(\.action) == ["opened"])
            #expect(hits.map(\.match) == ["保本保息"] && hits.allSatisfy { $0.msgid == "v1" && $0.policyVersion == 1 && $0.rule == "guaranteed-return" })

            try await store.updateAlert(id: alert.id, action: .assign, actor: "li", assignee: "an", note: nil)
            try await store.updateAlert(id: alert.id, action: .resolve, actor: "an", assignee: nil, note: "已核实")
            await #expect(throws: StorageError.self) {
                try await store.updateAlert(id: alert.id, action: .acknowledge, actor: "an", assignee: nil, note: nil)
            }
            await #expect(throws: StorageError.self) { try await store.updateAlert(id: 9999, action: .note, actor: "an", assignee: nil, note: "x") }
            let (after, _, history) = try #require(try await store.alert(id: alert.id))
            #expect(after.status == "resolved" && after.assignee == "an")
            #expect(history.map(\.action) == ["opened", "assign → an", "resolve"] && history.last?.note == "已核实")
            #expect(try await store.alerts(status: "open", category: nil, limit: 10).isEmpty)

            #expect(try await store.queueDigest(weekStart: 1_700_000_000_000, text: "本周摘要", channels: ["log"]))
            #expect(try await store.queueDigest(weekStart: 1_700_000_000_000, text: "本周摘要", channels: ["log"]) == false)
            #expect(try await store.alerts(status: nil, category: nil, limit: 10).map(\.id) == [alert.id])
            #expect(try await store.alerts(status: nil, category: "weekly-digest", limit: 10).count == 1)
        }
    }

    @Test(arguments: Engine.available)
    func reviewSamplesAndScores(_ engine: Engine) async throws {
        try await withArchive(engine) { opened in
            let store = opened.archive
            #expect(try await store.addReviewSamples([("c1", "zhangsan"), ("c2", "lisi")], period: "2026-W47") == 2)
            #expect(try await store.addReviewSamples([("c1", "zhangsan"), ("c3", "lisi")], period: "2026-W47") == 1)
            let samples = try await store.reviewSamples(period: "2026-W47", reviewed: nil, limit: 10)
            #expect(samples.map(\.conversation) == ["c3", "c2", "c1"] && samples.allSatisfy { $0.score == nil })
            let first = samples[2]
            try await store.scoreReviewSample(id: first.id, reviewer: "qa1", items: ["greeting": 80], total: 80, comment: nil)
            try await store.scoreReviewSample(id: first.id, reviewer: "qa2", items: ["greeting": 90, "accuracy": 70], total: 78.5, comment: "复核")
            let scored = try #require(try await store.reviewSample(id: first.id)?.score)
            #expect(scored.reviewer == "qa2" && scored.total == 78.5 && scored.items == ["greeting": 90, "accuracy": 70] && scored.comment == "复核")
            #expect(try await store.reviewSamples(period: nil, reviewed: true, limit: 10).map(\.id) == [first.id])
            #expect(try await store.reviewSamples(period: nil, reviewed: false, limit: 10).count == 2)
            await #expect(throws: StorageError.self) {
                try await store.scoreReviewSample(id: 9999, reviewer: "qa1", items: [:], total: 0, comment: nil)
            }
        }
    }

    /// A customer waits a week without an answer: the reminder and then the escalation go out once each, however
    /// many trackers (processes) tick at the same time.
    @Test(arguments: Engine.available)
    func replyNoticesAreSentOnceAcrossProcesses(_ engine: Engine) async throws {
        let asked: Int64 = 1_763_000_000_000  // Thu 2025-11-13, 10:13 Beijing
        let now: Int64 = asked + 7 * 86_400_000
        try await withArchive(engine, clock: { WeComTime(milliseconds: now) }) { opened in
            let raw = #"{"msgid":"ask1","action":"send","from":"wmC1","tolist":["zhangsan"],"roomid":"","msgtime":\#(asked),"msgtype":"text","text":{"content":"请问什么时候发货？"}}"#
            _ = try await opened.archive.commit(IngestBatch(source: "wecom", messages: [try MessageDecoder().decode(Array(raw.utf8), seq: 1)]))
            try await ReplyTimeoutTracker(store: opened.archive, channels: []).recomputeDirty()
            #expect(try await opened.archive.pendingWaits(since: asked).map(\.customerMsgid) == ["ask1"])
            #expect(try await opened.archive.pendingWaits(since: asked + 1).isEmpty)
            var stores: [any ReplyTimeoutStore & ConversationCatalog] = [opened.archive]
            if engine == .postgres { stores.append(try await opened.openAgain(clock: { WeComTime(milliseconds: now) })) }
            for _ in 0..<2 {
                try await withThrowingTaskGroup(of: Int.self) { group in
                    for store in stores {
                        group.addTask { try await ReplyTimeoutTracker(store: store, channels: ["wecom-app"], clock: { now }).tick() }
                    }
                    for try await _ in group {}
                }
            }
            let notices = try await opened.archive.alerts(status: nil, category: "reply-timeout", limit: 10)
            #expect(notices.map(\.severity).sorted() == ["high", "medium"])
            let wait = try #require(try await opened.archive.waits(since: asked, until: asked + 1).first)
            #expect(wait.employee == "zhangsan" && wait.customer == "wmC1" && wait.reminderSentAt != nil && wait.escalationSentAt != nil)
            #expect(try await opened.archive.overdueWaits(allHours: true).map(\.customerMsgid) == ["ask1"])
            #expect(try await opened.archive.pendingWaits(since: .min).isEmpty)
            #expect(try await opened.archive.undeliveredCount() == 2)
            (stores.last as? PostgresArchiveStore)?.close()
        }
    }
}

// MARK: - Sign-in attempts and one-time codes

extension ConsoleConformanceTests {
    /// Milliseconds that move only when the test says.
    final class LoginClock: @unchecked Sendable {
        private let lock = NSLock()
        private var current: Int64
        init(_ start: Int64) { current = start }
        var now: Int64 { lock.withLock { current } }
        func advance(by milliseconds: Int64) { lock.withLock { current += milliseconds } }
    }

    /// However many attempts run at once — on PostgreSQL from two processes — at most `threshold` are reserved per window
    /// (each counted before its password would be checked); a locked account is refused without counting; after a lock,
    /// or once the window has passed, the count starts afresh; a sign-in clears it.
    @Test(arguments: Engine.available)
    func loginAttemptsAreReservedAtomically(_ engine: Engine) async throws {
        let clock = LoginClock(1_763_000_000_000)
        try await withArchive(engine, clock: { WeComTime(milliseconds: clock.now) }) { opened in
            let store = opened.archive
            try await store.addUser(Self.user("li"))
            var stores: [any ConsoleAccountStore] = [store]
            if engine == .postgres { stores.append(try await opened.openAgain(clock: { WeComTime(milliseconds: clock.now) })) }
            defer { (stores.last as? PostgresArchiveStore)?.close() }
            let attempts = try await withThrowingTaskGroup(of: LoginAttempt.self) { group in
                for index in 0..<24 {
                    let store = stores[index % stores.count]
                    group.addTask { try await store.reserveLoginAttempt(of: "li", threshold: 3, lockFor: 60_000) }
                }
                var all: [LoginAttempt] = []
                for try await attempt in group { all.append(attempt) }
                return all
            }
            var counts: [Int] = []
            for attempt in attempts {
                switch attempt {
                case .reserved(let user): counts.append(user.failedLogins)
                case .locked(let until): #expect(until == clock.now + 60_000)
                case .unknownUser: Issue.record("li exists")
                }
            }
            #expect(counts.sorted() == [1, 2, 3])
            let locked = try #require(try await store.user(named: "li"))
            #expect(locked.failedLogins == 3 && locked.lockedUntil == clock.now + 60_000)
            #expect(try await store.reserveLoginAttempt(of: "nobody", threshold: 3, lockFor: 60_000) == .unknownUser)

            clock.advance(by: 60_000)
            guard case .reserved(let afterLock) = try await store.reserveLoginAttempt(of: "li", threshold: 3, lockFor: 60_000) else {
                Issue.record("the lock did not end")
                return
            }
            #expect(afterLock.failedLogins == 1 && afterLock.lockedUntil == nil)
            clock.advance(by: 30_000)
            _ = try await store.reserveLoginAttempt(of: "li", threshold: 3, lockFor: 60_000)
            #expect(try await store.user(named: "li")?.failedLogins == 2)
            clock.advance(by: 30_001)
            _ = try await store.reserveLoginAttempt(of: "li", threshold: 3, lockFor: 60_000)
            #expect(try await store.user(named: "li")?.failedLogins == 1)
            try await store.openSession(for: "li", tokenHash: "s-li", csrf: "c", lifetime: 60_000)
            #expect(try await store.user(named: "li")?.failedLogins == 0)
            _ = try await store.reserveLoginAttempt(of: "li", threshold: 3, lockFor: 60_000)
            #expect(try await store.user(named: "li")?.failedLogins == 1)
        }
    }

    /// A TOTP step is recorded only when newer than the last one: each is accepted once, even sent many times at once.
    @Test(arguments: Engine.available)
    func totpStepsAreAcceptedOnceAndOnlyWhenNewer(_ engine: Engine) async throws {
        try await withArchive(engine) { opened in
            let store = opened.archive
            try await store.addUser(Self.user("li"))
            #expect(try await store.acceptTOTPStep(100, of: "li"))
            #expect(try await store.acceptTOTPStep(100, of: "li") == false)
            #expect(try await store.acceptTOTPStep(99, of: "li") == false)
            #expect(try await store.acceptTOTPStep(101, of: "li"))
            #expect(try await store.acceptTOTPStep(500, of: "nobody") == false)
            let accepted = try await withThrowingTaskGroup(of: Bool.self) { group in
                for _ in 0..<16 { group.addTask { try await store.acceptTOTPStep(102, of: "li") } }
                var count = 0
                for try await ok in group where ok { count += 1 }
                return count
            }
            #expect(accepted == 1)
        }
    }
}
