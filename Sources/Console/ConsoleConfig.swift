import Foundation

/// The server's settings: one JSON file (every key optional) plus `CHATLEDGER_*` environment overrides.
///
/// ```json
/// {
///   "host": "0.0.0.0", "port": 8080, "data": "/var/lib/chatledger",
///   "masterKeyFile": "/etc/chatledger/master.key",
///   "database": "postgres://chatledger:secret@db:5432/chatledger", "blobs": "s3://archive/media?endpoint=https://s3.example.com",
///   "secureCookies": true, "sessionHours": 8,
///   "lockoutThreshold": 5, "lockoutMinutes": 15,
///   "language": "zh", "alertStreamRecheckSeconds": 5
/// }
/// ```
public struct ConsoleConfig: Sendable, Hashable, Codable {
    public var host = "127.0.0.1"
    public var port = 8080
    /// The archive folder (database, keys, blobs).
    public var data = "chatledger-data"
    /// The master key file; without it, `CHATLEDGER_MASTER_KEY` or the archive's own key file.
    public var masterKeyFile: String?
    /// A PostgreSQL archive (`postgres://user:password@host:5432/db`) instead of the embedded one in `data`; several
    /// `serve` processes may share it.
    public var database: String?
    /// Where attachments live (`s3://bucket/prefix?endpoint=…`, or a folder); default the `blobs` folder in `data`.
    public var blobs: String?
    /// Marks the session cookie `Secure`, so a browser never sends it over plain HTTP (`Bool`). Default: `true`, unless
    /// the console listens on a loopback address (`127.0.0.1`, `::1`, `localhost`), where `false` lets a local console
    /// work over HTTP. Anything reachable from the network is served over TLS (directly or behind a proxy); set it
    /// `false` explicitly only for a plain-HTTP test deployment.
    public var secureCookies: Bool {
        get { explicitSecureCookies ?? !Self.isLoopback(host) }
        set { explicitSecureCookies = newValue }
    }
    /// `secureCookies` as the file or environment set it; `nil` follows ``host``.
    private var explicitSecureCookies: Bool?
    public var sessionHours = 8
    /// Failed logins in a row that lock an account.
    public var lockoutThreshold = 5
    public var lockoutMinutes = 15
    /// The pages' default language: `zh` or `en`.
    public var language = "zh"
    /// Where alerts, reply-timeout notices and the weekly digest go; without it they wait in the outbox.
    public var alerts: AlertSettings?
    /// How often, at most, a live alert stream (`GET /api/v1/alerts/stream`) goes without checking that its reader is
    /// still signed in with the same access, in seconds (`Double`, default `5`); it also checks before every delivery.
    /// A stream whose session ended or whose reader's roles, departments, unmask right or scope changed is closed.
    public var alertStreamRecheckSeconds: Double = 5
    /// Addresses of reverse proxies in front of the console. Only a connection from one of them may name the client
    /// in `X-Forwarded-For` (the nearest address not itself a trusted proxy counts); anyone else's header is ignored.
    /// Without it, behind a proxy every client shares the proxy's address and the sign-in throttle applies to all.
    public var trustedProxies: [String] = []
    /// An RFC 3161 time-stamp authority: every signed checkpoint then also gets its token (third-party notarisation).
    public var tsaURL: String?
    /// WeCom's callback for the archive app (`msgaudit_notify`): with it, `serve` answers `/wecom/callback` and pulls as
    /// soon as WeCom says there are new messages, instead of at its polling interval. The token and key are the ones
    /// set on the app's "receive messages" page; give them here or in `CHATLEDGER_CALLBACK_TOKEN` and
    /// `CHATLEDGER_CALLBACK_AES_KEY`.
    public var callback: Callback?

    public struct Callback: Sendable, Hashable, Codable {
        public var token: String
        /// The 43-character EncodingAESKey.
        public var encodingAESKey: String
        /// The corp id WeCom puts in every event (its receive id).
        public var corpID: String

        public init(token: String, encodingAESKey: String, corpID: String) {
            self.token = token
            self.encodingAESKey = encodingAESKey
            self.corpID = corpID
        }

