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
        let console = ConsoleBootstrap.services(store: store, blobs: blobs, config: settings, logger: logger) {
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
        let dispatcher = AlertDispatcher(store: store, channels: channels, logger: logger)
        let pulling = source.isGiven ? try pullServices(store: store, blobs: blobs, signingKey: signingKey,
                                                        keys: archive.defaultKeysURL, channels: channels.map(\.name), logger: logger) : []
        let app = Application(
            router: ConsoleRouter.build(services: console),
            configuration: .init(address: .hostname(settings.host, port: settings.port), serverName: "ChatLedger"),
            services: [
                // Alerts, reply-timeout notices and the digest wait in the outbox until a configured channel takes them.
                ClosureService(name: "alerts") { await dispatcher.run() },
                ClosureService(name: "weekly-digest") {
                    await WeeklyDigest.run(store: store, channels: channels.map(\.name).filter { $0 != "wecom-app" }, logger: logger)
                },
                ClosureService(name: "reply-timeouts") {
                    await ReplyTimeoutTracker(store: store, channels: ["wecom-app"],
                                              noticesFrom: Int64(Date().timeIntervalSince1970 * 1000) - 86_400_000, logger: logger).run()
                },
                // On PostgreSQL every process checkpoints: the ledger lock serializes them and an unchanged tree writes none.
                ClosureService(name: "checkpoints") {
                    while !Task.isCancelled {
                        do { try await store.writeCheckpoint(signingKey: signingKey, timestamp: nil) } catch {
                            logger.error("chatledger.checkpoint.failed", metadata: ["error": "\(error)"])
                        }
                        // Shutdown cancels the sleep: end quietly, or the group treats it as a failure and cancels the rest.
                        try? await Task.sleep(for: .seconds(1))
                    }
                },
            ] + pulling, logger: logger)
        print("ChatLedger console: http://\(settings.host):\(settings.port)/  (archive \(archive.postgresURL.flatMap { try? PostgresLocation(url: $0).description } ?? settings.data))")
        let deadline = ShutdownDeadline(logger: logger)
        deadline.arm()
        try await app.runService()
    }

    /// The pull loop (under the ingest lease on PostgreSQL) and, for a simulated corp, its chatter.
    func pullServices(store: any AnyArchive, blobs: any BlobStore, signingKey: Curve25519.Signing.PrivateKey, keys: URL,
                      channels: [String], logger: Logger) throws -> [any Service] {
        let (wecom, ring, chat) = try source.open(keys: keys)
        let ingest = LeasedIngest(store: store, source: wecom, keyRing: ring, blobs: blobs, signingKey: signingKey, timestamp: nil,
                                  name: LeasedIngest.defaultName, riskChannels: channels, interval: 1, stopAt: nil, logger: logger)
        // A lost lease or a failed pull must not take the console down: wait for the lease again.
        let pull = ClosureService(name: "ingest") {
            while !Task.isCancelled {
                do { try await ingest.pull() } catch { logger.error("chatledger.ingest.failed", metadata: ["error": "\(error)"]) }
                try? await Task.sleep(for: .seconds(5))
            }
        }
        guard let chat else { return [pull] }
        return [pull, ClosureService(name: "simulated-corp") {
            do { try await chat() } catch is CancellationError {} catch {
                logger.error("chatledger.simulator.failed", metadata: ["error": "\(error)"])
            }
        }]
    }
}
