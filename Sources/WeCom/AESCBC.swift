import Crypto
import CryptoExtras

/// AES-256-CBC as the Finance SDK applies it: IV = the first 16 bytes of the blob, PKCS#7 padding,
/// key = the first 32 bytes of the key text, zero-padded when shorter.
public enum SdkAESCBC {
    public static func key(fromText text: String) -> SymmetricKey {
        var bytes = Array(text.utf8.prefix(32))
        bytes += [UInt8](repeating: 0, count: 32 - bytes.count)
        return SymmetricKey(data: bytes)
    }

    /// Decrypts `blob` (IV ‖ ciphertext). Returns `nil` on any failure: wrong size, bad padding.
    public static func decrypt(blob: [UInt8], keyText: String) -> [UInt8]? {
        guard blob.count >= 32, blob.count % 16 == 0 else { return nil }
        guard let iv = try? AES._CBC.IV(ivBytes: blob[0..<16]) else { return nil }
        guard let plain = try? AES._CBC.decrypt(blob[16...], using: key(fromText: keyText), iv: iv) else { return nil }
        return Array(plain)
    }

    /// Encrypts `plain` and returns IV ‖ ciphertext (used by the simulator to produce real envelopes).
    public static func encrypt(_ plain: [UInt8], keyText: String, iv: [UInt8]) throws -> [UInt8] {
        let ciphertext = try AES._CBC.encrypt(plain, using: key(fromText: keyText), iv: AES._CBC.IV(ivBytes: iv))
        return iv + Array(ciphertext)
    }
}
