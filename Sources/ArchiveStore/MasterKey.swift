import Crypto
import Foundation

/// The key that wraps the archive's data keys. It never enters the database.
///
/// It comes from `CHATLEDGER_MASTER_KEY` (base64 of 32 bytes) or a key file; for a stolen disk to show
/// nothing, keep the file on another volume (or in a secrets manager feeding the variable).
public struct MasterKey: Sendable {
    let key: SymmetricKey

    public init(bytes: [UInt8]) throws {
        guard bytes.count == 32 else { throw StorageError("a master key has 32 bytes, not \(bytes.count)") }
        key = SymmetricKey(data: bytes)
    }

    /// A new random master key.
    public static func generate() -> MasterKey { MasterKey(key: SymmetricKey(size: .bits256)) }

    private init(key: SymmetricKey) { self.key = key }

    /// Identifies the key without revealing it: the first 8 bytes of HMAC-SHA256(key, "chatledger master key").
    public var fingerprint: String {
        HMAC<SHA256>.authenticationCode(for: Data("chatledger master key".utf8), using: key)
            .prefix(8).map { String(format: "%02x", $0) }.joined()
    }

    var bytes: [UInt8] { key.withUnsafeBytes { Array($0) } }

    /// The key from the environment variable if set, else from `file`, creating the file (mode 0600) when absent.
    public static func load(file: URL, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> MasterKey {
        if let text = environment["CHATLEDGER_MASTER_KEY"] {
            guard let bytes = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines)).map(Array.init) else {
                throw StorageError("CHATLEDGER_MASTER_KEY is not base64 of 32 bytes")
            }
            return try MasterKey(bytes: bytes)
        }
        if FileManager.default.fileExists(atPath: file.path) {
            return try MasterKey(bytes: Array(try KeyFile.read(file)))
        }
        let key = MasterKey.generate()
        try KeyFile.write(key.bytes, to: file)
        return key
    }
}

/// Secret files: created with mode 0600 (in a folder made 0700 when missing), read back whole.
public enum KeyFile {
    /// Writes a new key file; the key is never readable by others, not even for a moment, and an existing file is
    /// never overwritten (two processes creating the same key at once cannot each keep a different one).
    /// - Throws: ``StorageError`` when the file exists already or cannot be written.
    public static func write(_ bytes: [UInt8], to url: URL) throws {
        try PrivateFiles.writeNewFile(bytes, to: url)
    }

    public static func read(_ url: URL) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw StorageError("cannot read the key file \(url.path)")
        }
        return Array(data)
    }
}
