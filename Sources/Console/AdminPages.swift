import Presentation
import ArchiveStore
import Foundation
import Hummingbird
import Ledger
import Risk

/// The administration page: access changes awaiting a second administrator, users, roles and scopes, protected staff,
/// lexicons and rules, ledger and service status. Changes are audited, and split into what applies now and what waits
/// for approval, like the API's (``AccessChangeRoutes``).
enum AdminPages {
    typealias PageHandler = @Sendable (Request, ConsoleContext, AccessPolicy, PageRenderer.Frame) async throws -> Response
    typealias PageWrapper = (Permission?, @escaping PageHandler) -> @Sendable (Request, ConsoleContext) async throws -> Response

    static func add(to router: Router<ConsoleContext>, services: ConsoleServices, renderer: PageRenderer, page: PageWrapper) {
        router.get("admin", use: page(.administer) { request, context, _, frame in
            try await render(services: services, renderer: renderer, frame: frame, csrf: context.principal?.csrfToken ?? "",
                             message: QueryParameters(request).string("done"))
        })
        // Changes that widen access to content are queued for a second administrator (AccessChangeRoutes), as in the API.
        router.post("admin/users", use: page(.administer) { request, context, policy, frame in
            let form = FormBody(String(buffer: try await request.body.collect(upTo: 64 * 1024)))
            let username = form["username"] ?? "", password = form["password"] ?? ""
            let roles = list(form["roles"]), departments = numbers(form["departments"])
            do {
                try AdminRoutes.validate(username: username, password: password, roles: roles)
                let (_, queued) = try await AccessChangeRoutes.addUser(
                    username, displayName: username, passwordHash: services.accounts.hashPassword(password), roles: roles,
                    departments: departments, mayUnmask: form["mayUnmask"] == "true", by: policy.principal, services: services)
                return PageRenderer.redirect("/admin?done=" + MessagePresenter.query(done(username, queued, frame: frame)))
            } catch let error as HTTPError {
                return try await render(services: services, renderer: renderer, frame: frame, csrf: context.principal?.csrfToken ?? "",
                                        message: error.body, status: error.status)
            }
        })
        router.post("admin/users/:username", use: page(.administer) { request, context, policy, frame in
            let username = try context.pathParameter("username")
            let form = FormBody(String(buffer: try await request.body.collect(upTo: 64 * 1024)))
            let roles = list(form["roles"]), departments = numbers(form["departments"])
            do {
                try AdminRoutes.validate(roles: roles)
                let (_, queued) = try await AccessChangeRoutes.changeUser(username, ConsoleUserChange(
                    roles: roles, departments: departments, mayUnmask: form["mayUnmask"] == "true", disabled: form["disabled"] == "true"),
                    by: policy.principal, services: services)
                return PageRenderer.redirect("/admin?done=" + MessagePresenter.query(done(username, queued, frame: frame)))
            } catch let error as HTTPError {
                return try await render(services: services, renderer: renderer, frame: frame, csrf: context.principal?.csrfToken ?? "",
                                        message: error.body, status: error.status)
            }
        })
        router.post("admin/protected", use: page(.administer) { request, _, policy, frame in
            let form = FormBody(String(buffer: try await request.body.collect(upTo: 64 * 1024)))
            guard let userid = form["userid"], !userid.isEmpty else { throw HTTPError(.badRequest, message: "name the employee (userid)") }
            let (_, queued) = try await AccessChangeRoutes.protect(userid, viewers: list(form["viewers"]), by: policy.principal, services: services)
            return PageRenderer.redirect("/admin?done=" + MessagePresenter.query(done(userid, queued, frame: frame)))
        })
        router.post("admin/access-changes/:id/:decision", use: page(.administer) { request, context, policy, frame in
            guard let decision = AccessChangeDecision(rawValue: try context.pathParameter("decision")) else {
                throw HTTPError(.notFound, message: "decide with approve, refuse or cancel")
            }
            let id = try AccessChangeRoutes.changeID(context)
            let form = FormBody(String(buffer: try await request.body.collect(upTo: 64 * 1024)))
            do {
                let decided = try await AccessChangeRoutes.decide(id, decision, note: try AccessChangeRoutes.checked(note: form["note"]),
                                                                  by: policy.principal, services: services)
                let word = frame.t["change.\(decided.status.rawValue)"] ?? decided.status.rawValue
                return PageRenderer.redirect("/admin?done=" + MessagePresenter.query("✓ #\(id) \(word): \(AccessChangeRoutes.summary(decided))"))
            } catch let error as HTTPError {
                return try await render(services: services, renderer: renderer, frame: frame, csrf: context.principal?.csrfToken ?? "",
                                        message: error.body, status: error.status)
            }
        })
    }

