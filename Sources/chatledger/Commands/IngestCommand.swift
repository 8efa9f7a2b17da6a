import Alerts
import ArchiveModel
import ArchiveStore
import ArgumentParser
import Foundation
import Ingest
import Logging
import PostgresStore
import Simulator
import WeCom

struct IngestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Pull continuously from WeCom into the archive, with media, checkpoints and alert delivery.",
        discussion: """
            Run several on one PostgreSQL archive: exactly one holds the ingest lease (an advisory lock) and pulls; the \
            others wait and take over within --interval when it dies, continuing from the stored cursor. Every process \
            delivers due alerts (each exactly once). The source is WeCom through the Finance SDK (--sdk-library, \
            --corp-id, --private-keys, CHATLEDGER_WECOM_ARCHIVE_SECRET) or a simulated corp (--simulate-seed) producing \
            --rate messages a second: every process with the same seed sees the same messages, as every process of a \
            real deployment sees the same corp.
            """)

    @OptionGroup var archive: ArchiveOptions
    @OptionGroup var checkpointing: CheckpointOptions
    @OptionGroup var source: WeComSourceOptions
    @Option(help: "Stop once the source's cursor reaches this seq (trials and tests).") var stopAt: UInt64?
    @Option(help: "This process's name in the lease record (default host:pid).") var holder: String?
    @Option(help: "Seconds between pulls, and between tries for the lease.") var interval = 1.0

    func validate() throws {
        guard source.isGiven else { throw ValidationError("give --sdk-library (WeCom) or --simulate-seed (a simulated corp)") }
        guard interval > 0 else { throw ValidationError("--interval must be positive") }
    }

    func run() async throws {
        var logger = Logger(label: "chatledger.ingest")
        logger.logLevel = .notice
        let store = try await archive.openAnyArchive(create: true)
        let (wecom, ring, chat) = try source.open(keys: archive.defaultKeysURL)
        let services = ArchiveServices(store: store, signingKey: try archive.signingKey(), timestamp: checkpointing.timestamp, logger: logger)
        let alerts = services.alertDelivery(channels: [LogChannel(logger: logger)])
        let ingest = LeasedIngest(store: store, source: wecom, keyRing: ring, blobs: try archive.anyBlobStore(sealer: store.sealer),
                                  signingKey: services.signingKey, timestamp: services.timestamp,
                                  name: holder ?? LeasedIngest.defaultName, riskChannels: [LogChannel.channelName], interval: interval,
                                  stopAt: stopAt, logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            if let chat { group.addTask { try await chat() } }
            group.addTask { try await alerts.run() }
            // Unlike serve's pull service, the pull here ends the run: at --stop-at, or with its error.
            group.addTask { try await ingest.pull() }
            // The puller ends the run (stop-at reached, lease lost, or an error); the helpers end with it.
            try await group.next()
            group.cancelAll()
        }
    }
}

/// Alerts written to the log: the channel `ingest` queues for, so every alert is delivered and marked once.
struct LogChannel: AlertChannel {
    static let channelName = "log"
    let logger: Logger
    var name: String { Self.channelName }

    func deliver(_ alert: AlertRecord) async throws {
        logger.notice("chatledger.alert", metadata: [
            "id": "\(alert.id)", "category": "\(alert.category)", "severity": "\(alert.severity)",
            "conversation": "\(alert.conversation ?? "-")",
        ])
    }
}
