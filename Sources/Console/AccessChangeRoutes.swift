import ArchiveStore
import Foundation
import Hummingbird

/// Four-eyes for access to content: changes that widen someone's access (``AccessChangeRule``) wait as pending
/// ``AccessChange``s until a second administrator approves them; `GET /api/v1/access-changes`,
/// `POST /api/v1/access-changes/{id}/approve|refuse|cancel`. The user and protected-staff routes of the API and the admin
/// page go through ``changeUser(_:_:by:services:)``, ``addUser(_:displayName:passwordHash:roles:departments:mayUnmask:by:services:)`` and
/// ``protect(_:viewers:by:services:)``, so both surfaces split a change the same way.
///
/// Every request, approval, refusal and cancellation is an audit event (`access-change.request`, `access-change.approve`,
/// `access-change.refuse`, `access-change.cancel`). The CLI (`chatledger user grant|passwd`) is the break-glass path: it
/// is run by an operator holding the database and the master key, and applies at once (audited with the `cli:` actor).
enum AccessChangeRoutes {
    /// A change as the API shows it (never a password hash).
    struct ChangeJSON: ResponseEncodable, Sendable {
        var id: Int64
        var kind: String
        var target: String
        var requested_by: String
        var status: String
        var summary: String
        var created_at: Int64
        var decided_by: String?
        var decided_at: Int64?
        var note: String?

        init(_ change: AccessChange) {
            id = change.id
            kind = change.kind.rawValue
            target = change.target
            requested_by = change.requestedBy
            status = change.status.rawValue
            summary = AccessChangeRoutes.summary(change)
            created_at = change.createdAt
            decided_by = change.decidedBy
            decided_at = change.decidedAt
            note = change.note
        }
    }

    struct DecisionBody: Decodable {
        var note: String?
    }