    /// The notice after a change: done, or queued for a second administrator.
    static func done(_ name: String, _ queued: AccessChange?, frame: PageRenderer.Frame) -> String {
        guard let queued else { return "✓ \(name)" }
        return "⏳ #\(queued.id) \(AccessChangeRoutes.summary(queued)) — \(frame.t["awaiting_approval"] ?? "")"
    }

    static func render(services: ConsoleServices, renderer: PageRenderer, frame: PageRenderer.Frame, csrf: String, message: String?,
                       status: HTTPResponse.Status = .ok) async throws -> Response {
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let users = try await services.store.users().map { user -> [String: Any] in
            let flags = [user.disabled ? frame.t["disabled"] : nil, (user.lockedUntil ?? 0) > now ? "🔒" : nil, user.hasTOTP ? "TOTP" : nil]
            return ["username": user.username, "displayName": user.displayName, "roles": user.roles.joined(separator: ","),
                    "departments": user.departments.map(String.init).joined(separator: ","), "mayUnmask": user.mayUnmask,
                    "disabled": user.disabled, "flags": flags.compactMap { $0 }.joined(separator: " "), "csrf": csrf]
        }
        let checkpoints = try await services.store.checkpoints()
        let versions = try await services.store.policyVersions()
        let policy = versions.last.flatMap { try? JSONDecoder().decode(Policy.self, from: Data($0.document)) } ?? Policy.builtIn
        let me = frame.principal?.username
        let changes = try await services.store.accessChanges(status: .pending, limit: 200).map { change -> [String: Any] in
            ["id": "\(change.id)", "time": MessagePresenter.time(change.createdAt), "requestedBy": change.requestedBy,
             "target": change.target, "summary": AccessChangeRoutes.summary(change), "mine": change.requestedBy == me, "csrf": csrf]
        }
        var values: [String: Any] = [
            "csrf": csrf, "users": users, "changes": changes,
            "protected": try await services.store.protectedStaff().map { ["userid": $0.userid, "viewers": $0.viewers.joined(separator: ", ")] },
            "status": [
                "treeSize": try await services.store.treeSize(), "checkpoints": checkpoints.count,
                "lastCheckpoint": checkpoints.last.map { "\(MessagePresenter.time($0.timeMilliseconds)) (\($0.treeSize))" } ?? "—",
                "policyVersion": versions.last.map { "v\($0.version) \($0.name)" } ?? "built-in",
                "keys": try await services.store.dataKeyStatus().map { "#\($0.id)\($0.active ? "*" : "") ← master \($0.masterFingerprint)" }
                    .joined(separator: "; "),
            ] as [String: Any],
            "lexicons": policy.lexicons.map { rule -> [String: Any] in
                ["id": rule.id, "category": rule.category.rawValue, "severity": rule.severity.rawValue, "count": rule.terms.count,
                 "sample": rule.terms.prefix(6).joined(separator: "、")]
            },
            "service": (await services.serviceStatus()).sorted { $0.key < $1.key }.map { ["key": $0.key, "value": $0.value] },
        ]
        if let message { values["message"] = message }
        return renderer.render("admin", title: frame.t["admin"] ?? "", values: values, frame: frame, status: status)
    }

    static func list(_ text: String?) -> [String] {
        (text ?? "").split(whereSeparator: { $0 == "," || $0 == " " || $0 == "，" }).map(String.init).filter { !$0.isEmpty }
    }

    static func numbers(_ text: String?) -> [Int64] { list(text).compactMap { Int64($0) } }
}
