import Alerts
import ArchiveModel
import ArchiveStore
import ArgumentParser
import Console
import Foundation
import Hummingbird
import Ingest
import Logging
import SQLiteStore
import ServiceLifecycle
import Simulator
import WeCom

struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run a simulated corp live into an embedded archive and serve the console.",
        discussion: """
            The simulated corp chats continuously. Its envelopes are encrypted exactly as WeCom does; its fake \
            WeCom API (directory, customers, groups, consent) listens on --wecom-port; it calls this server's \
            /wecom/callback with msgaudit_notify, which triggers a pull through the real decryption path.
            """)

    @OptionGroup var archive: ArchiveOptions
    @OptionGroup var checkpointing: CheckpointOptions
    @Option(help: "HTTP port of the console.") var port: Int = 8080
    @Option(help: "HTTP address to bind.") var host: String = "127.0.0.1"
    @Option(help: "Port of the simulated WeCom API (default: --port + 1).") var wecomPort: Int?
    @Option(help: "Seed of the simulated corp.") var seed: UInt64 = 42
    @Option(help: "Simulated messages per second (the corp's clock runs accelerated).") var rate: Int = 20
    @Option(help: "Password of the console user `admin` (default: a random one, printed at start).") var adminPassword: String?

    func validate() throws {
        guard (1...65535).contains(port) else { throw ValidationError("--port must be 1…65535") }
        guard (1...100_000).contains(rate) else { throw ValidationError("--rate must be 1…100000") }
        if let wecomPort { guard (1...65535).contains(wecomPort) else { throw ValidationError("--wecom-port must be 1…65535") } }
        guard port < 65535 || wecomPort != nil else { throw ValidationError("--port must be below 65535 when --wecom-port is not given (it is --port + 1)") }
    }

    func run() async throws {
        let logger = Logger(label: "chatledger.demo")
        let store = try archive.openStore()
        let keysURL = archive.defaultKeysURL
        // The simulated corp's RSA private keys: 0600 files in a 0700 folder.
        try PrivateFiles.createFolder(keysURL)
        let simulator = try SimulatedArchive(seed: seed, expectedMessages: 20_000, privateKeyPEMs: Self.loadPEMs(keysURL))
        for (version, pem) in simulator.privateKeyPEMs {
            try PrivateFiles.replaceFile(Array(pem.utf8), at: keysURL.appendingPathComponent("v\(version).pem"))
        }
        // Catch the simulator up with what an earlier run archived, so the corp continues where it stopped.
        let cursor = try await store.cursor(source: "wecom")
        if cursor > 0 { try simulator.produce(Int(cursor)) }

        let signingKey = try archive.signingKey()
        let timestamp = checkpointing.timestamp
        let wecom = FakeWeComServer(archive: simulator)
        let wecomPort = self.wecomPort ?? port + 1
        let callback = try CallbackCrypto(token: "chatledger-demo", encodingAESKey: Self.demoEncodingAESKey(seed: seed),
                                          receiveID: wecom.corpID)
        let signal = PullSignal()
        let services = ArchiveServices(store: store, signingKey: signingKey, timestamp: timestamp, logger: logger)
        let ring = try PrivateKeyRing.load(directory: keysURL)
        // The same pull loop as serve: woken by the corp's msgaudit_notify callback, every 10 s at the latest.
        var ingest = LeasedIngest(store: store, source: simulator, keyRing: ring, blobs: try archive.blobStore(store), signingKey: signingKey,
                                  timestamp: nil, name: LeasedIngest.defaultName, riskChannels: ["wecom-app", "wecom-robot"],
                                  interval: 10, stopAt: nil, logger: logger)
        ingest.signal = signal
        ingest.writesCheckpoints = false  // the checkpoint service signs them
        ingest.reportsProgress = false
        let api = WeComAPIClient(baseURL: URL(string: "http://127.0.0.1:\(wecomPort)/cgi-bin/")!,
                                 corpID: wecom.corpID, secret: wecom.secret)
        // Alerts go to the risk officers (the department leaders here) as WeCom app messages, and to a group robot.
        let appAPI = WeComAPIClient(baseURL: URL(string: "http://127.0.0.1:\(wecomPort)/cgi-bin/")!, corpID: wecom.corpID, secret: wecom.secret)
        let channels: [any AlertChannel] = [
            WeComAppMessageChannel(api: appAPI, agentID: 1_000_002,
                                   toUsers: simulator.corp.employees.filter(\.isLeader).map(\.userID),
                                   consoleURL: "http://\(host):\(port)"),
            WeComRobotChannel(url: URL(string: "http://127.0.0.1:\(wecomPort)/cgi-bin/webhook/send?key=chatledger-demo")!,
                              consoleURL: "http://\(host):\(port)"),
        ]
        let corpService = SimulatedCorpService(
            simulator: simulator, rate: rate, callback: callback,
            callbackURL: URL(string: "http://127.0.0.1:\(port)/wecom/callback")!,
            directory: DirectorySync(api: api, store: store, logger: logger), logger: logger)
        var config = ConsoleConfig()
        config.host = host
        // The demo serves plain HTTP: a Secure cookie would never come back, even on --host 0.0.0.0.
        config.secureCookies = false
        config.port = port
        var console = ConsoleBootstrap.services(store: store, blobs: try archive.blobStore(store), config: config, logger: logger) {
            ["source": "simulated WeCom corp \(simulator.corp.corpID)", "wecomAPI": "http://127.0.0.1:\(wecomPort)/cgi-bin/"]
        }
        console.evidence = EvidenceSigning(signingKey: signingKey, timestamp: timestamp)
        try await ConsoleBootstrap.ensureAdmin(console.accounts, password: adminPassword, roles: ["admin", "auditor"])
        let app = Application(
            router: ConsoleRouter.build(services: console) { router in
                WeComCallbackRoutes.add(to: router, crypto: callback, signal: signal, logger: logger)
            },
            configuration: .init(address: .hostname(host, port: port), serverName: "ChatLedger"),
            services: [
                ClosureService(name: "fake-wecom") { try await wecom.run(host: "127.0.0.1", port: wecomPort) },
                services.pull(ingest),
                services.alertDelivery(channels: channels),
                services.weeklyDigest(channels: ["wecom-robot"]),
                // Reply timeouts: the simulated history is tracked and counted; notices start with this run.
                services.replyTimeouts(channels: ["wecom-app"], noticesFrom: Int64(Date().timeIntervalSince1970 * 1000)),
                services.checkpoints(),
                corpService,
            ], logger: logger)
        print("ChatLedger demo: http://\(host):\(port)/  (archive in \(archive.data); simulated WeCom API on port \(wecomPort); Ctrl-C stops)")
        try await app.runService()
    }

    static func loadPEMs(_ folder: URL) -> [UInt32: String]? {
        var pems: [UInt32: String] = [:]
        for version: UInt32 in [1, 2] {
            guard let text = try? String(contentsOf: folder.appendingPathComponent("v\(version).pem"), encoding: .utf8) else { return nil }
            pems[version] = text
        }
        return pems
    }

    /// A 43-character EncodingAESKey derived from the seed, shared by the simulated WeCom and the callback.
    static func demoEncodingAESKey(seed: UInt64) -> String {
        var rng = SeededRandom(seed: seed ^ 0xCA11)
        return String((0..<32).map { _ in UInt8.random(in: 0...255, using: &rng) }.base64EncodedPrefix(43))
    }
}

