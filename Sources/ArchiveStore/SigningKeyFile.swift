import Crypto
import Foundation

/// The deployment's Ed25519 checkpoint key: 32 raw bytes in a 0600 file, outside the database.
public enum SigningKeyFile {
    public static func loadOrCreate(_ url: URL) throws -> Curve25519.Signing.PrivateKey {
        if FileManager.default.fileExists(atPath: url.path) {
            do {
                return try Curve25519.Signing.PrivateKey(rawRepresentation: try KeyFile.read(url))
            } catch {
                throw StorageError("\(url.path) is not an Ed25519 private key (32 raw bytes)")
            }
        }
        let key = Curve25519.Signing.PrivateKey()
        try KeyFile.write(Array(key.rawRepresentation), to: url)
        return key
    }
}
