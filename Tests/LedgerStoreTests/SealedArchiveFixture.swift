import ArchiveModel
import ArchiveStore
import Crypto
import Foundation
import GRDB
import Ingest
import SQLiteStore
import Simulator
import WeCom

/// A sealed archive of a simulated corp with media and a checkpoint, on disk, ready to be attacked.
struct SealedArchiveFixture {
    static let simulated: SimulatedArchive = {
        let archive = try! SimulatedArchive(seed: 31, expectedMessages: 300)
        try! archive.produce(300)
        return archive
    }()

    let folder: URL
    let masterKey = MasterKey.generate()
    let signingKey = Curve25519.Signing.PrivateKey()
    let store: SQLiteArchiveStore
    let blobs: FolderBlobStore
    var databasePath: String { folder.appendingPathComponent("archive.sqlite").path }

    init(messages: Int = 300) async throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("sealed-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        store = try SQLiteArchiveStore(path: folder.appendingPathComponent("archive.sqlite").path, masterKey: masterKey)
        blobs = try FolderBlobStore(root: folder.appendingPathComponent("blobs"), sealer: store.sealer)
        var ring = PrivateKeyRing()
        for (version, pem) in Self.simulated.privateKeyPEMs { ring.add(try RSABackend.openssl.privateKey(pem: pem), version: version) }
        let pipeline = IngestPipeline(store: store, opener: EnvelopeOpener(keyRing: ring))
        let envelopes = Array(Self.simulated.envelopes.prefix(messages))
        _ = try await pipeline.ingest(Array(envelopes.prefix(messages / 2)))
        try await store.writeCheckpoint(signingKey: signingKey)
        _ = try await pipeline.ingest(Array(envelopes.dropFirst(messages / 2)))
        _ = try await MediaFetcher(source: Self.simulated, store: store, blobs: blobs).fetchPending()
        try await store.writeCheckpoint(signingKey: signingKey)
    }

    func verify() async throws -> VerifyReport {
        try await store.verify(publicKey: signingKey.publicKey, blobs: blobs)
    }

    /// Changes the database behind the store's back, as an attacker with file access would.
    func tamper(_ sql: String, _ arguments: StatementArguments = []) throws {
        let queue = try DatabaseQueue(path: databasePath)
        try queue.write { db in
            try db.execute(sql: "PRAGMA foreign_keys = OFF")
            try db.execute(sql: sql, arguments: arguments)
        }
    }

    func value<T: DatabaseValueConvertible>(_ sql: String, _ arguments: StatementArguments = []) throws -> T? {
        try DatabaseQueue(path: databasePath).read { db in try T.fetchOne(db, sql: sql, arguments: arguments) }
    }

    /// Flips one bit of a blob column value.
    func flipByte(table: String, column: String, keyColumn: String, key: any DatabaseValueConvertible, at offset: Int = 20) throws {
        let data: Data = try value("SELECT \(column) FROM \(table) WHERE \(keyColumn) = ?", [key])!
        var bytes = Array(data)
        bytes[min(offset, bytes.count - 1)] ^= 0x01
        try tamper("UPDATE \(table) SET \(column) = ? WHERE \(keyColumn) = ?", [Data(bytes), key])
    }
}
