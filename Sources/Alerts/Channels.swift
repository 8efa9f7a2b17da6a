import ArchiveModel
import ArchiveStore
import Crypto
import Foundation
import WeCom

/// A generic JSON webhook, signed: `X-ChatLedger-Signature: sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>`.
public struct WebhookChannel: AlertChannel {
    public var name: String
    public var url: URL
    public var secret: String
    public var transport: any HTTPTransport
    public var consoleURL: String?

    public init(name: String = "webhook", url: URL, secret: String, transport: any HTTPTransport = URLSessionTransport(timeoutSeconds: 10),
                consoleURL: String? = nil) {
        self.name = name
        self.url = url
        self.secret = secret
        self.transport = transport
        self.consoleURL = consoleURL
    }

    public static func signature(secret: String, timestamp: String, body: [UInt8]) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Array(timestamp.utf8) + Array(".".utf8) + body, using: SymmetricKey(data: Array(secret.utf8)))
        return "sha256=" + mac.map { String(format: "%02x", $0) }.joined()
    }

    public func deliver(_ alert: AlertRecord) async throws {
        struct Payload: Encodable {
            var alert: AlertRecord
            var text: String
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let body = Array(try encoder.encode(Payload(alert: alert, text: AlertText.summary(alert, consoleURL: consoleURL))))
        let timestamp = String(Int(Date().timeIntervalSince1970))
        let status: Int
        do {
            (status, _) = try await transport.send(method: "POST", url: url, body: body, headers: [
                "Content-Type": "application/json; charset=utf-8", "X-ChatLedger-Timestamp": timestamp,
                "X-ChatLedger-Signature": Self.signature(secret: secret, timestamp: timestamp, body: body),
            ])
        } catch {
            throw AlertDeliveryError("webhook \(SecretRedaction.redact(url)) is unreachable: \(SecretRedaction.redact("\(error)"))")
        }
        guard (200..<300).contains(status) else { throw AlertDeliveryError("webhook \(SecretRedaction.redact(url)) answered HTTP \(status)") }
    }
}

/// A WeCom app message (message/send) to named members.
public struct WeComAppMessageChannel: AlertChannel {
    public var name: String
    public var api: WeComAPIClient
    public var agentID: Int
    public var toUsers: [String]
    public var consoleURL: String?

    public init(name: String = "wecom-app", api: WeComAPIClient, agentID: Int, toUsers: [String], consoleURL: String? = nil) {
        self.name = name
        self.api = api
        self.agentID = agentID
        self.toUsers = toUsers
        self.consoleURL = consoleURL
    }

    public func deliver(_ alert: AlertRecord) async throws {
        try await deliver(alert, to: toUsers)
    }

    public func deliver(_ alert: AlertRecord, to recipients: [String]) async throws {
        let text = AlertText.summary(alert, consoleURL: consoleURL)
        let answer = try await api.call("POST", "message/send", body: .object([
            "touser": .string(recipients.joined(separator: "|")), "msgtype": .string("text"), "agentid": .integer(Int64(agentID)),
            "text": .object(["content": .string(String(text.utf8.prefix(2000)) ?? text)]), "safe": .integer(0),
        ]))
        if let invalid = answer["invaliduser"]?.stringValue, !invalid.isEmpty {
            throw AlertDeliveryError("WeCom rejected recipients \(invalid)")
        }
    }
}

/// A WeCom group robot (webhook/send). WeCom drops more than 20 messages a minute per robot, so the
/// channel holds back beyond that and the outbox retries later.
public struct WeComRobotChannel: AlertChannel {
    public var name: String
    public var url: URL
    public var transport: any HTTPTransport
    public var consoleURL: String?
    let limiter = RateLimiter(perMinute: 20)

    public init(name: String = "wecom-robot", url: URL, transport: any HTTPTransport = URLSessionTransport(timeoutSeconds: 10),
                consoleURL: String? = nil) {
        self.name = name
        self.url = url
        self.transport = transport
        self.consoleURL = consoleURL
    }

    public func deliver(_ alert: AlertRecord) async throws {
        guard await limiter.take() else { throw AlertDeliveryError("robot limit of 20 messages a minute reached; retrying later") }
        let body = Array(try JSONEncoder().encode(["msgtype": "text", "text": ["content": AlertText.summary(alert, consoleURL: consoleURL)]] as [String: AnyEncodable]))
        let status: Int
        let response: [UInt8]
        do {
            (status, response) = try await transport.send(method: "POST", url: url, body: body)
        } catch {
            // The robot's URL carries its key.
            throw AlertDeliveryError("robot webhook is unreachable: \(SecretRedaction.redact("\(error)"))")
        }
        let code = (try? JSONSerialization.jsonObject(with: Data(response)) as? [String: Any])?["errcode"] as? Int ?? (status == 200 ? 0 : status)
        guard status == 200, code == 0 else { throw AlertDeliveryError("robot webhook answered HTTP \(status), errcode \(code)") }
    }
}

/// Counts sends in a sliding minute.
actor RateLimiter {
    let perMinute: Int
    var sent: [Date] = []
    init(perMinute: Int) { self.perMinute = perMinute }

    func take(now: Date = Date()) -> Bool {
        sent.removeAll { now.timeIntervalSince($0) >= 60 }
        guard sent.count < perMinute else { return false }
        sent.append(now)
        return true
    }
}

/// Lets a dictionary of mixed values be encoded.
struct AnyEncodable: Encodable {
    let encode: (any Encoder) throws -> Void
    init(_ value: some Encodable) { encode = value.encode }
    func encode(to encoder: any Encoder) throws { try encode(encoder) }
}

extension AnyEncodable: ExpressibleByStringLiteral, ExpressibleByDictionaryLiteral {
    init(stringLiteral value: String) { self.init(value) }
    init(dictionaryLiteral elements: (String, String)...) { self.init(Dictionary(uniqueKeysWithValues: elements)) }
}
