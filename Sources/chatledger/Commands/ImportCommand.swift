import ArchiveModel
import ArchiveStore
import ArgumentParser
import Foundation
import Ingest
import Simulator
import WeCom

struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Archive a GetChatData dump (--chatdata) or decrypted message JSON (--messages). Safe to run again.")

    @OptionGroup var archive: ArchiveOptions
    @OptionGroup var checkpointing: CheckpointOptions
    @Option(help: "A file of GetChatData entries, one JSON object per line.") var chatdata: String?
    @Option(help: "Folder of RSA private keys named by publickey_ver (v1.pem, v2.pem…). Default: <data>/keys.")
    var keys: String?
    @Option(help: "Folder of media written by `simulate` (default: media/ beside --chatdata, when present).")
    var media: String?
    @Option(help: "A file of decrypted WeCom message JSON, one per line.") var messages: String?
    @Option(help: "Directory JSON to load (default: directory.json beside the input, when present).")
    var directory: String?
    @Option(help: "RSA implementation: openssl or swift-crypto.") var rsa: String = "openssl"
    @Flag(help: "Print the summary as JSON.") var json = false

    func validate() throws {
        guard (chatdata == nil) != (messages == nil) else {
            throw ValidationError("give exactly one of --chatdata FILE or --messages FILE")
        }
        guard RSABackend(rawValue: rsa) != nil else { throw ValidationError("--rsa must be openssl or swift-crypto") }
    }

    func run() async throws {
        let store = try await archive.openAnyArchive(create: true)
        let inputPath = chatdata ?? messages!
        let inputFolder = URL(fileURLWithPath: inputPath).deletingLastPathComponent()
        let lines = try JSONLines.read(inputPath)
        let keyRing: PrivateKeyRing
        if chatdata != nil {
            let keysURL = keys.map { URL(fileURLWithPath: $0, isDirectory: true) } ?? archive.defaultKeysURL
            keyRing = try PrivateKeyRing.load(directory: keysURL, backend: RSABackend(rawValue: rsa)!)
        } else {
            keyRing = PrivateKeyRing()
        }
        var pipeline = IngestPipeline(store: store, opener: EnvelopeOpener(keyRing: keyRing))
        pipeline.risk = try await PolicyLoader.analysis(store, channels: [])
        let progress = ProgressBox(ProgressLine(chatdata != nil ? "importing envelopes" : "importing messages", total: lines.count))
        let started = Date()
        let summary = chatdata != nil
            ? try await pipeline.ingestChatDataLines(lines) { progress.update($0) }
            : try await pipeline.importMessages(lines) { progress.update($0) }
        progress.finish()
        let elapsed = Date().timeIntervalSince(started)

        let directoryURL = directory.map { URL(fileURLWithPath: $0) } ?? inputFolder.appendingPathComponent("directory.json")
        if FileManager.default.fileExists(atPath: directoryURL.path) {
            try await store.saveDirectory(JSONDecoder().decode(DirectorySnapshot.self, from: Data(contentsOf: directoryURL)))
        }
        var mediaStored = 0
        var mediaFailed = 0
        let mediaURL = media.map { URL(fileURLWithPath: $0, isDirectory: true) } ?? inputFolder.appendingPathComponent("media")
        if FileManager.default.fileExists(atPath: mediaURL.appendingPathComponent("index.json").path) {
            let fetcher = MediaFetcher(source: try MediaFolder(root: mediaURL), store: store,
                                       blobs: try archive.anyBlobStore(sealer: store.sealer))
            while true {
                let (stored, failed) = try await fetcher.fetchPending(limit: 500)
                mediaStored += stored
                mediaFailed += failed
                if stored + failed == 0 { break }
                if stored == 0 { break }
            }
        }
        // Seal the new records under a signed checkpoint right away.
        do {
            try await store.writeCheckpoint(signingKey: try archive.signingKey(), timestamp: checkpointing.timestamp)
        } catch {
            FileHandle.standardError.write(Data("warning: the checkpoint was signed but not time-stamped: \(error)\n".utf8))
        }
        let report = ImportReport(imported: summary.inserted, duplicate: summary.duplicates, quarantined: summary.quarantined,
                                  mediaStored: mediaStored, mediaFailed: mediaFailed, seconds: elapsed,
                                  messagesPerSecond: elapsed > 0 ? Double(lines.count) / elapsed : 0)
        if json {
            try JSONOutput.print(report)
        } else {
            print("imported \(report.imported), duplicate \(report.duplicate), quarantined \(report.quarantined); media stored \(mediaStored), failed \(mediaFailed) (\(Int(report.messagesPerSecond)) lines/s)")
            if report.quarantined > 0 { print("see `chatledger quarantine list`; fix keys and run `chatledger quarantine retry`") }
        }
    }
}

struct ImportReport: Codable {
    var imported: Int
    var duplicate: Int
    var quarantined: Int
    var mediaStored: Int
    var mediaFailed: Int
    var seconds: Double
    var messagesPerSecond: Double
}

/// Lets a @Sendable progress callback draw the (mutable) progress line.
final class ProgressBox: @unchecked Sendable {
    private let lock = NSLock()
    private var line: ProgressLine
    init(_ line: ProgressLine) { self.line = line }
    func update(_ done: Int) { lock.withLock { line.update(done) } }
    func finish() { lock.withLock { line.finish() } }
}
