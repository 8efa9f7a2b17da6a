import ArchiveModel
import ArchiveStore
import Foundation
import PostgresStore
import Testing

/// A clock the test moves by hand, shared by the store (which stamps and expires changes) and the test.
private final class ChangeClock: @unchecked Sendable {
    private let lock = NSLock()
    private var now: Int64
    init(_ start: Int64) { now = start }
    var time: WeComTime { lock.withLock { WeComTime(milliseconds: now) } }
    func advance(_ milliseconds: Int64) { lock.withLock { now += milliseconds } }
}

/// Four-eyes access changes behave the same on every engine: nothing applies until another administrator approves, the
/// approval applies the change in the transaction that records it, a change is decided once, and it expires after 7 days.
@Suite(.serialized) struct AccessChangeConformanceTests {
    static let start: Int64 = 1_790_000_000_000

    static func user(_ name: String, _ roles: [String], _ departments: [Int64]) -> ConsoleUser {
        ConsoleUser(username: name, displayName: name, passwordHash: "$2b$04$old-\(name)", roles: roles, departments: departments)
    }

    /// Whether `body` returned without throwing.
    static func succeeds(_ body: () async throws -> Void) async -> Bool {
        do {
            try await body()
            return true
        } catch {
            return false
        }
    }

    @Test(arguments: Engine.available)
    func changesWaitForAnotherAdministratorAndApplyWhenApproved(_ engine: Engine) async throws {
        let clock = ChangeClock(Self.start)
        try await withArchive(engine, clock: { clock.time }) { opened in
            let store = opened.archive
            for user in [Self.user("ann", ["admin"], [1]), Self.user("bo", ["admin"], [1]), Self.user("cy", ["viewer"], [2])] {
                try await store.addUser(user)
            }
            try await store.openSession(for: "cy", tokenHash: "s-cy", csrf: "c", lifetime: 3_600_000)

            let payload = AccessChangePayload(roles: ["auditor"], departments: [1], mayUnmask: true, passwordHash: "$2b$04$new-cy")
            let grant = try await store.requestAccessChange(kind: .user, target: "cy", requestedBy: "ann", payload: payload)
            #expect(grant.id > 0 && grant.kind == .user && grant.target == "cy" && grant.requestedBy == "ann")
            #expect(grant.status == .pending && grant.createdAt == Self.start && grant.decidedBy == nil && grant.decidedAt == nil)
            #expect(grant.payload == payload)
            #expect(try await store.accessChange(id: grant.id) == grant)
            #expect(try await store.accessChanges(status: .pending, limit: 10) == [grant])
            #expect(try await store.user(named: "cy")?.roles == ["viewer"])

            // The requester neither approves nor refuses; whoever gains does not approve; only the requester cancels.
            await #expect(throws: StorageError.self) { try await store.decideAccessChange(id: grant.id, .approve, by: "ann", note: nil) }
            await #expect(throws: StorageError.self) { try await store.decideAccessChange(id: grant.id, .refuse, by: "ann", note: nil) }
            await #expect(throws: StorageError.self) { try await store.decideAccessChange(id: grant.id, .approve, by: "cy", note: nil) }
            await #expect(throws: StorageError.self) { try await store.decideAccessChange(id: grant.id, .cancel, by: "bo", note: nil) }
            #expect(try await store.accessChange(id: grant.id)?.status == .pending)
            #expect(try await store.user(named: "cy")?.mayUnmask == false)

            clock.advance(1_000)
            let approved = try await store.decideAccessChange(id: grant.id, .approve, by: "bo", note: "ok")
            #expect(approved.status == .approved && approved.decidedBy == "bo" && approved.decidedAt == Self.start + 1_000 && approved.note == "ok")
            let cy = try #require(try await store.user(named: "cy"))
            #expect(cy.roles == ["auditor"] && cy.departments == [1] && cy.mayUnmask && cy.passwordHash == "$2b$04$new-cy")
            // The new password ended the old sessions, as updateUser does.
            #expect(try await store.session(tokenHash: "s-cy") == nil)
            // Once decided, the change keeps no bcrypt hash (it still says there was a reset).
            let stored = try await store.accessChange(id: grant.id)
            #expect(approved.payload.passwordHash == "" && stored?.payload.passwordHash == "")
            await #expect(throws: StorageError.self) { try await store.decideAccessChange(id: grant.id, .refuse, by: "bo", note: nil) }
            do {
                try await store.decideAccessChange(id: 999_999, .approve, by: "bo", note: nil)
                Issue.record("decided an unknown change")
            } catch let error as StorageError {
                #expect(error.notFound)
            }

            // Protected staff: new viewers, then lifting (refused once, approved once).
            try await store.setProtectedStaff(ProtectedStaff(userid: "vip", viewers: ["ann"]))
            let widen = try await store.requestAccessChange(kind: .protectedStaff, target: "vip", requestedBy: "bo",
                                                            payload: AccessChangePayload(viewers: ["cy"]))
            await #expect(throws: StorageError.self) { try await store.decideAccessChange(id: widen.id, .approve, by: "cy", note: nil) }
            try await store.decideAccessChange(id: widen.id, .approve, by: "ann", note: nil)
            #expect(try await store.protectedStaff() == [ProtectedStaff(userid: "vip", viewers: ["cy"])])
            let lift = try await store.requestAccessChange(kind: .protectedStaff, target: "vip", requestedBy: "bo", payload: AccessChangePayload(viewers: []))
            let refused = try await store.decideAccessChange(id: lift.id, .refuse, by: "ann", note: "keep it")
            #expect(refused.status == .refused && refused.note == "keep it")
            #expect(try await store.protectedStaff().count == 1)
            let lifted = try await store.requestAccessChange(kind: .protectedStaff, target: "vip", requestedBy: "bo", payload: AccessChangePayload(viewers: []))
            try await store.decideAccessChange(id: lifted.id, .approve, by: "ann", note: nil)
            #expect(try await store.protectedStaff().isEmpty)

            let mine = try await store.requestAccessChange(kind: .user, target: "ann", requestedBy: "ann", payload: AccessChangePayload(mayUnmask: true))
            let cancelled = try await store.decideAccessChange(id: mine.id, .cancel, by: "ann", note: nil)
            #expect(cancelled.status == .cancelled && cancelled.decidedBy == "ann")
            #expect(try await store.user(named: "ann")?.mayUnmask == false)

            // Approving for a user who is gone fails and leaves the change pending.
            let ghost = try await store.requestAccessChange(kind: .user, target: "ghost", requestedBy: "ann", payload: AccessChangePayload(roles: ["auditor"]))
            do {
                try await store.decideAccessChange(id: ghost.id, .approve, by: "bo", note: nil)
                Issue.record("approved a change of an unknown user")
            } catch let error as StorageError {
                #expect(error.notFound)
            }
            #expect(try await store.accessChange(id: ghost.id)?.status == .pending)
            try await store.decideAccessChange(id: ghost.id, .refuse, by: "bo", note: nil)

            let all = try await store.accessChanges(status: nil, limit: 100)
            #expect(all.map(\.id) == [ghost.id, mine.id, lifted.id, lift.id, widen.id, grant.id])
            #expect(try await store.accessChanges(status: .approved, limit: 100).map(\.id) == [lifted.id, widen.id, grant.id])
            #expect(try await store.accessChanges(status: .refused, limit: 100).map(\.id) == [ghost.id, lift.id])
            #expect(try await store.accessChanges(status: .cancelled, limit: 100).map(\.id) == [mine.id])
            #expect(try await store.accessChanges(status: .pending, limit: 100).isEmpty)
            #expect(try await store.accessChanges(status: nil, limit: 2).count == 2)
        }
    }

