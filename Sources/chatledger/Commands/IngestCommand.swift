import Alerts
import ArchiveModel
import ArgumentParser
import Foundation
import Ingest
import Logging
import PostgresStore
import Simulator
import Storage
import WeCom

struct IngestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Pull continuously from WeCom into the archive, with media, checkpoints and alert delivery.",
        discussion: """
            Run several on one PostgreSQL archive: exactly one holds the ingest lease (an advisory lock) and pulls; the \
            others wait and take over within --interval when it dies, continuing from the stored cursor. Every process \
            delivers due alerts (each exactly once). The source here is a simulated corp (--simulate-seed) producing \
            --rate messages a second: every process with the same seed sees the same messages, as every process of a \
            real deployment sees the same corp.
            """)

    @OptionGroup var archive: ArchiveOptions
    @OptionGroup var checkpointing: CheckpointOptions
    @Option(help: "Seed of the simulated corp to pull from.") var simulateSeed: UInt64
    @Option(help: "Simulated messages per second.") var rate = 50
    @Option(help: "Stop once the source's cursor reaches this seq (trials and tests).") var stopAt: UInt64?
    @Option(help: "This process's name in the lease record (default host:pid).") var holder: String?
    @Option(help: "Seconds between pulls, and between tries for the lease.") var interval = 1.0

    func validate() throws {
        guard rate > 0 else { throw ValidationError("--rate must be positive") }
        guard interval > 0 else { throw ValidationError("--interval must be positive") }
    }

    func run() async throws {
        var logger = Logger(label: "chatledger.ingest")
        logger.logLevel = .notice
        let store = try await archive.openAnyArchive(create: true)
        let name = holder ?? "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier)"
        let keysURL = archive.defaultKeysURL
        try FileManager.default.createDirectory(at: keysURL, withIntermediateDirectories: true)
        let savedPEMs = DemoCommand.loadPEMs(keysURL)
        let simulator = try SimulatedArchive(seed: simulateSeed, expectedMessages: 20_000, privateKeyPEMs: savedPEMs)
        if savedPEMs == nil {
            for (version, pem) in simulator.privateKeyPEMs {
                try pem.write(to: keysURL.appendingPathComponent("v\(version).pem"), atomically: true, encoding: .utf8)
            }
        }
        var ring = PrivateKeyRing()
        for (version, pem) in simulator.privateKeyPEMs { ring.add(try RSABackend.openssl.privateKey(pem: pem), version: version) }
        let dispatcher = AlertDispatcher(store: store, channels: [LogChannel(logger: logger)], logger: logger)
        let signingKey = try archive.signingKey()
        let blobs = try archive.anyBlobStore(sealer: store.sealer)
        let timestamp = checkpointing.timestamp
        let (rate, stopAt, interval, keyRing, log) = (self.rate, self.stopAt, self.interval, ring, logger)

        try await withThrowingTaskGroup(of: Void.self) { group in
            // The corp chats whether or not this process holds the lease.
            group.addTask {
                while !Task.isCancelled {
                    try simulator.produce(rate)
                    try await Task.sleep(for: .seconds(1))
                }
            }
            group.addTask {
                while !Task.isCancelled {
                    _ = try? await dispatcher.deliverDue()
                    try await Task.sleep(for: .milliseconds(500))
                }
            }
            group.addTask {
                // Held (and so kept alive) until the puller stops; its connection is the lock.
                var lease: IngestLease?
                if let postgres = store as? PostgresArchiveStore {
                    Self.say("\(name): waiting for the ingest lease")
                    lease = try await IngestLease.acquire(postgres.location, holder: name, interval: .seconds(interval))
                    guard let lease else { return }
                    postgres.commitUnder(lease)
                    Self.say("\(name): holding the ingest lease")
                }
                defer { if let lease { Task { await lease.release() } } }
                var pipeline = IngestPipeline(store: store, opener: EnvelopeOpener(keyRing: keyRing), logger: log)
                pipeline.risk = try await PolicyLoader.analysis(store, channels: [LogChannel.channelName])
                let puller = ArchivePuller(source: simulator, pipeline: pipeline)
                let media = MediaFetcher(source: simulator, store: store, blobs: blobs)
                while !Task.isCancelled {
                    let summary = try await puller.pullUntilCaughtUp()
                    _ = try await media.fetchPending(limit: 500)
                    try await store.writeCheckpoint(signingKey: signingKey, timestamp: timestamp)
                    let cursor = try await store.cursor(source: pipeline.source)
                    if summary.inserted + summary.quarantined > 0 {
                        Self.say("\(name): stored \(summary.inserted), quarantined \(summary.quarantined); cursor \(cursor)")
                    }
                    if let stopAt, cursor >= stopAt { return }
                    try await Task.sleep(for: .seconds(interval))
                }
            }
            // The puller ends the run (stop-at reached, lease lost, or an error); the helpers end with it.
            try await group.next()
            group.cancelAll()
        }
    }

    /// Progress on standard error, unbuffered, so supervisors and tests see it as it happens.
    static func say(_ line: String) { FileHandle.standardError.write(Data((line + "\n").utf8)) }
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