        /// The token and key may be left out of the file and given in the environment instead.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            token = try container.decodeIfPresent(String.self, forKey: .token) ?? ""
            encodingAESKey = try container.decodeIfPresent(String.self, forKey: .encodingAESKey) ?? ""
            corpID = try container.decode(String.self, forKey: .corpID)
        }
    }

    /// Alert channels. Secrets may be given here or, better, in the environment (see `docs/console.md`).
    public struct AlertSettings: Sendable, Hashable, Codable {
        /// WeCom app messages (`message/send`): risk alerts to `toUsers`, notices to the people concerned.
        public var wecomApp: WeComApp?
        /// A WeCom group robot's webhook URL (`…/cgi-bin/webhook/send?key=…`).
        public var robotURL: String?
        /// A generic JSON webhook, signed with HMAC-SHA256.
        public var webhook: Webhook?
        /// The console's public address, for links in notices.
        public var consoleURL: String?

        public struct WeComApp: Sendable, Hashable, Codable {
            public var corpID: String
            public var secret: String
            public var agentID: Int
            public var toUsers: [String]
            /// Default `https://qyapi.weixin.qq.com/cgi-bin/`.
            public var baseURL: String?
        }

        public struct Webhook: Sendable, Hashable, Codable {
            public var url: String
            public var secret: String
        }
    }

    public init() {}

    enum CodingKeys: String, CodingKey {
        case host, port, data, masterKeyFile, database, blobs, secureCookies, sessionHours, lockoutThreshold, lockoutMinutes, language, alerts
        case alertStreamRecheckSeconds, trustedProxies, tsaURL, callback
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = ConsoleConfig()
        host = try container.decodeIfPresent(String.self, forKey: .host) ?? defaults.host
        port = try container.decodeIfPresent(Int.self, forKey: .port) ?? defaults.port
        data = try container.decodeIfPresent(String.self, forKey: .data) ?? defaults.data
        masterKeyFile = try container.decodeIfPresent(String.self, forKey: .masterKeyFile)
        database = try container.decodeIfPresent(String.self, forKey: .database)
        blobs = try container.decodeIfPresent(String.self, forKey: .blobs)
        explicitSecureCookies = try container.decodeIfPresent(Bool.self, forKey: .secureCookies)
        sessionHours = try container.decodeIfPresent(Int.self, forKey: .sessionHours) ?? defaults.sessionHours
        lockoutThreshold = try container.decodeIfPresent(Int.self, forKey: .lockoutThreshold) ?? defaults.lockoutThreshold
        lockoutMinutes = try container.decodeIfPresent(Int.self, forKey: .lockoutMinutes) ?? defaults.lockoutMinutes
        language = try container.decodeIfPresent(String.self, forKey: .language) ?? defaults.language
        alerts = try container.decodeIfPresent(AlertSettings.self, forKey: .alerts)
        alertStreamRecheckSeconds = try container.decodeIfPresent(Double.self, forKey: .alertStreamRecheckSeconds)
            ?? defaults.alertStreamRecheckSeconds
        trustedProxies = try container.decodeIfPresent([String].self, forKey: .trustedProxies) ?? defaults.trustedProxies
        tsaURL = try container.decodeIfPresent(String.self, forKey: .tsaURL)
        callback = try container.decodeIfPresent(Callback.self, forKey: .callback)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(host, forKey: .host)
        try container.encode(port, forKey: .port)
        try container.encode(data, forKey: .data)
        try container.encodeIfPresent(masterKeyFile, forKey: .masterKeyFile)
        try container.encodeIfPresent(database, forKey: .database)
        try container.encodeIfPresent(blobs, forKey: .blobs)
        try container.encodeIfPresent(explicitSecureCookies, forKey: .secureCookies)
        try container.encode(sessionHours, forKey: .sessionHours)
        try container.encode(lockoutThreshold, forKey: .lockoutThreshold)
        try container.encode(lockoutMinutes, forKey: .lockoutMinutes)
        try container.encode(language, forKey: .language)
        try container.encodeIfPresent(alerts, forKey: .alerts)
        try container.encode(alertStreamRecheckSeconds, forKey: .alertStreamRecheckSeconds)
        try container.encode(trustedProxies, forKey: .trustedProxies)
        try container.encodeIfPresent(tsaURL, forKey: .tsaURL)
        try container.encodeIfPresent(callback, forKey: .callback)
    }

    /// Whether `host` names this machine only: `localhost`, `127.0.0.0/8` or `::1`. `0.0.0.0` and `::` listen
    /// on every interface, so they are not.
    public static func isLoopback(_ host: String) -> Bool {
        var name = host.trimmingCharacters(in: .whitespaces).lowercased()
        if name.hasPrefix("["), name.hasSuffix("]") { name = String(name.dropFirst().dropLast()) }
        if name == "localhost" || name.hasSuffix(".localhost") || name == "::1" || name == "0:0:0:0:0:0:0:1" { return true }
        if name.hasPrefix("::ffff:") { name = String(name.dropFirst(7)) }
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
    }

    /// Reads `path` (when given), then applies `CHATLEDGER_HOST`, `_PORT`, `_DATA`, `_MASTER_KEY_FILE`, `_DATABASE_URL`, `_BLOBS_URL`,
    /// `_SECURE_COOKIES`, `_SESSION_HOURS`, `_LOCKOUT_THRESHOLD`, `_LOCKOUT_MINUTES`, `_LANGUAGE` and `_ALERT_STREAM_RECHECK_SECONDS`.
    /// - Throws: ``ConsoleConfigError`` naming the file, key or variable that is wrong.
    public static func load(path: String?, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> ConsoleConfig {
        var config = ConsoleConfig()
        if let path {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ConsoleConfigError("cannot read the configuration file \(path)")
            }
            do {
                config = try JSONDecoder().decode(ConsoleConfig.self, from: data)
            } catch {
                throw ConsoleConfigError("the configuration file \(path) is not valid: \(error)")
            }
        }
        func integer(_ name: String) throws -> Int? {
            guard let value = environment[name] else { return nil }
            guard let number = Int(value) else { throw ConsoleConfigError("\(name) must be a whole number, not \(value)") }
            return number
        }
        if let host = environment["CHATLEDGER_HOST"] { config.host = host }
        if let port = try integer("CHATLEDGER_PORT") { config.port = port }
        if let data = environment["CHATLEDGER_DATA"] { config.data = data }
        if let file = environment["CHATLEDGER_MASTER_KEY_FILE"] { config.masterKeyFile = file }
        if let url = environment["CHATLEDGER_DATABASE_URL"], !url.isEmpty { config.database = url }
        if let url = environment["CHATLEDGER_BLOBS_URL"], !url.isEmpty { config.blobs = url }
        if let secure = environment["CHATLEDGER_SECURE_COOKIES"] { config.secureCookies = ["1", "true", "yes"].contains(secure.lowercased()) }
        if let hours = try integer("CHATLEDGER_SESSION_HOURS") { config.sessionHours = hours }
        if let threshold = try integer("CHATLEDGER_LOCKOUT_THRESHOLD") { config.lockoutThreshold = threshold }
        if let minutes = try integer("CHATLEDGER_LOCKOUT_MINUTES") { config.lockoutMinutes = minutes }
        if let language = environment["CHATLEDGER_LANGUAGE"] { config.language = language }
        if let text = environment["CHATLEDGER_ALERT_STREAM_RECHECK_SECONDS"] {
            guard let seconds = Double(text) else { throw ConsoleConfigError("CHATLEDGER_ALERT_STREAM_RECHECK_SECONDS must be a number, not \(text)") }
            config.alertStreamRecheckSeconds = seconds
        }
        if let proxies = environment["CHATLEDGER_TRUSTED_PROXIES"] {
            config.trustedProxies = proxies.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        if let secret = environment["CHATLEDGER_WECOM_SECRET"], config.alerts?.wecomApp != nil { config.alerts?.wecomApp?.secret = secret }
        if let secret = environment["CHATLEDGER_WEBHOOK_SECRET"], config.alerts?.webhook != nil { config.alerts?.webhook?.secret = secret }
        if let url = environment["CHATLEDGER_TSA_URL"], !url.isEmpty { config.tsaURL = url }
        if let token = environment["CHATLEDGER_CALLBACK_TOKEN"], config.callback != nil { config.callback?.token = token }
        if let key = environment["CHATLEDGER_CALLBACK_AES_KEY"], config.callback != nil { config.callback?.encodingAESKey = key }
        try config.validate()
        return config
    }

    public func validate() throws {
        guard (1...65_535).contains(port) else { throw ConsoleConfigError("port must be between 1 and 65535, not \(port)") }
        guard (1...8760).contains(sessionHours) else { throw ConsoleConfigError("sessionHours must be 1…8760, not \(sessionHours)") }
        // At 1, a single address could lock an account (each address may spend threshold − 1 attempts per account).
        guard (2...1000).contains(lockoutThreshold) else { throw ConsoleConfigError("lockoutThreshold must be 2…1000, not \(lockoutThreshold)") }
        guard (1...525_600).contains(lockoutMinutes) else { throw ConsoleConfigError("lockoutMinutes must be 1…525600, not \(lockoutMinutes)") }
        guard ["zh", "en"].contains(language) else { throw ConsoleConfigError("language must be zh or en, not \(language)") }
        guard alertStreamRecheckSeconds > 0, alertStreamRecheckSeconds <= 300 else {
            throw ConsoleConfigError("alertStreamRecheckSeconds must be more than 0 and at most 300, not \(alertStreamRecheckSeconds)")
        }
        for url in [alerts?.robotURL, alerts?.webhook?.url, alerts?.wecomApp?.baseURL, alerts?.consoleURL].compactMap({ $0 })
        where URL(string: url)?.scheme == nil {
            throw ConsoleConfigError("alerts: \(url) is not a URL")
        }
        if let tsaURL, URL(string: tsaURL)?.scheme == nil {
            throw ConsoleConfigError("tsaURL: \(tsaURL) is not a URL such as http://tsa.example.com/")
        }
        if let callback {
            guard !callback.token.isEmpty, !callback.corpID.isEmpty else {
                throw ConsoleConfigError("callback needs a token (in the file or CHATLEDGER_CALLBACK_TOKEN) and corpID (the archive app's \"receive messages\" settings)")
            }
            guard callback.encodingAESKey.count == 43 else {
                throw ConsoleConfigError("callback.encodingAESKey must be the 43 characters WeCom shows, not \(callback.encodingAESKey.count)")
            }
        }
    }
}

public struct ConsoleConfigError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