    static func add(to router: Router<ConsoleContext>, services: ConsoleServices) {
        router.get("api/v1/access-changes") { request, context -> Page<ChangeJSON> in
            _ = try await services.authorize(context, .administer)
            let query = QueryParameters(request)
            let status = try query.string("status").map { (name: String) throws -> AccessChange.Status in
                guard let status = AccessChange.Status(rawValue: name) else {
                    throw HTTPError(.badRequest, message: "status must be one of \(AccessChange.Status.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                return status
            }
            let changes = try await services.store.accessChanges(status: status, limit: try query.int("limit", default: 100, range: 1...1000))
            return Page(total: changes.count, items: changes.map(ChangeJSON.init))
        }
        for decision in AccessChangeDecision.allCases {
            router.post("api/v1/access-changes/:id/\(decision.rawValue)") { request, context -> ChangeJSON in
                let policy = try await services.authorize(context, .administer)
                let id = try changeID(context)
                let note = try await decisionNote(request)
                return ChangeJSON(try await decide(id, decision, note: note, by: policy.principal, services: services))
            }
        }
    }

    /// The `:id` path parameter, or 400.
    static func changeID(_ context: ConsoleContext) throws -> Int64 {
        let text = try context.pathParameter("id")
        guard let id = Int64(text), id > 0 else { throw HTTPError(.badRequest, message: "an access change's id is a positive whole number") }
        return id
    }

    /// The optional `{"note": …}` of a decision: an empty body has none.
    static func decisionNote(_ request: Request) async throws -> String? {
        let body = try await request.body.collect(upTo: 64 * 1024)
        guard !String(buffer: body).trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return nil }
        let note: String?
        do {
            note = try JSONDecoder().decode(DecisionBody.self, from: Data(String(buffer: body).utf8)).note
        } catch {
            throw HTTPError(.badRequest, message: "send no body, or JSON {\"note\": \"why\"}")
        }
        return try checked(note: note)
    }

    static func checked(note: String?) throws -> String? {
        guard let note = note?.trimmingCharacters(in: .whitespacesAndNewlines), !note.isEmpty else { return nil }
        guard note.count <= 1000 else { throw HTTPError(.badRequest, message: "note: at most 1000 characters") }
        return note
    }

    // MARK: - Deciding

    /// Approves, refuses or cancels a pending change, and audits it.
    /// - Throws: 404 for an unknown change, 403 when `principal` may not take this decision (their own request, or a change
    ///   that widens their own access), 409 when it is no longer pending or has expired.
    static func decide(_ id: Int64, _ decision: AccessChangeDecision, note: String?, by principal: Principal,
                       services: ConsoleServices) async throws -> AccessChange {
        guard let change = try await services.store.accessChange(id: id) else {
            throw HTTPError(.notFound, message: "no access change #\(id); GET /api/v1/access-changes lists them")
        }
        if change.status == .pending, let refusal = change.refusal(of: decision, by: principal.username) {
            throw HTTPError(.forbidden, message: refusal)
        }
        // Lifting a protection widens every content reader whose scope covers the employee, not only named viewers:
        // it is approved by an administrator who reads no content.
        if change.kind == .protectedStaff, decision == .approve,
           !principal.permissions.isDisjoint(with: AccessChangeRule.scopedPermissions) {
            throw HTTPError(.forbidden, message: "you read content, so you may gain from access change #\(id); an administrator without a content role must approve it")
        }
        let decided: AccessChange
        do {
            decided = try await services.store.decideAccessChange(id: id, decision, by: principal.username, note: note)
        } catch let error as StorageError where !error.notFound && !error.unavailable {
            throw HTTPError(.conflict, message: error.description)
        }
        var detail = ["id": "\(decided.id)", "kind": decided.kind.rawValue, "requested_by": decided.requestedBy,
                      "summary": summary(decided)]
        if let note { detail["note"] = note }
        try await services.audit(principal, "access-change.\(decision.rawValue)", decided.target, detail)
        return decided
    }

    // MARK: - Requesting

    /// Changes a user: what narrows applies now (audited as `user.update`), what widens is queued.
    /// - Returns: the user as it now stands, and the queued change, if any.
    /// - Throws: 404 when there is no such user.
    static func changeUser(_ username: String, _ change: ConsoleUserChange, by principal: Principal,
                           services: ConsoleServices) async throws -> (user: ConsoleUser, queued: AccessChange?) {
        guard let current = try await services.store.user(named: username) else {
            throw HTTPError(.notFound, message: "no user named \(username)")
        }
        if change.passwordHash != nil, username != principal.username, current.roles.contains(Role.admin.rawValue) {
            // An approved reset would hand the requester a second administrator, who could then approve its own requests.
            throw HTTPError(.forbidden, message: "an administrator's password is reset by its owner or with `chatledger user passwd` on the server")
        }
        let split = AccessChangeRule.split(current: current, requested: change, requester: principal.username,
                                           parents: try await departmentParents(services))
        if let now = split.immediate, try await leavesOneAdministrator(current, now, services: services) {
            throw HTTPError(.conflict, message: "keep at least two enabled administrators, so that changes can still be approved")
        }
        var user = current
        // A change that widens nothing applies as asked, even an empty one.
        if let now = split.immediate ?? (split.pending == nil ? change : nil) {
            user = try await services.store.updateUser(named: username, now)
            try await services.audit(principal, "user.update", username, detail(now))
        }
        let queued = try await split.pending.asyncMap { payload in
            try await queue(.user, target: username, payload, by: principal, services: services)
        }
        return (user, queued)
    }

    /// Adds a user. The account is created at once without what would widen access to content (guarded roles, scope
    /// for them, unmasking); those are queued as a change of the new user for a second administrator.
    /// - Returns: the user as created, and the queued change, if any.
    /// - Throws: 409 when the username is taken.
    static func addUser(_ username: String, displayName: String, passwordHash: String, roles: [String], departments: [Int64],
                        mayUnmask: Bool, by principal: Principal,
                        services: ConsoleServices) async throws -> (user: ConsoleUser, queued: AccessChange?) {
        let blank = ConsoleUser(username: username, displayName: displayName, passwordHash: passwordHash, roles: [], departments: [])
        let split = AccessChangeRule.split(current: blank, requested: ConsoleUserChange(roles: roles, departments: departments, mayUnmask: mayUnmask),
                                           requester: principal.username, parents: try await departmentParents(services))
        let now = split.immediate ?? ConsoleUserChange()
        let added: ConsoleUser
        do {
            added = try await services.store.addUser(ConsoleUser(
                username: username, displayName: displayName, passwordHash: passwordHash, roles: now.roles ?? [],
                departments: now.departments ?? [], mayUnmask: now.mayUnmask ?? false))
        } catch let error as StorageError where !error.unavailable {
            throw HTTPError(.conflict, message: error.description)
        }
        try await services.audit(principal, "user.add", added.username,
                                 AdminRoutes.grantDetail(roles: added.roles, departments: added.departments, mayUnmask: added.mayUnmask))
        let queued = try await split.pending.asyncMap { payload in
            try await queue(.user, target: added.username, payload, by: principal, services: services)
        }
        return (added, queued)
    }

    /// Protects an employee (or, with no viewers, lifts the protection): what narrows applies now (audited as
    /// `protected-staff.set`), what widens is queued.
    /// - Returns: the entry as it now stands (nil: not protected), and the queued change, if any.
    static func protect(_ userid: String, viewers: [String], by principal: Principal,
                        services: ConsoleServices) async throws -> (entry: ProtectedStaff?, queued: AccessChange?) {
        let entries = try await services.store.protectedStaff()
        let current = entries.first { $0.userid == userid }
        var reading: Set<String> = []
        if current == nil, !viewers.isEmpty {
            reading = try await readers(of: userid, among: Set(viewers), protected: entries, services: services)
        }
        let split = AccessChangeRule.split(currentViewers: current?.viewers, requested: viewers, alreadyReading: reading)
        var entry = current
        if let now = split.immediate {
            try await services.store.setProtectedStaff(ProtectedStaff(userid: userid, viewers: now))
            try await services.audit(principal, "protected-staff.set", userid, ["viewers": now.joined(separator: ",")])
            entry = now.isEmpty ? nil : ProtectedStaff(userid: userid, viewers: now)
        }
        let queued = try await split.pending.asyncMap { viewers in
            try await queue(.protectedStaff, target: userid, AccessChangePayload(viewers: viewers), by: principal, services: services)
        }
        return (entry, queued)
    }

    /// Queues a change and audits the request.
    static func queue(_ kind: AccessChange.Kind, target: String, _ payload: AccessChangePayload, by principal: Principal,
                        services: ConsoleServices) async throws -> AccessChange {
        let change = try await services.store.requestAccessChange(kind: kind, target: target, requestedBy: principal.username, payload: payload)
        try await services.audit(principal, "access-change.request", target,
                                 ["id": "\(change.id)", "kind": kind.rawValue, "summary": summary(change)])
        return change
    }

    /// Of `names`, the existing users with a content role whose scope already covers `employee`: naming them for a new
    /// protection gives them nothing they do not have.
    static func readers(of employee: String, among names: Set<String>, protected: [ProtectedStaff],
                        services: ConsoleServices) async throws -> Set<String> {
        let users = try await services.store.users().filter { names.contains($0.username) }
        guard !users.isEmpty else { return [] }
        let departments = try await services.store.employeeDepartments()
        let named = Dictionary(protected.map { ($0.userid, Set($0.viewers)) }, uniquingKeysWith: { $0.union($1) })
        return Set(users.filter { user in
            let principal = Principal(user: user, credential: .apiToken)
            guard !principal.permissions.isDisjoint(with: AccessChangeRule.scopedPermissions) else { return false }
            return AccessPolicy(principal: principal, employeeDepartments: departments, protectedStaff: named).covers(employee: employee)
        }.map(\.username))
    }

    /// Whether applying `change` to `user` would take the enabled administrators from two or more down to one.
    static func leavesOneAdministrator(_ user: ConsoleUser, _ change: ConsoleUserChange, services: ConsoleServices) async throws -> Bool {
        func isAdministrator(_ user: ConsoleUser) -> Bool { !user.disabled && user.roles.contains(Role.admin.rawValue) }
        guard isAdministrator(user) else { return false }
        let stillAdministrator = !(change.disabled ?? user.disabled) && (change.roles ?? user.roles).contains(Role.admin.rawValue)
        guard !stillAdministrator else { return false }
        let administrators = try await services.store.users().filter(isAdministrator).count
        return administrators == 2
    }

    /// Department → parent, from the directory.
    static func departmentParents(_ services: ConsoleServices) async throws -> [Int64: Int64] {
        Dictionary(try await services.store.departments().compactMap { department in department.parentID.map { (department.id, $0) } },
                   uniquingKeysWith: { first, _ in first })
    }

    // MARK: - Describing

    /// What a change does, in a line (for the API, the admin page and the audit log; never the password hash).
    static func summary(_ change: AccessChange) -> String {
        let payload = change.payload
        switch change.kind {
        case .user:
            var parts: [String] = []
            if let roles = payload.roles { parts.append("roles → \(roles.isEmpty ? "none" : roles.joined(separator: ","))") }
            if let departments = payload.departments {
                parts.append("departments → \(departments.isEmpty ? "none" : departments.map(String.init).joined(separator: ","))")
            }
            if let mayUnmask = payload.mayUnmask { parts.append(mayUnmask ? "may unmask" : "masked") }
            if let disabled = payload.disabled { parts.append(disabled ? "disable" : "re-enable") }
            if payload.passwordHash != nil { parts.append("password reset") }
            return "\(change.target): \(parts.joined(separator: "; "))"
        case .protectedStaff:
            let viewers = payload.viewers ?? []
            return viewers.isEmpty ? "\(change.target): lift the protection"
                : "\(change.target): protected, viewers → \(viewers.joined(separator: ","))"
        }
    }

    /// A user change's audit detail (never the password hash).
    static func detail(_ change: ConsoleUserChange) -> [String: String] {
        var detail = AdminRoutes.grantDetail(roles: change.roles, departments: change.departments, mayUnmask: change.mayUnmask)
        if let disabled = change.disabled { detail["disabled"] = "\(disabled)" }
        if change.passwordHash != nil { detail["password"] = "changed" }
        return detail
    }
}

extension Optional {
    /// `map` for an async transform.
    fileprivate func asyncMap<Mapped>(_ transform: (Wrapped) async throws -> Mapped) async rethrows -> Mapped? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