    @Test(arguments: Engine.available)
    func aChangeExpiresAfterSevenDaysAndIsDecidedOnceEvenInARace(_ engine: Engine) async throws {
        let clock = ChangeClock(Self.start)
        try await withArchive(engine, clock: { clock.time }) { opened in
            let store = opened.archive
            for user in [Self.user("ann", ["admin"], [1]), Self.user("bo", ["admin"], [1]), Self.user("cy", ["viewer"], [2])] {
                try await store.addUser(user)
            }
            let late = try await store.requestAccessChange(kind: .user, target: "cy", requestedBy: "ann", payload: AccessChangePayload(roles: ["manager"]))
            clock.advance(AccessChange.lifetime - 1)
            #expect(try await store.accessChange(id: late.id)?.status == .pending)
            #expect(try await store.accessChanges(status: .pending, limit: 10).map(\.id) == [late.id])
            clock.advance(1)
            #expect(try await store.accessChange(id: late.id)?.status == .expired)
            #expect(try await store.accessChanges(status: .pending, limit: 10).isEmpty)
            #expect(try await store.accessChanges(status: .expired, limit: 10).map(\.id) == [late.id])
            await #expect(throws: StorageError.self) { try await store.decideAccessChange(id: late.id, .approve, by: "bo", note: nil) }
            // Recorded as expired, and nothing applied.
            let expired = try #require(try await store.accessChange(id: late.id))
            #expect(expired.status == .expired && expired.decidedAt == Self.start + AccessChange.lifetime && expired.decidedBy == nil)
            #expect(try await store.user(named: "cy")?.roles == ["viewer"])
            #expect(try await store.accessChanges(status: .expired, limit: 10).map(\.id) == [late.id])

            // Two deciders at once (on PostgreSQL, from two processes): exactly one decision stands.
            let race = try await store.requestAccessChange(kind: .user, target: "cy", requestedBy: "ann", payload: AccessChangePayload(roles: ["qa"]))
            var second: PostgresArchiveStore?
            if opened.engine == .postgres { second = try await opened.openAgain(clock: { clock.time }) }
            let other: any ConsoleArchive = second ?? store
            async let approving = Self.succeeds { _ = try await store.decideAccessChange(id: race.id, .approve, by: "bo", note: nil) }
            async let refusing = Self.succeeds { _ = try await other.decideAccessChange(id: race.id, .refuse, by: "bo", note: nil) }
            let outcomes = await [approving, refusing]
            second?.close()
            #expect(outcomes.filter { $0 }.count == 1)
            let decided = try #require(try await store.accessChange(id: race.id))
            #expect(decided.status == (outcomes[0] ? .approved : .refused))
            #expect(try await store.user(named: "cy")?.roles == (outcomes[0] ? ["qa"] : ["viewer"]))
        }
    }
}
