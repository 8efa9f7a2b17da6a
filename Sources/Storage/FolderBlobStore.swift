import Crypto
import Foundation

/// Where attachments live: content-addressed by the SHA-256 of their bytes.
public protocol BlobStore: Sendable {
    /// Stores `bytes` and returns their lowercase hex SHA-256; storing the same bytes twice is a no-op.
    func put(_ bytes: [UInt8]) async throws -> String
    func get(_ sha256: String) async throws -> [UInt8]?
}

/// Blobs as files under a folder, `ab/cd/abcd…`, sealed with the archive's data keys, written to a
/// temporary name and renamed into place. The name is the SHA-256 of the plaintext (the content address).
public struct FolderBlobStore: BlobStore {
    public let root: URL
    let sealer: Sealer

    public init(root: URL, sealer: Sealer) throws {
        self.root = root
        self.sealer = sealer
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
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
        try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        let temporary = target.deletingLastPathComponent().appendingPathComponent(".\(sha).\(UUID().uuidString).tmp")
        try Data(try sealer.seal(bytes, context: SealContext.blob(sha))).write(to: temporary)
        if rename(temporary.path, target.path) != 0 {
            try? FileManager.default.removeItem(at: temporary)
            throw StorageError("cannot move blob \(sha) into \(root.path): errno \(errno)")
        }
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
}
