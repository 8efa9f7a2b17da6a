import ArchiveStore
import ArgumentParser
import Console
import Crypto
import Foundation
import Ingest
import ObjectStorage
import PostgresStore
import SQLiteStore

/// What the engine-neutral commands need from an archive, embedded or on PostgreSQL.
typealias AnyArchive = ConsoleArchive

/// Options every command that touches an archive shares.
struct ArchiveOptions: ParsableArguments {
    @Option(name: .long, help: "The archive folder (database, blobs).")
    var data: String = "./chatledger-data"

    @Option(name: .long, help: ArgumentHelp(
        "File of the master key that wraps the archive's data keys (created if absent). Default: <data>/keys/master.key.",
        discussion: "CHATLEDGER_MASTER_KEY (base64 of 32 bytes) overrides it. Keep the file off the archive's disk in production."))
    var masterKeyFile: String?

    @Option(name: .long, help: ArgumentHelp(
        "A PostgreSQL archive (postgres://user:password@host:5432/database[?sslmode=disable]) instead of the embedded one; a host other than loopback requires TLS unless sslmode=disable is explicit.",
        discussion: "CHATLEDGER_DATABASE_URL sets it too. Every command runs on either engine except demo, keys, policy rescan and the benchmarks, which need the embedded archive; serve reads it from its configuration."))
    var database: String?

    @Option(name: .long, help: ArgumentHelp(
        "Where attachments live: s3://bucket/prefix?endpoint=https://host&region=…[&lock=compliance&retain-days=N]. Default: <data>/blobs.",
        discussion: "Credentials come from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY; CHATLEDGER_BLOBS_URL sets it too."))
    var blobs: String?

    /// Options for the embedded archive at `data`, for commands that make their own (`demo`).
    /// Every option is assigned: an option group that was not parsed cannot be read otherwise.
    static func embedded(data: String, masterKeyFile: String?) -> ArchiveOptions {
        var options = ArchiveOptions()
        options.data = data
        options.masterKeyFile = masterKeyFile
        options.database = nil
        options.blobs = nil
        return options
    }

    /// The archive `serve`'s settings name: PostgreSQL and S3 when given, else the embedded archive in `data`.
    static func serving(_ settings: ConsoleConfig) -> ArchiveOptions {
        var options = embedded(data: settings.data, masterKeyFile: settings.masterKeyFile)
        options.database = settings.database
        options.blobs = settings.blobs
        return options
    }

    /// The PostgreSQL archive's URL, when one is named.
    var postgresURL: String? {
        (database ?? ProcessInfo.processInfo.environment["CHATLEDGER_DATABASE_URL"]).flatMap { $0.isEmpty ? nil : $0 }
    }

    var blobsLocation: String? {
        (blobs ?? ProcessInfo.processInfo.environment["CHATLEDGER_BLOBS_URL"]).flatMap { $0.isEmpty ? nil : $0 }
    }

    var dataURL: URL { URL(fileURLWithPath: data, isDirectory: true) }
    var databasePath: String { dataURL.appendingPathComponent("archive.sqlite").path }
    var blobsURL: URL { dataURL.appendingPathComponent("blobs", isDirectory: true) }
    var defaultKeysURL: URL { dataURL.appendingPathComponent("keys", isDirectory: true) }
    var masterKeyURL: URL { masterKeyFile.map { URL(fileURLWithPath: $0) } ?? defaultKeysURL.appendingPathComponent("master.key") }
    var signingKeyURL: URL { defaultKeysURL.appendingPathComponent("ledger-signing.key") }

    /// Opens (creating if needed) the embedded archive.
    func openStore() throws -> SQLiteArchiveStore {
        try requireEmbedded()
        try PrivateFiles.createFolder(dataURL)
        return try SQLiteArchiveStore(path: databasePath, masterKey: try MasterKey.load(file: masterKeyURL))
    }

    /// Opens an archive that must already exist (read commands should not create empty ones by accident).
    func openExistingStore() throws -> SQLiteArchiveStore {
        try requireEmbedded()
        guard FileManager.default.fileExists(atPath: databasePath) else {
            throw ValidationError("no archive at \(data): run `chatledger import` or `chatledger demo` first, or pass --data")
        }
        guard FileManager.default.fileExists(atPath: masterKeyURL.path) || ProcessInfo.processInfo.environment["CHATLEDGER_MASTER_KEY"] != nil else {
            throw ValidationError("no master key at \(masterKeyURL.path): pass --master-key-file or set CHATLEDGER_MASTER_KEY")
        }
        return try SQLiteArchiveStore(path: databasePath, masterKey: try MasterKey.load(file: masterKeyURL))
    }

    /// Commands that only the embedded archive serves say so instead of opening a different archive.
    func requireEmbedded() throws {
        guard postgresURL != nil else { return }
        throw ValidationError("""
            this command runs on the embedded archive only (key rotation, policy rescan, demo and benchmarks); \
            unset --database / CHATLEDGER_DATABASE_URL for it.
            """)
    }

    /// The archive on whichever engine the options name. - Parameter create: make an embedded archive when absent.
    func openAnyArchive(create: Bool = false) async throws -> any AnyArchive {
        guard let url = postgresURL else { return create ? try openStore() : try openExistingStore() }
        try PrivateFiles.createFolder(masterKeyURL.deletingLastPathComponent())
        return try await PostgresArchiveStore.open(url: url, masterKey: try MasterKey.load(file: masterKeyURL))
    }

    /// Attachments: the S3 bucket or folder `--blobs` names, else the folder beside the embedded archive.
    func anyBlobStore(sealer: Sealer) throws -> any BlobStore {
        guard let location = blobsLocation else { return try FolderBlobStore(root: blobsURL, sealer: sealer) }
        if location.hasPrefix("s3://") { return S3BlobStore(configuration: try .init(url: location), sealer: sealer) }
        return try FolderBlobStore(root: URL(fileURLWithPath: location, isDirectory: true), sealer: sealer)
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
