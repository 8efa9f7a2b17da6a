import ArchiveStore
import ArgumentParser
import Crypto
import Foundation
import ObjectStorage
import PostgresStore
import SQLiteStore
import StoreMigration

struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Move the embedded archive into an empty PostgreSQL database (and its attachments to S3), ledger intact.",
        discussion: """
            Sealed records, wrapped data keys, ledger leaves, nodes and signed checkpoints are copied as they are, so the \
            same master key opens the new archive and its root is unchanged; the search index is rebuilt from the unsealed \
            text. Attachments are unsealed, hash-checked and stored again at --blobs-to first. The copy is one transaction: \
            on failure the database stays empty. Stop `chatledger serve` first. Afterwards the new archive is verified \
            end to end (every record, node, checkpoint and blob).
            """)

    @OptionGroup var archive: ArchiveOptions
    @Option(help: "The target: postgres://user:password@host:5432/database (an empty database).") var to: String
    @Option(help: "Where the attachments go: s3://bucket/prefix?endpoint=…&region=…[&lock=compliance&retain-days=N], or a folder. Default: they stay in <data>/blobs.")
    var blobsTo: String?
    @Flag(help: "Create the S3 bucket when it does not exist (with Object Lock when lock= is given).") var createBucket = false
    @Flag(help: "Print JSON.") var json = false

    func validate() throws {
        _ = try PostgresLocation(url: to)
        if let blobsTo, blobsTo.hasPrefix("s3://") { _ = try S3BlobStore.Configuration(url: blobsTo) }
        if archive.database != nil { throw ValidationError("--database names a PostgreSQL archive; the source of a migration is --data") }
    }

    func run() async throws {
        let source = try archive.openExistingStore()
        let sourceBlobs = try FolderBlobStore(root: archive.blobsURL, sealer: source.sealer)
        var targetBlobs: (any BlobStore)?
        if let blobsTo {
            if blobsTo.hasPrefix("s3://") {
                let s3 = S3BlobStore(configuration: try .init(url: blobsTo), sealer: source.sealer)
                if createBucket { try await s3.createBucket() }
                targetBlobs = s3
            } else {
                targetBlobs = try FolderBlobStore(root: URL(fileURLWithPath: blobsTo, isDirectory: true), sealer: source.sealer)
            }
        }
        let progress = PhasedProgress()
        let report = try await ArchiveMigration(source: source, to: to) { phase, done in progress.update(phase, done) }
            .run(sourceBlobs: targetBlobs == nil ? nil : sourceBlobs, targetBlobs: targetBlobs)
        progress.finish()

        let target = try await PostgresArchiveStore.open(url: to, masterKey: try MasterKey.load(file: archive.masterKeyURL))
        defer { target.close() }
        let verification = try await target.verify(publicKey: try archive.signingKey().publicKey, blobs: targetBlobs ?? sourceBlobs)
        if json {
            try JSONOutput.print(MigrationJSON(migration: report, verification: verification))
        } else {
            let rows = report.tables.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            print("copied \(rows); \(report.blobs) blobs in \(String(format: "%.1f", report.seconds)) s")
            if !report.notMigrated.isEmpty {
                let left = report.notMigrated.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
                print("not copied (console users sign in again on the new archive): \(left)")
            }
            if let failure = verification.failure {
                print("VERIFY FAILED on the new archive: \(failure)")
            } else {
                print("verified: \(verification.records) records, \(verification.blobs) blobs, \(verification.checkpoints) checkpoints; root \(verification.root ?? "-") (unchanged)")
                print("use it with: chatledger verify --database '\(to)'\(blobsTo.map { " --blobs '\($0)'" } ?? ""), and \"database\" in serve's configuration")
            }
        }
        if verification.failure != nil { throw ExitCode(1) }
    }
}

struct MigrationJSON: Encodable {
    var migration: ArchiveMigration.Report
    var verification: VerifyReport
}

/// One progress line per phase of a long job (`blobs`, `messages`, `ledger`), each counting from zero.
final class PhasedProgress: @unchecked Sendable {
    private let lock = NSLock()
    private var phase = ""
    private var line: ProgressLine?

    func update(_ phase: String, _ done: Int) {
        lock.withLock {
            if phase != self.phase {
                line?.finish()
                self.phase = phase
                line = ProgressLine("copying \(phase)", total: nil)
            }
            line?.update(done)
        }
    }

    func finish() { lock.withLock { line?.finish() } }
}
