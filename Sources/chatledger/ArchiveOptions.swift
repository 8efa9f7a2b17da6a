import ArgumentParser
import Foundation
import Storage

/// Options every command that touches an archive shares.
struct ArchiveOptions: ParsableArguments {
    @Option(name: .long, help: "The archive folder (database, blobs).")
    var data: String = "./chatledger-data"

    var dataURL: URL { URL(fileURLWithPath: data, isDirectory: true) }
    var databasePath: String { dataURL.appendingPathComponent("archive.sqlite").path }
    var blobsURL: URL { dataURL.appendingPathComponent("blobs", isDirectory: true) }
    var defaultKeysURL: URL { dataURL.appendingPathComponent("keys", isDirectory: true) }

    /// Opens (creating if needed) the embedded archive.
    func openStore() throws -> SQLiteArchiveStore {
        try FileManager.default.createDirectory(at: dataURL, withIntermediateDirectories: true)
        return try SQLiteArchiveStore(path: databasePath)
    }

    /// Opens an archive that must already exist (read commands should not create empty ones by accident).
    func openExistingStore() throws -> SQLiteArchiveStore {
        guard FileManager.default.fileExists(atPath: databasePath) else {
            throw ValidationError("no archive at \(data): run `chatledger import` or `chatledger demo` first, or pass --data")
        }
        return try SQLiteArchiveStore(path: databasePath)
    }
}
