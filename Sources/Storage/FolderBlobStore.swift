import Crypto
import Foundation

/// Where attachments live: content-addressed by the SHA-256 of their bytes.
public protocol BlobStore: Sendable {
    /// Stores `bytes` and returns their lowercase hex SHA-256; storing the same bytes twice is a no-op.
    func put(_ bytes: [UInt8]) throws -> String
    func get(_ sha256: String) throws -> [UInt8]?
}

/// Blobs as files under a folder, `ab/cd/abcd…`, written to a temporary name and renamed into place.
public struct FolderBlobStore: BlobStore {
    public let root: URL

    public init(root: URL) throws {
        self.root = root
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
        try Data(bytes).write(to: temporary)
        if rename(temporary.path, target.path) != 0 {
            try? FileManager.default.removeItem(at: temporary)
            throw StorageError("cannot move blob \(sha) into \(root.path): errno \(errno)")
        }
        return sha
    }

    public func get(_ sha256: String) throws -> [UInt8]? {
        guard sha256.count == 64, sha256.allSatisfy(\.isHexDigit) else { return nil }
        let target = url(for: sha256)
        guard FileManager.default.fileExists(atPath: target.path) else { return nil }
        return Array(try Data(contentsOf: target))
    }
}
