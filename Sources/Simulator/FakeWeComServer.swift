import ArchiveModel
import Foundation
import Hummingbird
import NIOCore
import WeCom

/// WeCom's server API for a simulated corp, spoken exactly as WeCom speaks it (paths, JSON fields,
/// errcodes), so the real ``WeComAPIClient`` runs against it in demos and tests.
///
/// Served: gettoken, msgaudit/get_permit_user_list, department/list, user/get, externalcontact/list,
/// externalcontact/get, msgaudit/groupchat/get, externalcontact/groupchat/get, msgaudit/check_single_agree.
public final class FakeWeComServer: @unchecked Sendable {
    let archive: SimulatedArchive
    public let corpID: String
    public let secret: String
    private let lock = NSLock()
    private var tokens: Set<String> = []
    private var issued = 0
    private var appMessages: [JSONValue] = []
    private var robotMessages: [(key: String, body: JSONValue, at: Date)] = []

    /// App messages received through message/send, oldest first.
    public var receivedAppMessages: [JSONValue] { lock.withLock { appMessages } }
    /// Robot messages received through webhook/send, oldest first.
    public var receivedRobotMessages: [JSONValue] { lock.withLock { robotMessages.map(\.body) } }

    public init(archive: SimulatedArchive, secret: String = "simulated-archive-secret") {
        self.archive = archive
        self.corpID = archive.corp.corpID
        self.secret = secret
    }

    /// Invalidates every issued token, as WeCom does when one expires (clients see 42001).
    public func expireTokens() { lock.withLock { tokens.removeAll() } }

    /// Whether a customer agreed to archiving; every seventh refused, deterministically.
    public static func agreed(_ externalUserID: String) -> Bool {
        externalUserID.utf8.reduce(0) { ($0 &* 31 &+ Int($1)) & 0xFFFF } % 7 != 0
    }

