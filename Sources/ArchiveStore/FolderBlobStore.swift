#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Crypto
import Foundation

/// Where attachments live: content-addressed by the SHA-256 of their bytes.
public protocol BlobStore: Sendable {
    /// Stores `bytes` and returns their lowercase hex SHA-256; storing the same bytes twice is a no-op.
    ///
    /// It MUST NOT return before the blob is durable: the archive ledgers an attachment as stored right after.
    func put(_ bytes: [UInt8]) async throws -> String
    func get(_ sha256: String) async throws -> [UInt8]?
}

/// Blobs as files under a folder, `ab/cd/abcd…`, sealed with the archive's data keys. The name is the SHA-256 of the
/// plaintext (the content address).
///
/// A blob is written to a temporary name, flushed to disk (`fsync`), renamed into place, and then its folder is
/// flushed so the rename survives a power loss too: ``put(_:)`` returns only once the blob is durable, because the
/// archive then ledgers the attachment as stored. New files are readable by their owner only (0600), new folders
/// likewise (0700).
public struct FolderBlobStore: BlobStore {
    public let root: URL
    let sealer: Sealer

    public init(root: URL, sealer: Sealer) throws {
        self.root = root
        self.sealer = sealer
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
    }

    public static func sha256Hex(_ bytes: [UInt8]) -> String {
        SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
    }

    func url(for sha256: String) -> URL {
        root.appendingPathComponent(String(sha256.prefix(2)))
            .appendingPathComponent(String(sha256.dropFirst(2).prefix(2)))
            .appendingPathComponent(sha256)
    }

    public func put(_ bytes: [UInt8]) throws -> String {
        let sha = Self.sha256Hex(bytes)
        let target = url(for: sha)
        if FileManager.default.fileExists(atPath: target.path) { return sha }
        let folder = target.deletingLastPathComponent()
        try makeFolder(folder.deletingLastPathComponent())
        try makeFolder(folder)
        let temporary = folder.appendingPathComponent(".\(sha).\(UUID().uuidString).tmp")
        do {
            try Self.writeDurably(try sealer.seal(bytes, context: SealContext.blob(sha)), to: temporary.path)
        } catch {
            _ = unlink(temporary.path)
            throw error
        }
        if rename(temporary.path, target.path) != 0 {
            let code = errno
            _ = unlink(temporary.path)
            throw StorageError("cannot move blob \(sha) into \(root.path): errno \(code)")
        }
        try Self.synchronizeFolder(folder.path)
        return sha
    }

    /// The plaintext of a blob; `nil` when absent.
    /// - Throws: ``StorageError`` when the file was altered (it does not open, or its hash differs from its name).
    public func get(_ sha256: String) throws -> [UInt8]? {
        guard sha256.count == 64, sha256.allSatisfy(\.isHexDigit) else { return nil }
        let target = url(for: sha256)
        guard FileManager.default.fileExists(atPath: target.path) else { return nil }
        let bytes = try sealer.open(Array(try Data(contentsOf: target)), context: SealContext.blob(sha256))
        guard Self.sha256Hex(bytes) == sha256 else { throw StorageError("blob \(sha256) does not match its hash") }
        return bytes
    }

    /// Creates `folder` (owner only) when absent, and flushes its parent so the new entry is durable.
    private func makeFolder(_ folder: URL) throws {
        if mkdir(folder.path, 0o700) == 0 {
            _ = chmod(folder.path, 0o700)  // whatever the umask
            try Self.synchronizeFolder(folder.deletingLastPathComponent().path)
        } else if errno != EEXIST {
            throw StorageError("cannot create blob folder \(folder.path): errno \(errno)")
        }
    }

    /// Writes `bytes` to a new file at `path` (owner read/write only) and flushes it to disk before returning.
    static func writeDurably(_ bytes: [UInt8], to path: String) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw StorageError("cannot create \(path): errno \(errno)") }
        defer { _ = close(descriptor) }
        _ = fchmod(descriptor, 0o600)  // whatever the umask
        var written = 0
        while written < bytes.count {
            let result = bytes.withUnsafeBytes { buffer in
                write(descriptor, buffer.baseAddress! + written, buffer.count - written)
            }
            if result < 0 && errno == EINTR { continue }
            guard result > 0 else { throw StorageError("cannot write \(path): errno \(errno)") }
            written += result
        }
        guard fsync(descriptor) == 0 else { throw StorageError("cannot flush \(path) to disk: errno \(errno)") }
    }

    /// Flushes a folder's entries (a rename or a new file in it) to disk.
    static func synchronizeFolder(_ path: String) throws {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw StorageError("cannot open folder \(path): errno \(errno)") }
        defer { _ = close(descriptor) }
        guard fsync(descriptor) == 0 else { throw StorageError("cannot flush folder \(path) to disk: errno \(errno)") }
    }
}
