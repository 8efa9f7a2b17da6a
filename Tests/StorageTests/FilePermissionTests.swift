import ArchiveModel
import ArchiveStore
import Foundation
import SQLiteStore
import Testing
import WeCom

/// A new archive is private to its user from the first byte: data files 0600, folders 0700, whatever the umask.
@Suite struct FilePermissionTests {
    static func mode(_ path: String) throws -> mode_t {
        try #require(PrivateFiles.mode(ofPath: path), "cannot read the mode of \(path)")
    }

    static func folder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("perm-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    @Test func aNewDatabaseAndItsWriteAheadLogAreOwnerOnly() async throws {
        let path = try Self.folder().appendingPathComponent("archive.sqlite").path
        let store = try SQLiteArchiveStore(path: path, masterKey: .generate())
        let raw = #"{"msgid":"p1","action":"send","from":"zhangsan","tolist":["wmC1"],"roomid":"","msgtime":1700000000000,"msgtype":"text","text":{"content":"hi"}}"#
        _ = try await store.commit(IngestBatch(source: "wecom", messages: [try MessageDecoder().decode(Array(raw.utf8), seq: 1)], cursor: 1))
        // While the store is open (SQLite removes -wal and -shm when the last connection closes).
        #expect(try Self.mode(path) == 0o600)
        for companion in ["-wal", "-shm"] {
            #expect(FileManager.default.fileExists(atPath: path + companion), "no \(companion) in WAL mode")
            #expect(try Self.mode(path + companion) == 0o600, "\(companion)")
        }
        withExtendedLifetime(store) {}
    }

    @Test func anExistingDatabaseKeepsItsMode() throws {
        let path = try Self.folder().appendingPathComponent("archive.sqlite").path
        _ = try SQLiteArchiveStore(path: path, masterKey: MasterKey(bytes: Array(repeating: 7, count: 32)))
        #expect(chmod(path, 0o640) == 0)
        _ = try SQLiteArchiveStore(path: path, masterKey: MasterKey(bytes: Array(repeating: 7, count: 32)))
        #expect(try Self.mode(path) == 0o640)
    }

    @Test func keyFilesAreOwnerOnlyInAnOwnerOnlyFolder() throws {
        let root = try Self.folder()
        let keys = root.appendingPathComponent("keys/nested", isDirectory: true)
        _ = try MasterKey.load(file: keys.appendingPathComponent("master.key"), environment: [:])
        _ = try SigningKeyFile.loadOrCreate(keys.appendingPathComponent("ledger-signing.key"))
        #expect(try Self.mode(keys.appendingPathComponent("master.key").path) == 0o600)
        #expect(try Self.mode(keys.appendingPathComponent("ledger-signing.key").path) == 0o600)
        #expect(try Self.mode(keys.path) == 0o700)
        #expect(try Self.mode(root.appendingPathComponent("keys").path) == 0o700)
        // Loading again reads the same key rather than writing a new one.
        let first = try MasterKey.load(file: keys.appendingPathComponent("master.key"), environment: [:])
        let second = try MasterKey.load(file: keys.appendingPathComponent("master.key"), environment: [:])
        #expect(first.fingerprint == second.fingerprint)
    }

    @Test func aKeyFileIsNeverOverwritten() throws {
        let file = try Self.folder().appendingPathComponent("k.key")
        try KeyFile.write(Array(repeating: 1, count: 32), to: file)
        #expect(throws: StorageError.self) { try KeyFile.write(Array(repeating: 2, count: 32), to: file) }
        #expect(try KeyFile.read(file) == Array(repeating: 1, count: 32))
    }

    @Test func replacedFilesAreOwnerOnlyToo() throws {
        let file = try Self.folder().appendingPathComponent("v1.pem")
        try Data("old".utf8).write(to: file)
        #expect(chmod(file.path, 0o644) == 0)
        try PrivateFiles.replaceFile(Array("new".utf8), at: file)
        #expect(try Self.mode(file.path) == 0o600)
        #expect(try String(contentsOf: file, encoding: .utf8) == "new")
    }
}