private extension Array where Element == UInt8 {
    func base64EncodedPrefix(_ count: Int) -> Substring { Data(self).base64EncodedString().prefix(count) }
}

/// A named long-running task as a service of the application's service group.
struct ClosureService: Service, CustomStringConvertible {
    let name: String
    let body: @Sendable () async throws -> Void
    init(name: String, body: @escaping @Sendable () async throws -> Void) {
        self.name = name
        self.body = body
    }
    var description: String { name }
    func run() async throws {
        try await cancelWhenGracefulShutdown { try await body() }
    }
}

/// The simulated corp chatting live: it produces messages every second, tells the archive about them
/// through WeCom's callback (msgaudit_notify, encrypted as WeCom does), and has its directory synced.
struct SimulatedCorpService: Service {
    let simulator: SimulatedArchive
    let rate: Int
    let callback: CallbackCrypto
    let callbackURL: URL
    let directory: DirectorySync
    let logger: Logger

    func run() async throws {
        let transport = URLSessionTransport(timeoutSeconds: 5)
        var tick = 0
        var rng = SeededRandom(seed: 7)
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                try simulator.produce(rate)
                // WeCom notifies at most every 15 s; the demo's clock runs faster.
                if tick % 3 == 0 { try await notify(transport, rng: &rng) }
                if tick % 30 == 5 { try await directory.run() }
            } catch {
                logger.warning("chatledger.demo.corp_failed", metadata: ["error": "\(error)"])
            }
            tick += 1
            try? await Task.sleep(for: .seconds(1))
        }
    }

    func notify(_ transport: URLSessionTransport, rng: inout SeededRandom) async throws {
        let timestamp = String(Int(Date().timeIntervalSince1970))
        let nonce = String(UInt32.random(in: 0...UInt32.max, using: &rng))
        let event = "<xml><ToUserName><![CDATA[\(simulator.corp.corpID)]]></ToUserName><FromUserName><![CDATA[sys]]></FromUserName><CreateTime>\(timestamp)</CreateTime><MsgType><![CDATA[event]]></MsgType><AgentID>2000004</AgentID><Event><![CDATA[msgaudit_notify]]></Event></xml>"
        let body = try callback.sealEvent(event, agentID: "2000004", random: (0..<16).map { _ in UInt8.random(in: 0...255, using: &rng) })
        let encrypted = XMLField.value("Encrypt", in: body) ?? ""
        var components = URLComponents(url: callbackURL, resolvingAgainstBaseURL: false)!
        components.queryItems = [
            URLQueryItem(name: "msg_signature", value: callback.signature(timestamp: timestamp, nonce: nonce, encrypted: encrypted)),
            URLQueryItem(name: "timestamp", value: timestamp), URLQueryItem(name: "nonce", value: nonce),
        ]
        _ = try await transport.send(method: "POST", url: components.url!, body: Array(body.utf8))
    }
}
