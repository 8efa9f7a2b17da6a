import ArchiveModel
import ArchiveStore
import Foundation
import Hummingbird
import Ledger

/// Users, protected staff and service status (administrators); the audit log (auditors and administrators);
/// statistics (everyone with a role).
enum AdminRoutes {
    struct NewUser: Decodable {
        var username: String
        var password: String
        var displayName: String?
        var roles: [String]
        var departments: [Int64]?
        var mayUnmask: Bool?
    }

    struct UserUpdate: Decodable {
        var displayName: String?
        var password: String?
        var roles: [String]?
        var departments: [Int64]?
        var mayUnmask: Bool?
        var disabled: Bool?
    }

    struct ProtectedStaffJSON: ResponseEncodable {
        var userid: String
        var viewers: [String]
    }

    struct StatusJSON: ResponseEncodable {
        var treeSize: UInt64
        var checkpoints: Int
        var lastCheckpoint: Int64?
        var lastCheckpointTreeSize: UInt64?
        var policyVersion: Int?
        var auditEvents: Int
        var service: [String: String]
    }

    static func add(to router: Router<ConsoleContext>, services: ConsoleServices) {
        router.get("api/v1/stats") { _, context -> StatsJSON in
            _ = try await services.authorize(context, .viewStatistics)
            return StatsJSON(try await services.store.stats())
        }
        router.get("api/v1/users") { _, context -> Page<UserJSON> in
            _ = try await services.authorize(context, .administer)
            let users = try await services.store.users().map { UserJSON($0) }
            return Page(total: users.count, items: users)
        }
        // Changes that widen access to content answer 202 with the pending change (four-eyes: AccessChangeRoutes); the rest
        // apply at once as before.
        router.post("api/v1/users") { request, context -> Response in
            let policy = try await services.authorize(context, .administer)
            let body = try await decode(NewUser.self, request, context, hint: "{\"username\", \"password\", \"roles\": [\"auditor\"], \"departments\": [1]}")
            try validate(username: body.username, password: body.password, roles: body.roles)
            let (user, queued) = try await AccessChangeRoutes.addUser(
                body.username, displayName: body.displayName ?? body.username, passwordHash: services.accounts.hashPassword(body.password),
                roles: body.roles, departments: body.departments ?? [], mayUnmask: body.mayUnmask ?? false, by: policy.principal,
                services: services)
            if let queued { return try AccessChangeRoutes.ChangeJSON(queued).response(from: request, context: context).withStatus(.accepted) }
            return try UserJSON(user).response(from: request, context: context).withStatus(.created)
        }
        router.patch("api/v1/users/:username") { request, context -> Response in
            let policy = try await services.authorize(context, .administer)
            let username = try context.pathParameter("username")
            let body = try await decode(UserUpdate.self, request, context, hint: "{\"roles\": […], \"departments\": […], \"disabled\": true, \"password\": …}")
            if let roles = body.roles { try validate(roles: roles) }
            if let password = body.password { try validate(password: password) }
            let (user, queued) = try await AccessChangeRoutes.changeUser(username, ConsoleUserChange(
                displayName: body.displayName, passwordHash: body.password.map(services.accounts.hashPassword), roles: body.roles,
                departments: body.departments, mayUnmask: body.mayUnmask, disabled: body.disabled), by: policy.principal, services: services)
            if let queued { return try AccessChangeRoutes.ChangeJSON(queued).response(from: request, context: context).withStatus(.accepted) }
            return try UserJSON(user).response(from: request, context: context)
        }
        router.get("api/v1/protected-staff") { _, context -> Page<ProtectedStaffJSON> in
            _ = try await services.authorize(context, .administer)
            let entries = try await services.store.protectedStaff().map { ProtectedStaffJSON(userid: $0.userid, viewers: $0.viewers) }
            return Page(total: entries.count, items: entries)
        }
        router.put("api/v1/protected-staff/:userid") { request, context -> Response in
            let policy = try await services.authorize(context, .administer)
            let userid = try context.pathParameter("userid")
            struct Body: Decodable { var viewers: [String] }
            let body = try await decode(Body.self, request, context, hint: "{\"viewers\": [\"console usernames\"]} (empty lifts the protection)")
            let (entry, queued) = try await AccessChangeRoutes.protect(userid, viewers: body.viewers, by: policy.principal, services: services)
            if let queued { return try AccessChangeRoutes.ChangeJSON(queued).response(from: request, context: context).withStatus(.accepted) }
            return try ProtectedStaffJSON(userid: userid, viewers: entry?.viewers ?? []).response(from: request, context: context)
        }
        router.get("api/v1/status") { _, context -> StatusJSON in
            _ = try await services.authorize(context, .administer)
            let checkpoints = try await services.store.checkpoints()
            return StatusJSON(treeSize: try await services.store.treeSize(), checkpoints: checkpoints.count,
                              lastCheckpoint: checkpoints.last?.timeMilliseconds, lastCheckpointTreeSize: checkpoints.last?.treeSize,
                              policyVersion: try await services.store.policyVersions().last?.version,
                              auditEvents: try await services.store.auditEventCount(), service: await services.serviceStatus())
        }
        router.get("api/v1/audit") { request, context -> Page<AuditEventJSON> in
            let policy = try await services.authorize(context, .viewAudit)
            let query = QueryParameters(request)
            let filter = AuditFilter(actor: query.string("actor"), action: query.string("action"),
                                     since: try query.time("since"), until: try query.time("until"),
                                     limit: try query.int("limit", default: 100, range: 1...1000), before: try query.int64("before"))
            let events = try await services.store.auditEvents(filter).map { AuditEventJSON($0, maskPII: policy.masksPII) }
            return Page(total: events.count, items: events)
        }
        AccessChangeRoutes.add(to: router, services: services)
    }

