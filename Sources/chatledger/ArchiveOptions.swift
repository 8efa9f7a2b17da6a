import ArgumentParser
import Foundation
import Crypto
import Ingest
import Storage

/// Options every command that touches an archive shares.
struct ArchiveOptions: ParsableArguments {
    @Option(name: .long, help: "The archive folder (database, blobs).")
    var data: String = "./chatledger-data"

    @Option(name: .long, help: ArgumentHelp(
        "File of the master key that wraps the archive's data keys (created if absent). Default: <data>/keys/master.key.",
        discussion: "CHATLEDGER_MASTER_KEY (base64 of 32 bytes) overrides it. Keep the file off the archive's disk in production."))
    var masterKeyFile: String?

    var dataURL: URL { URL(fileURLWithPath: data, isDirectory: true) }
    var databasePath: String { dataURL.appendingPathComponent("archive.sqlite").path }
    var blobsURL: URL { dataURL.appendingPathComponent("blobs", isDirectory: true) }
    var defaultKeysURL: URL { dataURL.appendingPathComponent("keys", isDirectory: true) }
    var masterKeyURL: URL { masterKeyFile.map { URL(fileURLWithPath: $0) } ?? defaultKeysURL.appendingPathComponent("master.key") }
    var signingKeyURL: URL { defaultKeysURL.appendingPathComponent("ledger-signing.key") }

    /// Opens (creating if needed) the embedded archive.
    func openStore() throws -> SQLiteArchiveStore {
        try FileManager.default.createDirectory(at: dataURL, withIntermediateDirectories: true)
        return try SQLiteArchiveStore(path: databasePath, masterKey: try MasterKey.load(file: masterKeyURL))
    }

    /// Opens an archive that must already exist (read commands should not create empty ones by accident).
    func openExistingStore() throws -> SQLiteArchiveStore {
        guard FileManager.default.fileExists(atPath: databasePath) else {
            throw ValidationError("no archive at \(data): run `chatledger import` or `chatledger demo` first, or pass --data")
        }
        guard FileManager.default.fileExists(atPath: masterKeyURL.path) || ProcessInfo.processInfo.environment["CHATLEDGER_MASTER_KEY"] != nil else {
            throw ValidationError("no master key at \(masterKeyURL.path): pass --master-key-file or set CHATLEDGER_MASTER_KEY")
        }
        return try SQLiteArchiveStore(path: databasePath, masterKey: try MasterKey.load(file: masterKeyURL))
    }

    /// The blob folder, sealed with the store's data keys.
    func blobStore(_ store: SQLiteArchiveStore) throws -> FolderBlobStore {
        try FolderBlobStore(root: blobsURL, sealer: store.sealer)
    }

    /// The checkpoint signing key (created on first use).
    func signingKey() throws -> Curve25519.Signing.PrivateKey {
        try SigningKeyFile.loadOrCreate(signingKeyURL)
    }
}

/// Where checkpoints get third-party time-stamps.
struct CheckpointOptions: ParsableArguments {
    @Option(help: "RFC 3161 time-stamp authority URL; each checkpoint gets a token over its signed note.")
    var tsaURL: String?

    func validate() throws {
        if let tsaURL, URL(string: tsaURL)?.scheme == nil { throw ValidationError("--tsa-url must be a URL such as http://tsa.example.com/") }
    }

    /// The time-stamping step for `writeCheckpoint`, or `nil` without a TSA.
    var timestamp: (@Sendable ([UInt8]) async throws -> [UInt8]?)? {
        guard let tsaURL, let url = URL(string: tsaURL) else { return nil }
        let authority = TimestampAuthority(url: url)
        return { digest in try await authority.timestamp(sha256: digest) }
    }
}