    public func router() -> Router<BasicRequestContext> {
        let router = Router()
        let api = router.group("cgi-bin")
        api.get("gettoken") { request, _ -> Response in
            let query = request.uri.queryParameters
            guard query["corpid"].map(String.init) == self.corpID, query["corpsecret"].map(String.init) == self.secret else {
                return Self.error(40001, "invalid credential")
            }
            let token = self.lock.withLock { () -> String in
                self.issued += 1
                let token = "simtoken-\(self.issued)-\(UUID().uuidString.prefix(8))"
                self.tokens.insert(token)
                return token
            }
            return Self.json(.object([("errcode", 0), ("errmsg", "ok"), ("access_token", .string(token)), ("expires_in", 7200)]))
        }
        api.post("msgaudit/get_permit_user_list") { request, _ in
            try self.authorised(request) { corp in
                .object([("errcode", 0), ("errmsg", "ok"),
                         ("ids", .array(corp.employees.filter { $0.status == 1 }.map { .string($0.userID) }))])
            }
        }
        api.get("department/list") { request, _ in
            try self.authorised(request) { corp in
                .object([("errcode", 0), ("errmsg", "ok"), ("department", .array(corp.departments.map { department in
                    .object([("id", .int(department.id)), ("name", .string(department.name)),
                             ("parentid", .int(department.parentID ?? 0)), ("order", 1),
                             ("department_leader", .array(corp.employees.filter { $0.departmentID == department.id && $0.isLeader }
                                .map { .string($0.userID) }))])
                }))])
            }
        }
        api.get("user/get") { request, _ in
            try self.authorised(request) { corp in
                guard let id = request.uri.queryParameters["userid"].map(String.init), let user = corp.employee(id) else {
                    return Self.errorBody(60111, "invalid userid")
                }
                return .object([("errcode", 0), ("errmsg", "ok"), ("userid", .string(user.userID)), ("name", .string(user.name)),
                                ("department", .array([.int(user.departmentID)])), ("main_department", .int(user.departmentID)),
                                ("is_leader_in_dept", .array([.int(user.isLeader ? 1 : 0)])), ("status", .int(Int64(user.status)))])
            }
        }
        api.get("externalcontact/list") { request, _ in
            try self.authorised(request) { corp in
                let id = request.uri.queryParameters["userid"].map(String.init) ?? ""
                return .object([("errcode", 0), ("errmsg", "ok"), ("external_userid", .array(
                    corp.customers.filter { $0.ownerUserID == id }.map { .string($0.externalUserID) }))])
            }
        }
        api.get("externalcontact/get") { request, _ in
            try self.authorised(request) { corp in
                let id = request.uri.queryParameters["external_userid"].map(String.init) ?? ""
                guard let customer = corp.customers.first(where: { $0.externalUserID == id }) else {
                    return Self.errorBody(84061, "not external contact")
                }
                var contact: [(String, OrderedJSON)] = [("external_userid", .string(customer.externalUserID)),
                                                        ("name", .string(customer.name)), ("type", customer.isWeComUser ? 2 : 1)]
                if let corpName = customer.corpName { contact.append(("corp_name", .string(corpName))) }
                return .object([("errcode", 0), ("errmsg", "ok"), ("external_contact", .object(contact)),
                                ("follow_user", .array([.object([("userid", .string(customer.ownerUserID)), ("remark", "")])]))])
            }
        }
        api.post("msgaudit/groupchat/get") { request, context in
            let body = try await Self.body(request, context)
            return try self.authorised(request) { corp in
                // Every simulated group has customers, so none is an internal group: WeCom answers 701008.
                guard corp.groups.contains(where: { $0.roomID == body["roomid"]?.stringValue }) else {
                    return Self.errorBody(701008, "not internal group")
                }
                return Self.errorBody(701008, "not internal group")
            }
        }
        api.post("externalcontact/groupchat/get") { request, context in
            let body = try await Self.body(request, context)
            return try self.authorised(request) { corp in
                guard let group = corp.groups.first(where: { $0.roomID == body["chat_id"]?.stringValue }) else {
                    return Self.errorBody(40050, "chatid not found")
                }
                let members = group.staff.map { OrderedJSON.object([("userid", .string($0)), ("type", 1)]) }
                    + group.customers.map { OrderedJSON.object([("userid", .string($0)), ("type", 2)]) }
                return .object([("errcode", 0), ("errmsg", "ok"), ("group_chat", .object([
                    ("chat_id", .string(group.roomID)), ("name", .string(group.name)), ("owner", .string(group.ownerUserID)),
                    ("member_list", .array(members)),
                ]))])
            }
        }
        api.post("msgaudit/check_single_agree") { request, context in
            let body = try await Self.body(request, context)
            return try self.authorised(request) { _ in
                let infos = (body["info"]?.arrayValue ?? []).map { info -> OrderedJSON in
                    let external = info["exteranalopenid"]?.stringValue ?? ""
                    return .object([("status_change_time", 1_793_581_200), ("userid", .string(info["userid"]?.stringValue ?? "")),
                                    ("exteranalopenid", .string(external)),
                                    ("agree_status", Self.agreed(external) ? "Agree" : "Disagree")])
                }
                return .object([("errcode", 0), ("errmsg", "ok"), ("agreeinfo", .array(infos))])
            }
        }
        api.post("message/send") { request, context in
            let body = try await Self.body(request, context)
            return try self.authorised(request) { _ in
                self.lock.withLock { self.appMessages.append(body) }
                return .object([("errcode", 0), ("errmsg", "ok"), ("invaliduser", ""), ("msgid", .string(UUID().uuidString))])
            }
        }
        api.post("webhook/send") { request, context in
            let body = try await Self.body(request, context)
            let key = request.uri.queryParameters["key"].map(String.init) ?? ""
            guard !key.isEmpty else { return Self.error(93000, "invalid webhook url") }
            // WeCom allows 20 messages a minute per robot.
            let accepted = self.lock.withLock { () -> Bool in
                let now = Date()
                guard self.robotMessages.filter({ $0.key == key && now.timeIntervalSince($0.at) < 60 }).count < 20 else { return false }
                self.robotMessages.append((key, body, now))
                return true
            }
            return accepted ? Self.json(.object([("errcode", 0), ("errmsg", "ok")])) : Self.error(45009, "api freq out of limit")
        }
        return router
    }

    /// Runs the server until cancelled; `onRunning` receives the bound port (pass port 0 for any free one).
    public func run(host: String = "127.0.0.1", port: Int, onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let app = Application(router: router(), configuration: .init(address: .hostname(host, port: port), serverName: "FakeWeCom"),
                              onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? port) })
        try await app.run()
    }

    // MARK: - helpers

    private func authorised(_ request: Request, _ answer: (SimulatedCorp) -> OrderedJSON) throws -> Response {
        let token = request.uri.queryParameters["access_token"].map(String.init) ?? ""
        guard lock.withLock({ tokens.contains(token) }) else {
            return token.hasPrefix("simtoken-") ? Self.error(42001, "access_token expired") : Self.error(40014, "invalid access_token")
        }
        return Self.json(answer(archive.corp))
    }

    static func body(_ request: Request, _ context: BasicRequestContext) async throws -> JSONValue {
        let buffer = try await request.body.collect(upTo: 1 << 20)
        return (try? JSONValue.parse(Array(buffer.readableBytesView))) ?? .object([:])
    }

    static func errorBody(_ code: Int64, _ message: String) -> OrderedJSON {
        .object([("errcode", .int(code)), ("errmsg", .string(message))])
    }

    static func error(_ code: Int64, _ message: String) -> Response { json(errorBody(code, message)) }

    static func json(_ value: OrderedJSON) -> Response {
        Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                 body: .init(byteBuffer: ByteBuffer(bytes: value.bytes)))
    }
}
