import Alerts
import ArgumentParser
import Console
import Foundation
import Hummingbird
import Ingest
import Logging
import ServiceLifecycle
import Storage

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the console and its API over an existing archive.",
        discussion: """
            Settings come from --config (JSON; see docs/console.md and docs/chatledger.example.json) and the \
            CHATLEDGER_* environment variables, which override the file. Signed checkpoints follow new ledger \
            leaves (audit events included) within a second. SIGTERM or Ctrl-C stops gracefully.
            """)

    @Option(help: "The configuration file (JSON).") var config: String?
    @Option(help: "Password of the console user `admin`, created if absent.") var adminPassword: String?

    func run() async throws {
        let settings: ConsoleConfig
        do {
            settings = try ConsoleConfig.load(path: config)
        } catch let error as ConsoleConfigError {
            throw ValidationError(error.description)
        }
        let archive = ArchiveOptions.embedded(data: settings.data, masterKeyFile: settings.masterKeyFile)
        let logger = Logger(label: "chatledger.serve")
        let store = try archive.openExistingStore()
        let signingKey = try archive.signingKey()
        let console = ConsoleBootstrap.services(store: store, blobs: try archive.blobStore(store), config: settings, logger: logger)
        try await ConsoleBootstrap.ensureAdmin(console.accounts, password: adminPassword, roles: ["admin"])
        let channels = AlertChannelsFromConfig.channels(settings.alerts)
        let dispatcher = AlertDispatcher(store: store, channels: channels, logger: logger)
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
                ClosureService(name: "checkpoints") {
                    while !Task.isCancelled {
                        do { try await store.writeCheckpoint(signingKey: signingKey, timestamp: nil) } catch {
                            logger.error("chatledger.checkpoint.failed", metadata: ["error": "\(error)"])
                        }
                        try await Task.sleep(for: .seconds(1))
                    }
                },
            ], logger: logger)
        print("ChatLedger console: http://\(settings.host):\(settings.port)/  (archive in \(settings.data))")
        try await app.runService()
    }
}
