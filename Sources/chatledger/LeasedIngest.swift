import ArchiveModel
import ArchiveStore
import Crypto
import Foundation
import Ingest
import Logging
import PostgresStore
import Simulator
import WeCom

/// The pull loop of `chatledger ingest` and of `serve` with a source: pull, fetch media, checkpoint — on PostgreSQL
/// only while this process holds the ingest lease, so several processes on one archive ingest one at a time and the
/// next takes over from the stored cursor when the holder dies.
struct LeasedIngest: Sendable {
    let store: any AnyArchive
    /// The WeCom archive: the Finance SDK (through its worker) or a simulated corp.
    let source: any ChatDataSource & MediaSource
    let keyRing: PrivateKeyRing
    let blobs: any BlobStore
    let signingKey: Curve25519.Signing.PrivateKey
    /// The time-stamping step of the loop's own checkpoints (see ``writesCheckpoints``).
    let timestamp: (@Sendable ([UInt8]) async throws -> [UInt8]?)?
    /// This process in the lease record and the progress lines.
    let name: String
    /// Alert channels new alerts are queued for.
    let riskChannels: [String]
    /// Seconds between pulls when WeCom's callback does not wake the loop sooner.
    let interval: Double
    let stopAt: UInt64?
    let logger: Logger
    /// Woken by WeCom's `msgaudit_notify` callback (`/wecom/callback`), so messages arrive within a second.
    var signal = PullSignal()
    /// Progress lines on standard error (`ingest`, `serve`); the demo keeps its terminal for its own output.
    var reportsProgress = true
    /// Whether the loop signs a checkpoint after each pull: `ingest` has nothing else that does; `serve` and `demo`
    /// run the checkpoint service (every second, with the TSA), so the loop would only do its work twice.
    var writesCheckpoints = true

    static var defaultName: String { "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier)" }

    /// The simulated corp of `seed` with the archive's RSA keys (saved beside the archive the first time, so every
    /// process of one deployment decrypts the same envelopes).
    static func simulatedCorp(seed: UInt64, keys keysURL: URL) throws -> (SimulatedArchive, PrivateKeyRing) {
        try PrivateFiles.createFolder(keysURL)
        let savedPEMs = DemoCommand.loadPEMs(keysURL)
        let simulator = try SimulatedArchive(seed: seed, expectedMessages: 20_000, privateKeyPEMs: savedPEMs)
        if savedPEMs == nil {
            for (version, pem) in simulator.privateKeyPEMs {
                try PrivateFiles.replaceFile(Array(pem.utf8), at: keysURL.appendingPathComponent("v\(version).pem"))
            }
        }
        var ring = PrivateKeyRing()
        for (version, pem) in simulator.privateKeyPEMs { ring.add(try RSABackend.openssl.privateKey(pem: pem), version: version) }
        return (simulator, ring)
    }

    /// A simulated corp chats whether or not this process holds the lease: `rate` messages a second until cancelled.
    static func chat(_ simulator: SimulatedArchive, rate: Int) async throws {
        while !Task.isCancelled {
            try simulator.produce(rate)
            try await Task.sleep(for: .seconds(1))
        }
    }

    /// Waits for the lease (PostgreSQL), then pulls until cancelled, `stopAt` is reached or the lease is lost.
    func pull() async throws {
        // Held (and so kept alive) until the puller stops; its connection is the lock.
        var lease: IngestLease?
        if let postgres = store as? PostgresArchiveStore {
            say("\(name): waiting for the ingest lease")
            lease = try await IngestLease.acquire(postgres.location, holder: name, interval: .seconds(interval))
            guard let lease else { return }
            postgres.commitUnder(lease)
            say("\(name): holding the ingest lease")
        }
        defer { if let lease { Task { await lease.release() } } }
        var pipeline = IngestPipeline(store: store, opener: EnvelopeOpener(keyRing: keyRing), logger: logger)
        pipeline.risk = try await PolicyLoader.analysis(store, channels: riskChannels)
        let puller = ArchivePuller(source: source, pipeline: pipeline)
        let media = MediaFetcher(source: source, store: store, blobs: blobs)
        while !Task.isCancelled {
            let summary = try await puller.pullUntilCaughtUp()
            _ = try await media.fetchPending(limit: 500)
            if writesCheckpoints {
                do { try await store.writeCheckpoint(signingKey: signingKey, timestamp: timestamp) } catch {
                    // A checkpoint (or its time-stamp authority) failing is not a reason to stop pulling: the messages are
                    // stored and ledgered, and the next checkpoint covers them.
                    logger.error("chatledger.checkpoint.failed", metadata: ["error": "\(error)"])
                }
            }
            let cursor = try await store.cursor(source: pipeline.source)
            if summary.inserted + summary.quarantined > 0 {
                say("\(name): stored \(summary.inserted), quarantined \(summary.quarantined); cursor \(cursor)")
            }
            if let stopAt, cursor >= stopAt { return }
            await signal.wait(atMost: .seconds(interval))
            try Task.checkCancellation()
        }
    }

    /// Progress on standard error, unbuffered, so supervisors and tests see it as it happens.
    func say(_ line: String) {
        if reportsProgress { FileHandle.standardError.write(Data((line + "\n").utf8)) } else { logger.info("\(line)") }
    }
}
