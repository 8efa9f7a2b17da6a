import Alerts
import ArchiveStore
import ArgumentParser
import Console
import Crypto
import Foundation
import Hummingbird
import Ingest
import Logging
import PostgresStore
import ServiceLifecycle
import WeCom

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the console and its API over an existing archive.",
        discussion: """
            Settings come from --config (JSON; see docs/console.md and docs/chatledger.example.json) and the \
            CHATLEDGER_* environment variables, which override the file. Signed checkpoints follow new ledger \
            leaves (audit events included) within a second. SIGTERM or Ctrl-C stops gracefully.

            With a PostgreSQL archive ("database" in the file or CHATLEDGER_DATABASE_URL), run as many serve processes \
            as you like behind one address: all serve the console and API (sessions live in the database), deliver alerts \
            (each exactly once) and send reply-timeout notices (each once); with a source, exactly one of them \
            pulls at a time and another takes over when it dies. The source is WeCom through the Finance SDK \
            (--sdk-library …) or a simulated corp (--simulate-seed).
            """)

    @Option(help: "The configuration file (JSON).") var config: String?
    @Option(help: "Password of the console user `admin`, created if absent.") var adminPassword: String?
    /// With a source, serve also pulls (one puller per archive at a time, as `chatledger ingest`).
    @OptionGroup var source: WeComSourceOptions

    func run() async throws {
        let settings: ConsoleConfig
        do {
            settings = try ConsoleConfig.load(path: config)
        } catch let error as ConsoleConfigError {
            throw ValidationError(error.description)
        }
        let archive = ArchiveOptions.serving(settings)
        let logger = Logger(label: "chatledger.serve")
        let store = try await archive.openAnyArchive(create: archive.postgresURL != nil)
        let signingKey = try archive.signingKey()
        let blobs = try archive.anyBlobStore(sealer: store.sealer)
        let pulls = source.isGiven  // the closure below must not capture the command
        var console = ConsoleBootstrap.services(store: store, blobs: blobs, config: settings, logger: logger) {
            // What an operator of several serve processes asks first: which archive, and who is pulling.
            var status = ["process": LeasedIngest.defaultName, "pulls": pulls ? "when it holds the ingest lease" : "no (console only)"]
            if let postgres = store as? PostgresArchiveStore {
                status["archive"] = "PostgreSQL \(postgres.location)"
                status["ingest lease"] = ((try? await IngestLease.currentHolder(postgres)) ?? nil) ?? "nobody"
            } else {
                status["archive"] = "embedded (\(settings.data))"
            }
            return status
        }
        try await ConsoleBootstrap.ensureAdmin(console.accounts, password: adminPassword, roles: ["admin"])
        let channels = AlertChannelsFromConfig.channels(settings.alerts)
        let timestamp = try Self.timestamping(settings.tsaURL)
        console.evidence = EvidenceSigning(signingKey: signingKey, timestamp: timestamp)
        let services = ArchiveServices(store: store, signingKey: signingKey, timestamp: timestamp, logger: logger)
        let signal = PullSignal()
        let callback = try settings.callback.map {
            do {
                return try CallbackCrypto(token: $0.token, encodingAESKey: $0.encodingAESKey, receiveID: $0.corpID)
            } catch let error as WeComError {
                throw ValidationError("callback: \(error.message)")
            }
        }
        let pulling = source.isGiven ? try pullServices(services, blobs: blobs, keys: archive.defaultKeysURL, channels: channels.map(\.name),
                                                        signal: signal, logger: logger) : []
        let app = Application(
            router: ConsoleRouter.build(services: console) { router in
                // WeCom's msgaudit_notify wakes the pull at once; without a source there is nothing to wake, but WeCom's
                // URL check still succeeds, so the callback can be set up before the first puller starts.
                if let callback { WeComCallbackRoutes.add(to: router, crypto: callback, signal: signal, logger: logger) }
            },
            configuration: .init(address: .hostname(settings.host, port: settings.port), serverName: "ChatLedger"),
            services: [
                services.alertDelivery(channels: channels),
                services.weeklyDigest(channels: channels.map(\.name).filter { $0 != "wecom-app" }),
                services.replyTimeouts(channels: ["wecom-app"], noticesFrom: Int64(Date().timeIntervalSince1970 * 1000) - 86_400_000),
                services.checkpoints(),
            ] + pulling, logger: logger)
        print("ChatLedger console: http://\(settings.host):\(settings.port)/  (archive \(archive.postgresURL.flatMap { try? PostgresLocation(url: $0).description } ?? settings.data))")
        let deadline = ShutdownDeadline(logger: logger)
        deadline.arm()
        try await app.runService()
    }

    /// The RFC 3161 step of every checkpoint, or `nil` without a TSA.
    static func timestamping(_ url: String?) throws -> (@Sendable ([UInt8]) async throws -> [UInt8]?)? {
        guard let url else { return nil }
        guard let parsed = URL(string: url), parsed.scheme != nil else { throw ValidationError("tsaURL: \(url) is not a URL") }
        let authority = TimestampAuthority(url: parsed)
        return { digest in try await authority.timestamp(sha256: digest) }
    }

    /// The pull loop (under the ingest lease on PostgreSQL) and, for a simulated corp, its chatter.
    func pullServices(_ services: ArchiveServices, blobs: any BlobStore, keys: URL, channels: [String], signal: PullSignal,
                      logger: Logger) throws -> [any Service] {
        let (wecom, ring, chat) = try source.open(keys: keys)
        var ingest = LeasedIngest(store: services.store, source: wecom, keyRing: ring, blobs: blobs, signingKey: services.signingKey,
                                  timestamp: nil, name: LeasedIngest.defaultName, riskChannels: channels, interval: 1,
                                  stopAt: nil, logger: logger)
        ingest.signal = signal
        ingest.writesCheckpoints = false  // the checkpoint service signs them
        let pull = services.pull(ingest)
        guard let chat else { return [pull] }
        return [pull, ClosureService(name: "simulated-corp") {
            do { try await chat() } catch is CancellationError {} catch {
                logger.error("chatledger.simulator.failed", metadata: ["error": "\(error)"])
            }
        }]
    }
}
