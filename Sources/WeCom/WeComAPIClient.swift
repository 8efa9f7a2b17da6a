import ArchiveModel
import Foundation

/// WeCom's server API (`https://qyapi.weixin.qq.com/cgi-bin/`): token, directory, customers, groups, consent.
///
/// The access token is cached until shortly before it expires and fetched again once when WeCom
/// answers 40014/42001 (invalid or expired token). Tokens are bound to the secret that made them:
/// the archive secret serves the msgaudit APIs.
public actor WeComAPIClient {
    public let baseURL: URL
    let corpID: String
    let secret: String
    let transport: any HTTPTransport
    let now: @Sendable () -> Date
    private var token: (value: String, expires: Date)?
    /// How many times a token was fetched (for tests and metrics).
    public private(set) var tokenFetches = 0

    public init(baseURL: URL = URL(string: "https://qyapi.weixin.qq.com/cgi-bin/")!, corpID: String, secret: String,
                transport: any HTTPTransport = URLSessionTransport(), now: @escaping @Sendable () -> Date = { Date() }) {
        self.baseURL = baseURL
        self.corpID = corpID
        self.secret = secret
        self.transport = transport
        self.now = now
    }

    // MARK: - token

    func accessToken() async throws(WeComError) -> String {
        if let token, token.expires > now() { return token.value }
        let json = try await request("GET", "gettoken", query: ["corpid": corpID, "corpsecret": secret], authenticated: false)
        guard let value = json["access_token"]?.stringValue, !value.isEmpty else {
            throw WeComError(.apiError, "gettoken answered without an access_token")
        }
        let lifetime = Double(json["expires_in"]?.int64Value ?? 7200)
        token = (value, now().addingTimeInterval(max(60, lifetime - 300)))
        tokenFetches += 1
        return value
    }

    // MARK: - calls

    /// Calls `path` with the cached token; on 40014/42001 fetches a new token and tries once more.
    public func call(_ method: String, _ path: String, query: [String: String] = [:], body: JSONValue? = nil) async throws(WeComError) -> JSONValue {
        do {
            return try await request(method, path, query: query.merging(["access_token": try await accessToken()]) { $1 }, body: body)
        } catch where error.sdkCode == 40014 || error.sdkCode == 42001 {
            token = nil
            return try await request(method, path, query: query.merging(["access_token": try await accessToken()]) { $1 }, body: body)
        }
    }

    private func request(_ method: String, _ path: String, query: [String: String], body: JSONValue? = nil,
                         authenticated: Bool = true) async throws(WeComError) -> JSONValue {
        var components = URLComponents(url: baseURL.appendingPathComponent(path), resolvingAgainstBaseURL: false)!
        components.queryItems = query.sorted { $0.key < $1.key }.map { URLQueryItem(name: $0.key, value: $0.value) }
        guard let url = components.url else { throw WeComError(.apiError, "cannot build the URL for \(path)") }
        let bodyBytes = body.flatMap { try? Array(JSONEncoder().encode($0)) }
        let status: Int
        let responseBody: [UInt8]
        do {
            (status, responseBody) = try await transport.send(method: method, url: url, body: bodyBytes)
        } catch {
            // A transport error names the URL, and the URL carries corpsecret or access_token.
            throw WeComError(.apiError, "\(path): WeCom is unreachable (\(SecretRedaction.redact("\(error)"))); check the network and proxy")
        }
        guard (200..<300).contains(status) else { throw WeComError(.apiError, "\(path): HTTP \(status)") }
        let json = try LenientJSON.parse(responseBody)
        let code = Int(json["errcode"]?.int64Value ?? 0)
        guard code == 0 else {
            throw WeComError(.apiError, "\(path): errcode \(code) (\(json.text("errmsg"))): \(ChatDataResponse.advice(code))", sdkCode: code)
        }
        return json
    }

    // MARK: - directory

    /// msgaudit/get_permit_user_list: the members whose chats are archived.
    public func permittedUsers() async throws(WeComError) -> [String] {
        let json = try await call("POST", "msgaudit/get_permit_user_list", body: .object([:]))
        return (json["ids"]?.arrayValue ?? []).compactMap(\.stringValue)
    }

    /// department/list: every department (or those under `id`).
    public func departments(under id: Int64? = nil) async throws(WeComError) -> [WeComDepartment] {
        let json = try await call("GET", "department/list", query: id.map { ["id": String($0)] } ?? [:])
        return (json["department"]?.arrayValue ?? []).map {
            WeComDepartment(id: $0["id"]?.int64Value ?? 0, name: $0.text("name"), parentID: $0["parentid"]?.int64Value,
                            leaders: ($0["department_leader"]?.arrayValue ?? []).compactMap(\.stringValue))
        }
    }

    /// user/get: one member.
    public func user(_ userID: String) async throws(WeComError) -> WeComUser {
        let json = try await call("GET", "user/get", query: ["userid": userID])
        return WeComUser(userID: json.text("userid"), name: json.text("name"),
                         departmentIDs: (json["department"]?.arrayValue ?? []).compactMap(\.int64Value),
                         status: Int(json["status"]?.int64Value ?? 1))
    }

    /// externalcontact/list: the customers a member follows.
    public func externalContacts(of userID: String) async throws(WeComError) -> [String] {
        let json = try await call("GET", "externalcontact/list", query: ["userid": userID])
        return (json["external_userid"]?.arrayValue ?? []).compactMap(\.stringValue)
    }

    /// externalcontact/get: one customer with the members who follow them.
    public func externalContact(_ externalUserID: String) async throws(WeComError) -> WeComExternalContact {
        let json = try await call("GET", "externalcontact/get", query: ["external_userid": externalUserID])
        let contact = json["external_contact"] ?? .object([:])
        return WeComExternalContact(
            externalUserID: contact.text("external_userid"), name: contact.text("name"),
            type: Int(contact["type"]?.int64Value ?? 1), corpName: contact["corp_name"]?.stringValue,
            followers: (json["follow_user"]?.arrayValue ?? []).map { $0.text("userid") })
    }

    /// msgaudit/groupchat/get (internal groups), falling back to externalcontact/groupchat/get (customer groups).
    public func group(_ roomID: String) async throws(WeComError) -> WeComGroup {
        do {
            let json = try await call("POST", "msgaudit/groupchat/get", body: .object(["roomid": .string(roomID)]))
            return WeComGroup(roomID: roomID, name: json.text("roomname"), creator: json.text("creator"),
                              members: (json["members"]?.arrayValue ?? []).map { $0.text("memberid") })
        } catch {
            let json = try await call("POST", "externalcontact/groupchat/get", body: .object(["chat_id": .string(roomID)]))
            let chat = json["group_chat"] ?? .object([:])
            return WeComGroup(roomID: roomID, name: chat.text("name"), creator: chat.text("owner"),
                              members: (chat["member_list"]?.arrayValue ?? []).map { $0.text("userid") })
        }
    }

    /// msgaudit/check_single_agree for up to 100 (member, customer) pairs per call.
    public func consent(_ pairs: [(userID: String, externalUserID: String)]) async throws(WeComError) -> [WeComConsent] {
        var result: [WeComConsent] = []
        for start in stride(from: 0, to: pairs.count, by: 100) {
            let chunk = pairs[start..<min(pairs.count, start + 100)]
            // "exteranalopenid" is WeCom's real (misspelled) field name.
            let body = JSONValue.object(["info": .array(chunk.map {
                .object(["userid": .string($0.userID), "exteranalopenid": .string($0.externalUserID)])
            })])
            let json = try await call("POST", "msgaudit/check_single_agree", body: body)
            for info in json["agreeinfo"]?.arrayValue ?? [] {
                result.append(WeComConsent(
                    userID: info.text("userid"), externalUserID: info.text("exteranalopenid"),
                    agreed: info.text("agree_status") == "Agree" || info.text("agree_status") == "Default_Agree",
                    changedAt: info["status_change_time"]?.int64Value.map(WeComTime.init(secondsOrMilliseconds:))))
            }
        }
        return result
    }
}

public struct WeComDepartment: Sendable, Hashable {
    public var id: Int64
    public var name: String
    public var parentID: Int64?
    public var leaders: [String]
}

public struct WeComUser: Sendable, Hashable {
    public var userID: String
    public var name: String
    public var departmentIDs: [Int64]
    /// 1 active, 2 disabled, 4 not activated, 5 resigned.
    public var status: Int
}

public struct WeComExternalContact: Sendable, Hashable {
    public var externalUserID: String
    public var name: String
    /// 1 WeChat user, 2 WeCom user.
    public var type: Int
    public var corpName: String?
    public var followers: [String]
}

public struct WeComGroup: Sendable, Hashable {
    public var roomID: String
    public var name: String
    public var creator: String
    public var members: [String]
}

public struct WeComConsent: Sendable, Hashable {
    public var userID: String
    public var externalUserID: String
    public var agreed: Bool
    public var changedAt: WeComTime?
}