    static func decode<T: Decodable>(_ type: T.Type, _ request: Request, _ context: ConsoleContext, hint: String) async throws -> T {
        do {
            return try await request.decode(as: type, context: context)
        } catch {
            throw HTTPError(.badRequest, message: "send JSON \(hint)")
        }
    }

    static func validate(username: String, password: String, roles: [String]) throws {
        guard username.range(of: "^[A-Za-z0-9._@-]{1,64}$", options: .regularExpression) != nil else {
            throw HTTPError(.badRequest, message: "username: 1–64 letters, digits, dots, dashes, underscores or @")
        }
        try validate(password: password)
        try validate(roles: roles)
    }

    static func validate(password: String) throws {
        guard password.count >= 10 else { throw HTTPError(.badRequest, message: "password: at least 10 characters") }
    }

    static func validate(roles: [String]) throws {
        let unknown = roles.filter { Role(rawValue: $0) == nil }
        guard unknown.isEmpty else {
            throw HTTPError(.badRequest, message: "unknown role \(unknown.joined(separator: ", ")); roles are \(Role.allCases.map(\.rawValue).joined(separator: ", "))")
        }
    }

    static func grantDetail(roles: [String]?, departments: [Int64]?, mayUnmask: Bool?) -> [String: String] {
        var detail: [String: String] = [:]
        if let roles { detail["roles"] = roles.joined(separator: ",") }
        if let departments { detail["departments"] = departments.map(String.init).joined(separator: ",") }
        if let mayUnmask { detail["mayUnmask"] = "\(mayUnmask)" }
        return detail
    }
}

/// The archive's counts: `chatledger stats --json` and `GET /api/v1/stats` print the same fields.
public struct StatsJSON: ResponseEncodable, Sendable {
    var messages: Int
    var quarantined: Int
    var conversations: Int
    var media: Int
    var media_pending: Int
    var media_failed: Int
    var seq_gaps: Int
    var recalled: Int
    var first_msgtime: Int64?
    var last_msgtime: Int64?
    var by_msgtype: [String: Int]
    var cursors: [String: UInt64]

    public init(_ stats: ArchiveStats) {
        messages = stats.messages
        quarantined = stats.quarantined
        conversations = stats.conversations
        media = stats.media
        media_pending = stats.mediaPending
        media_failed = stats.mediaFailed
        seq_gaps = stats.seqGaps
        recalled = stats.recalled
        first_msgtime = stats.firstMessageTime?.milliseconds
        last_msgtime = stats.lastMessageTime?.milliseconds
        by_msgtype = stats.byMsgtype
        cursors = stats.cursors
    }
}

extension Response {
    func withStatus(_ status: HTTPResponse.Status) -> Response {
        var response = self
        response.status = status
        return response
    }
}
