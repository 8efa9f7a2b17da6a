import ArchiveModel
import ArgumentParser
import Foundation
import Hummingbird
import Ingest
import Logging
import ServiceLifecycle
import Simulator
import Storage
import WeCom

struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run a simulated corp live into an embedded archive and serve the console.")

    @OptionGroup var archive: ArchiveOptions
    @Option(help: "HTTP port.") var port: Int = 8080
    @Option(help: "HTTP address to bind.") var host: String = "127.0.0.1"
    @Option(help: "Seed of the simulated corp.") var seed: UInt64 = 42
    @Option(help: "Simulated messages per second (the corp's clock runs accelerated).") var rate: Int = 20

    func validate() throws {
        guard (1...65535).contains(port) else { throw ValidationError("--port must be 1…65535") }
        guard rate > 0 else { throw ValidationError("--rate must be positive") }
    }

    func run() async throws {
        let logger = Logger(label: "chatledger.demo")
        let store = try archive.openStore()
        let keysURL = archive.defaultKeysURL
        try FileManager.default.createDirectory(at: keysURL, withIntermediateDirectories: true)
        let existingKeys = Self.loadPEMs(keysURL)
        let simulator = try SimulatedArchive(seed: seed, expectedMessages: 20_000, privateKeyPEMs: existingKeys)
        for (version, pem) in simulator.privateKeyPEMs {
            try pem.write(to: keysURL.appendingPathComponent("v\(version).pem"), atomically: true, encoding: .utf8)
        }
        try await store.saveDirectory(simulator.corp.directorySnapshot)
        // Catch the simulator up with what an earlier run archived, so the corp continues where it stopped.
        let cursor = try await store.cursor(source: "wecom")
        if cursor > 0 { try simulator.produce(Int(cursor)) }

        let pipeline = IngestPipeline(store: store, opener: EnvelopeOpener(keyRing: try PrivateKeyRing.load(directory: keysURL)),
                                      logger: logger)
        let ingest = SimulatedCorpService(
            simulator: simulator, puller: ArchivePuller(source: simulator, pipeline: pipeline),
            media: MediaFetcher(source: simulator, store: store, blobs: try FolderBlobStore(root: archive.blobsURL)),
            rate: rate, logger: logger)
        let app = Application(
            router: DemoRoutes.router(store: store),
            configuration: .init(address: .hostname(host, port: port), serverName: "ChatLedger"),
            services: [ingest], logger: logger)
        print("ChatLedger demo: http://\(host):\(port)/  (archive in \(archive.data); Ctrl-C stops)")
        try await app.runService()
    }

    static func loadPEMs(_ folder: URL) -> [UInt32: String]? {
        var pems: [UInt32: String] = [:]
        for version: UInt32 in [1, 2] {
            let url = folder.appendingPathComponent("v\(version).pem")
            guard let text = try? String(contentsOf: url, encoding: .utf8) else { return nil }
            pems[version] = text
        }
        return pems
    }
}

/// The simulated corp chatting live: each second it produces messages, pulls them through the real
/// decryption path into the archive, and fetches their media.
struct SimulatedCorpService: Service {
    let simulator: SimulatedArchive
    let puller: ArchivePuller
    let media: MediaFetcher
    let rate: Int
    let logger: Logger

    func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                try simulator.produce(rate)
                _ = try await puller.pullUntilCaughtUp()
                _ = try await media.fetchPending(limit: 200)
            } catch {
                logger.error("chatledger.demo.ingest_failed", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: .seconds(1))
        }
    }
}
