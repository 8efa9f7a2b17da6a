import ArchiveStore
import Console
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import SQLiteStore
import Simulator
import Testing

/// "Administrators see no content" is enforced (issue 15, item 4): whatever widens someone's access to content — a content
/// role, unmasking, a wider scope, re-enabling, another user's password, a protected employee's viewers — waits for a
/// second administrator, who is never the requester; what narrows applies at once; every step is audited.
@Suite(.serialized) struct FourEyesTests {
    static let secondAdmin = "admin2"

    /// A fresh fixture (these tests change users and protections) with a second administrator.
    static func fixture(seed: UInt64) async throws -> ConsoleFixture {
        let fixture = try await ConsoleFixture.make(messages: 150, seed: seed)
        try await fixture.store.addUser(ConsoleUser(username: secondAdmin, displayName: secondAdmin,
                                                    passwordHash: fixture.services.accounts.hashPassword(ConsoleFixture.password),
                                                    roles: ["admin"], departments: [1]))
        return fixture
    }

    @Test func noAdministratorCanMintASecondOneOrStripTheOthers() async throws {
        let fixture = try await Self.fixture(seed: 157)
        try await fixture.withClient { client in
            let admin = try await client.login("admin")
            // Resetting another administrator's password would hand the requester a second administrator once approved.
            let (reset, _) = try await client.send(.patch, "/api/v1/users/\(Self.secondAdmin)", token: admin, json: #"{"password":"another long password"}"#)
            #expect(reset == .forbidden)
            // Two administrators: neither can disable or demote the other (nothing could be approved afterwards).
            #expect(try await client.send(.patch, "/api/v1/users/\(Self.secondAdmin)", token: admin, json: #"{"disabled":true}"#).0 == .conflict)
            #expect(try await client.send(.patch, "/api/v1/users/\(Self.secondAdmin)", token: admin, json: #"{"roles":["viewer"]}"#).0 == .conflict)
            #expect(try await fixture.store.user(named: Self.secondAdmin)?.disabled == false)
            // Lifting a protection widens every content reader whose scope covers the employee: an administrator who
            // reads content does not approve it, one who does not may.
            let (_, lift) = try await client.send(.put, "/api/v1/protected-staff/\(fixture.protectedEmployee)", token: admin, json: #"{"viewers":[]}"#)
            let id = try #require(lift["id"] as? Int)
            try await fixture.store.addUser(ConsoleUser(username: "admin3", displayName: "admin3",
                                                        passwordHash: fixture.services.accounts.hashPassword(ConsoleFixture.password),
                                                        roles: ["admin", "auditor"], departments: [1]))
            let reader = try await client.login("admin3")
            #expect(try await client.send(.post, "/api/v1/access-changes/\(id)/approve", token: reader).0 == .forbidden)
            let second = try await client.login(Self.secondAdmin)
            #expect(try await client.send(.post, "/api/v1/access-changes/\(id)/approve", token: second).0 == .ok)
        }
    }

    @Test func anAdministratorGrantingItselfContentWaitsForASecondAdministrator() async throws {
        let fixture = try await Self.fixture(seed: 151)
        try await fixture.withClient { client in
            let admin = try await client.login("admin")
            let (status, change) = try await client.send(.patch, "/api/v1/users/admin", token: admin,
                                                         json: #"{"roles":["admin","auditor"],"mayUnmask":true}"#)
            #expect(status == .accepted)
            #expect(change["kind"] as? String == "user" && change["target"] as? String == "admin")
            #expect(change["requested_by"] as? String == "admin" && change["status"] as? String == "pending")
            #expect((change["summary"] as? String)?.contains("auditor") == true && change["passwordHash"] == nil)
            let id = try #require(change["id"] as? Int)

            // Nothing changed yet: still no content, still masked.
            #expect(try await client.get("/api/v1/conversations", token: admin).status == .forbidden)
            let stored = try #require(try await fixture.store.user(named: "admin"))
            #expect(stored.roles == ["admin"] && !stored.mayUnmask)

            // The requester can neither approve nor refuse its own request.
            #expect(try await client.send(.post, "/api/v1/access-changes/\(id)/approve", token: admin).0 == .forbidden)
            #expect(try await client.send(.post, "/api/v1/access-changes/\(id)/refuse", token: admin).0 == .forbidden)
            #expect(try await client.get("/api/v1/conversations", token: admin).status == .forbidden)

            let second = try await client.login(Self.secondAdmin)
            let (_, pending) = try await client.send(.get, "/api/v1/access-changes?status=pending", token: second)
            #expect((pending["items"] as? [[String: Any]])?.compactMap { $0["id"] as? Int }.contains(id) == true)
            let (approved, decided) = try await client.send(.post, "/api/v1/access-changes/\(id)/approve", token: second)
            #expect(approved == .ok && decided["status"] as? String == "approved" && decided["decided_by"] as? String == Self.secondAdmin)

            #expect(try await client.get("/api/v1/conversations", token: admin).status == .ok)
            let granted = try #require(try await fixture.store.user(named: "admin"))
            #expect(Set(granted.roles) == ["admin", "auditor"] && granted.mayUnmask)
            // Decided once.
            #expect(try await client.send(.post, "/api/v1/access-changes/\(id)/approve", token: second).0 == .conflict)
            #expect(try await client.send(.post, "/api/v1/access-changes/\(id)/refuse", token: second).0 == .conflict)

            let events = try await client.auditEvents(token: second)
            #expect(events.contains { $0.action == "access-change.request" && $0.actor == "admin" && $0.target == "admin" })
            #expect(events.contains { $0.action == "access-change.approve" && $0.actor == Self.secondAdmin && $0.target == "admin" })
        }
    }

    @Test func anotherUsersPasswordResetIsPendingAndTheOldPasswordWorksUntilApproved() async throws {
        let fixture = try await Self.fixture(seed: 152)
        let newPassword = "a brand new password"
        try await fixture.withClient { client in
            let admin = try await client.login("admin")
            let (status, change) = try await client.send(.patch, "/api/v1/users/auditor", token: admin, json: #"{"password":"\#(newPassword)"}"#)
            #expect(status == .accepted && (change["summary"] as? String)?.contains("password") == true)
            let id = try #require(change["id"] as? Int)
            // The hash is stored for the approval, never shown.
            #expect(!String(describing: change).contains("$2"))

            _ = try await client.login("auditor")
            #expect(try await client.loginStatus("auditor", password: newPassword) == .unauthorized)

            let second = try await client.login(Self.secondAdmin)
            #expect(try await client.send(.post, "/api/v1/access-changes/\(id)/approve", token: second).0 == .ok)
            #expect(try await client.loginStatus("auditor", password: ConsoleFixture.password) == .unauthorized)
            _ = try await client.login("auditor", password: newPassword)

            // Changing one's own password is not widening: it applies at once (and ends one's sessions).
            let (own, _) = try await client.send(.patch, "/api/v1/users/admin", token: admin, json: #"{"password":"\#(newPassword)"}"#)
            #expect(own == .ok)
            _ = try await client.login("admin", password: newPassword)
        }
    }

    @Test func narrowingAppliesAtOnceAndAMixedChangeIsSplit() async throws {
        let fixture = try await Self.fixture(seed: 153)
        try await fixture.withClient { client in
            let admin = try await client.login("admin")
            let auditor = try await client.login("auditor")
            #expect(try await client.get("/api/v1/conversations", token: auditor).status == .ok)
            let (narrowed, user) = try await client.send(.patch, "/api/v1/users/auditor", token: admin, json: #"{"roles":["viewer"]}"#)
            #expect(narrowed == .ok && user["roles"] as? [String] == ["viewer"])
            #expect(try await client.get("/api/v1/conversations", token: auditor).status == .forbidden)

            #expect(try await client.send(.patch, "/api/v1/users/manager", token: admin, json: #"{"departments":[]}"#).0 == .ok)
            #expect(try await fixture.store.user(named: "manager")?.departments == [])
            #expect(try await client.send(.patch, "/api/v1/users/qa", token: admin, json: #"{"disabled":true}"#).0 == .ok)
            #expect(try await fixture.store.user(named: "qa")?.disabled == true)
            // Re-enabling a user with a content role widens again.
            #expect(try await client.send(.patch, "/api/v1/users/qa", token: admin, json: #"{"disabled":false}"#).0 == .accepted)
            #expect(try await fixture.store.user(named: "qa")?.disabled == true)

            // auditor → manager: the auditor role goes now, the manager role waits.
            let (split, change) = try await client.send(.patch, "/api/v1/users/unmasker", token: admin, json: #"{"roles":["manager"],"mayUnmask":false}"#)
            #expect(split == .accepted && change["status"] as? String == "pending")
            let unmasker = try #require(try await fixture.store.user(named: "unmasker"))
            #expect(unmasker.roles == [] && !unmasker.mayUnmask)

            let events = try await client.auditEvents(token: admin)
            #expect(events.filter { $0.action == "user.update" }.count == 4)
            #expect(events.filter { $0.action == "access-change.request" }.count == 2)
        }
    }

    @Test func liftingOrWideningAProtectionIsPendingAndNarrowingItIsNot() async throws {
        let fixture = try await Self.fixture(seed: 154)
        let protected = fixture.protectedEmployee
        try await fixture.withClient { client in
            let admin = try await client.login("admin")
            let (lift, change) = try await client.send(.put, "/api/v1/protected-staff/\(protected)", token: admin, json: #"{"viewers":[]}"#)
            #expect(lift == .accepted && change["kind"] as? String == "protected-staff" && change["target"] as? String == protected)
            let liftID = try #require(change["id"] as? Int)
            #expect(try await fixture.store.protectedStaff().first { $0.userid == protected }?.viewers == ["auditor", "unmasker"])

            // A new viewer could read what it could not: pending too.
            let (added, _) = try await client.send(.put, "/api/v1/protected-staff/\(protected)", token: admin,
                                                   json: #"{"viewers":["auditor","unmasker","manager"]}"#)
            #expect(added == .accepted)
            #expect(try await fixture.store.protectedStaff().first { $0.userid == protected }?.viewers == ["auditor", "unmasker"])
            // Removing a viewer narrows: at once.
            let (removed, _) = try await client.send(.put, "/api/v1/protected-staff/\(protected)", token: admin, json: #"{"viewers":["auditor"]}"#)
            #expect(removed == .ok)
            #expect(try await fixture.store.protectedStaff().first { $0.userid == protected }?.viewers == ["auditor"])

            // Protecting someone new, named for a reader who already sees them, narrows: at once. Naming a manager whose
            // departments do not hold the employee widens that manager's reach: that part waits.
            let outside = try #require(fixture.corp.employees.map(\.userID).sorted().first {
                $0 != protected && fixture.ancestry[$0]?.contains(fixture.managedDepartment) == false
            })
            let (partly, _) = try await client.send(.put, "/api/v1/protected-staff/\(outside)", token: admin,
                                                    json: #"{"viewers":["auditor","manager"]}"#)
            #expect(partly == .accepted)
            #expect(try await fixture.store.protectedStaff().first { $0.userid == outside }?.viewers == ["auditor"])

            let second = try await client.login(Self.secondAdmin)
            #expect(try await client.send(.post, "/api/v1/access-changes/\(liftID)/approve", token: second).0 == .ok)
            #expect(try await fixture.store.protectedStaff().contains { $0.userid == protected } == false)
            let events = try await client.auditEvents(token: second)
            #expect(events.filter { $0.action == "access-change.request" }.count == 3)
            #expect(events.contains { $0.action == "access-change.approve" && $0.target == protected })
            #expect(events.filter { $0.action == "protected-staff.set" }.count == 2)
        }
    }

    @Test func aNewUserWithContentRolesIsCreatedWithoutThemUntilApproved() async throws {
        let fixture = try await Self.fixture(seed: 155)
        try await fixture.withClient { client in
            let admin = try await client.login("admin")
            let (status, change) = try await client.send(.post, "/api/v1/users", token: admin, json:
                #"{"username":"newbie","password":"long enough password","roles":["manager"],"departments":[\#(fixture.managedDepartment)]}"#)
            #expect(status == .accepted && change["target"] as? String == "newbie")
            let id = try #require(change["id"] as? Int)
            let created = try #require(try await fixture.store.user(named: "newbie"))
            #expect(created.roles == [] && created.departments == [] && !created.mayUnmask)
            let newbie = try await client.login("newbie", password: "long enough password")
            #expect(try await client.get("/api/v1/conversations", token: newbie).status == .forbidden)
            // A viewer-only account widens nothing: created at once.
            let (plain, _) = try await client.send(.post, "/api/v1/users", token: admin, json:
                #"{"username":"looker","password":"long enough password","roles":["viewer"],"departments":[1]}"#)
            #expect(plain == .created)

            // The one who gains cannot approve; refusing and cancelling are audited too.
            let second = try await client.login(Self.secondAdmin)
            #expect(try await client.send(.post, "/api/v1/access-changes/\(id)/cancel", token: second).0 == .forbidden)
            #expect(try await client.send(.post, "/api/v1/access-changes/\(id)/approve", token: second, json: #"{"note":"manager of sales"}"#).0 == .ok)
            #expect(try await client.get("/api/v1/conversations", token: newbie).status == .ok)

            let (_, other) = try await client.send(.patch, "/api/v1/users/viewer", token: admin, json: #"{"roles":["auditor"]}"#)
            let refused = try #require(other["id"] as? Int)
            let (_, refusal) = try await client.send(.post, "/api/v1/access-changes/\(refused)/refuse", token: second, json: #"{"note":"no"}"#)
            #expect(refusal["status"] as? String == "refused" && refusal["note"] as? String == "no")
            // The narrowing half of the change (dropping `viewer`) applied at once; the refused half never did.
            #expect(try await fixture.store.user(named: "viewer")?.roles == [])
            let (_, mine) = try await client.send(.patch, "/api/v1/users/viewer", token: admin, json: #"{"mayUnmask":true}"#)
            let cancelled = try #require(mine["id"] as? Int)
            #expect(try await client.send(.post, "/api/v1/access-changes/\(cancelled)/cancel", token: admin).1["status"] as? String == "cancelled")
            #expect(try await fixture.store.user(named: "viewer")?.mayUnmask == false)
            #expect(try await client.send(.post, "/api/v1/access-changes/999999/approve", token: second).0 == .notFound)
            #expect(try await client.send(.post, "/api/v1/access-changes/x/approve", token: second).0 == .badRequest)
            #expect(try await client.send(.get, "/api/v1/access-changes?status=maybe", token: second).0 == .badRequest)
            #expect(try await client.send(.get, "/api/v1/access-changes", token: try await client.login("auditor")).0 == .forbidden)

            let events = try await client.auditEvents(token: second)
            for action in ["access-change.request", "access-change.approve", "access-change.refuse", "access-change.cancel"] {
                #expect(events.contains { $0.action == action }, "\(action)")
            }
            #expect(events.contains { $0.action == "access-change.refuse" && $0.actor == Self.secondAdmin && $0.detail["note"] == "no" })
            #expect(!events.contains { $0.detail.values.contains { $0.hasPrefix("$2") } }, "no password hash in the audit log")
        }
    }

    @Test func theAdminPageListsPendingChangesAndAnotherAdministratorApprovesThem() async throws {
        let fixture = try await Self.fixture(seed: 156)
        try await fixture.withClient { client in
            let first = try await client.pageSession("admin")
            let requested = try await client.execute(uri: "/admin/users/admin", method: .post, headers: first.form,
                                                     body: ByteBuffer(string: "_csrf=\(first.csrf)&roles=admin%2Cauditor&departments=1"))
            #expect(requested.status == .seeOther)
            #expect(try await fixture.store.user(named: "admin")?.roles == ["admin"])
            let own = String(buffer: try await client.execute(uri: "/admin", method: .get, headers: [.cookie: first.cookie]).body)
            let id = try #require(own.firstMatch(of: #/action="/admin/access-changes/(\d+)/cancel"/#)?.1)
            #expect(!own.contains("/admin/access-changes/\(id)/approve"), "no approve button for one's own request")

            let second = try await client.pageSession(Self.secondAdmin)
            let page = String(buffer: try await client.execute(uri: "/admin", method: .get, headers: [.cookie: second.cookie]).body)
            #expect(page.contains("/admin/access-changes/\(id)/approve") && page.contains("/admin/access-changes/\(id)/refuse"))
            // The form needs the session's CSRF token.
            let forged = try await client.execute(uri: "/admin/access-changes/\(id)/approve", method: .post, headers: second.form,
                                                  body: ByteBuffer(string: "note="))
            #expect(forged.status == .forbidden)
            // The requester's own form is refused too.
            let ownApproval = try await client.execute(uri: "/admin/access-changes/\(id)/approve", method: .post, headers: first.form,
                                                 body: ByteBuffer(string: "_csrf=\(first.csrf)"))
            #expect(ownApproval.status == .forbidden)
            let approved = try await client.execute(uri: "/admin/access-changes/\(id)/approve", method: .post, headers: second.form,
                                                    body: ByteBuffer(string: "_csrf=\(second.csrf)"))
            #expect(approved.status == .seeOther)
            #expect(Set(try await fixture.store.user(named: "admin")?.roles ?? []) == ["admin", "auditor"])
        }
    }
}

/// The rule alone: what widens and what narrows, as a table.
@Suite struct AccessChangeRuleTests {
    // Departments: 1 root ← 2 finance ← 3 wealth; 1 ← 4 education.
    let parents: [Int64: Int64] = [2: 1, 3: 2, 4: 1]

    func user(_ roles: [String], _ departments: [Int64], unmask: Bool = false, disabled: Bool = false, name: String = "u") -> ConsoleUser {
        ConsoleUser(username: name, displayName: name, passwordHash: "h", roles: roles, departments: departments, mayUnmask: unmask,
                    disabled: disabled)
    }

    func split(_ current: ConsoleUser, _ change: ConsoleUserChange, by requester: String = "boss") -> AccessChangeRule.UserSplit {
        AccessChangeRule.split(current: current, requested: change, requester: requester, parents: parents)
    }

    @Test func grantingAGuardedRoleOrUnmaskingWaits() {
        for role in ["auditor", "manager", "qa", "admin"] {
            let result = split(user(["viewer"], [1]), ConsoleUserChange(roles: ["viewer", role]))
            // The queued role carries the scope and unmask right it will reach, so the approver sees them.
            #expect(result.immediate == nil && result.pending == AccessChangePayload(roles: ["viewer", role], departments: [1], mayUnmask: false), "\(role)")
        }
        #expect(split(user(["viewer"], [2]), ConsoleUserChange(roles: ["viewer"])).pending == nil)
        #expect(split(user(["auditor"], [1]), ConsoleUserChange(mayUnmask: true)).pending == AccessChangePayload(mayUnmask: true))
        #expect(split(user(["auditor"], [1], unmask: true), ConsoleUserChange(mayUnmask: false))
            == .init(immediate: ConsoleUserChange(mayUnmask: false), pending: nil))
        // Swapping one content role for another: the old goes now, the new waits.
        #expect(split(user(["auditor"], [1]), ConsoleUserChange(roles: ["manager"]))
            == .init(immediate: ConsoleUserChange(roles: []), pending: AccessChangePayload(roles: ["manager"], departments: [1], mayUnmask: false)))
        // A scope widened while the user had no content role is shown with the role and applied as shown.
        #expect(split(user([], [1]), ConsoleUserChange(roles: ["manager"])).pending?.departments == [1])
        #expect(split(user(["auditor"], [1], unmask: true), ConsoleUserChange(roles: ["manager"], mayUnmask: false)).pending?.mayUnmask == false)
    }

    @Test func widerScopeWaitsOnlyForContentRoles() {
        // 3 is under 2: inside the scope.
        #expect(split(user(["manager"], [2]), ConsoleUserChange(departments: [3])).pending == nil)
        #expect(split(user(["manager"], [2]), ConsoleUserChange(departments: [2, 4]))
            == .init(immediate: nil, pending: AccessChangePayload(departments: [2, 4])))
        // Widened to the whole corp, the manager keeps its department meanwhile; a dropped one goes now.
        #expect(split(user(["manager"], [2]), ConsoleUserChange(departments: [1])) == .init(immediate: nil, pending: AccessChangePayload(departments: [1])))
        #expect(split(user(["manager"], [3, 4]), ConsoleUserChange(departments: [3, 2]))
            == .init(immediate: ConsoleUserChange(departments: [3]), pending: AccessChangePayload(departments: [3, 2])))
        #expect(split(user(["viewer"], [2]), ConsoleUserChange(departments: [1])).pending == nil)
        #expect(AccessChangeRule.covers([1], 99, parents: parents) && !AccessChangeRule.covers([4], 3, parents: [3: 2, 2: 3]))
    }

    @Test func reEnablingAndPasswordsOfOthersWait() {
        #expect(split(user(["auditor"], [1], disabled: true), ConsoleUserChange(disabled: false)).pending == AccessChangePayload(disabled: false))
        #expect(split(user(["viewer"], [1], disabled: true), ConsoleUserChange(disabled: false)).pending == nil)
        #expect(split(user(["auditor"], [1]), ConsoleUserChange(disabled: true)) == .init(immediate: ConsoleUserChange(disabled: true), pending: nil))
        #expect(split(user(["viewer"], [1]), ConsoleUserChange(passwordHash: "new")).pending == AccessChangePayload(passwordHash: "new"))
        #expect(split(user(["admin"], [1], name: "boss"), ConsoleUserChange(passwordHash: "new")).pending == nil)
        // A form that saves the user as it is changes nothing that widens.
        #expect(split(user(["manager"], [2], unmask: true), ConsoleUserChange(roles: ["manager"], departments: [2], mayUnmask: true, disabled: false))
            .pending == nil)
    }

    @Test func protectionsNarrowAtOnceAndWidenLater() {
        typealias Split = AccessChangeRule.ProtectionSplit
        #expect(AccessChangeRule.split(currentViewers: nil, requested: ["a"], alreadyReading: ["a"]) == Split(immediate: ["a"], pending: nil))
        #expect(AccessChangeRule.split(currentViewers: nil, requested: ["a", "b"], alreadyReading: ["a"]) == Split(immediate: ["a"], pending: ["a", "b"]))
        #expect(AccessChangeRule.split(currentViewers: nil, requested: ["b"], alreadyReading: []) == Split(immediate: nil, pending: ["b"]))
        #expect(AccessChangeRule.split(currentViewers: nil, requested: [], alreadyReading: []) == Split(immediate: [], pending: nil))
        #expect(AccessChangeRule.split(currentViewers: ["a", "b"], requested: [], alreadyReading: []) == Split(immediate: nil, pending: []))
        #expect(AccessChangeRule.split(currentViewers: ["a", "b"], requested: ["a"], alreadyReading: []) == Split(immediate: ["a"], pending: nil))
        #expect(AccessChangeRule.split(currentViewers: ["a", "b"], requested: ["a", "c"], alreadyReading: ["c"])
            == Split(immediate: ["a"], pending: ["a", "c"]))
        #expect(AccessChangeRule.split(currentViewers: ["a"], requested: ["a", "c"], alreadyReading: []) == Split(immediate: nil, pending: ["a", "c"]))
    }
}

struct AuditLine {
    var actor: String
    var action: String
    var target: String
    var detail: [String: String]
}

extension TestClientProtocol {
    /// Sends a request with a bearer token (and a JSON body), and reads the JSON object it answers.
    func send(_ method: HTTPRequest.Method, _ uri: String, token: String, json: String? = nil) async throws -> (HTTPResponse.Status, [String: Any]) {
        var headers: HTTPFields = [.authorization: "Bearer \(token)"]
        if json != nil { headers[.contentType] = "application/json" }
        let response = try await execute(uri: uri, method: method, headers: headers, body: json.map { ByteBuffer(string: $0) })
        let object = (try? JSONSerialization.jsonObject(with: Data(String(buffer: response.body).utf8))) as? [String: Any]
        return (response.status, object ?? [:])
    }

    func loginStatus(_ username: String, password: String) async throws -> HTTPResponse.Status {
        try await execute(uri: "/api/v1/auth/login", method: .post, headers: [.contentType: "application/json"],
                          body: ByteBuffer(string: #"{"username":"\#(username)","password":"\#(password)"}"#)).status
    }

    /// The latest audit events, as an administrator reads them.
    func auditEvents(token: String) async throws -> [AuditLine] {
        let (_, body) = try await send(.get, "/api/v1/audit?limit=500", token: token)
        return (body["items"] as? [[String: Any]] ?? []).map {
            AuditLine(actor: $0["actor"] as? String ?? "", action: $0["action"] as? String ?? "", target: $0["target"] as? String ?? "",
                      detail: $0["detail"] as? [String: String] ?? [:])
        }
    }

    /// Signs in through the login form: the session cookie, the page's CSRF token and headers for posting forms.
    func pageSession(_ username: String) async throws -> (cookie: String, csrf: String, form: HTTPFields) {
        let password = ConsoleFixture.password.replacingOccurrences(of: " ", with: "+")
        let login = try await execute(uri: "/login", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                                      body: ByteBuffer(string: "username=\(username)&password=\(password)&next=%2Fadmin"))
        guard let cookie = login.headers[.setCookie]?.split(separator: ";").first.map(String.init) else {
            throw FixtureError("form sign-in of \(username) failed: \(login.status)")
        }
        let page = String(buffer: try await execute(uri: "/admin", method: .get, headers: [.cookie: cookie]).body)
        guard let csrf = page.firstMatch(of: /name="_csrf" value="([^"]+)"/)?.1 else { throw FixtureError("no CSRF token on /admin") }
        return (cookie, String(csrf), [.cookie: cookie, .contentType: "application/x-www-form-urlencoded"])
    }
}
