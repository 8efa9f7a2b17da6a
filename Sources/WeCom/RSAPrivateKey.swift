import COpenSSL
import Crypto
import CryptoExtras

/// An RSA private key that undoes `encrypt_random_key` (RSA-2048, PKCS#1 v1.5 padding).
public protocol RSAKeyDecrypting: Sendable {
    func decrypt(_ ciphertext: [UInt8]) throws(WeComError) -> [UInt8]
}

/// Which RSA implementation serves the hot path.
public enum RSABackend: String, Sendable, CaseIterable {
    /// The system's OpenSSL libcrypto: about 3× faster on CPUs with AVX-512 IFMA.
    case openssl
    /// swift-crypto (BoringSSL).
    case swiftCrypto = "swift-crypto"

    /// Parses a PEM private key (PKCS#1 `RSA PRIVATE KEY` or PKCS#8 `PRIVATE KEY`).
    public func privateKey(pem: String) throws(WeComError) -> any RSAKeyDecrypting {
        switch self {
        case .openssl: try OpenSSLRSAPrivateKey(pem: pem)
        case .swiftCrypto: try SwiftCryptoRSAPrivateKey(pem: pem)
        }
    }
}

/// RSA decryption through the system libcrypto.
final class OpenSSLRSAPrivateKey: RSAKeyDecrypting, @unchecked Sendable {
    // EVP_PKEY is immutable after loading; each decryption makes its own EVP_PKEY_CTX, so
    // concurrent use from several threads is safe (OpenSSL 3 threading rules).
    private let key: OpaquePointer

    init(pem: String) throws(WeComError) {
        let bytes = Array(pem.utf8)
        let loaded: OpaquePointer? = bytes.withUnsafeBytes { buffer in
            guard let bio = BIO_new_mem_buf(buffer.baseAddress, Int32(buffer.count)) else { return nil }
            defer { BIO_free(bio) }
            return PEM_read_bio_PrivateKey(bio, nil, nil, nil)
        }
        guard let loaded else {
            ERR_clear_error()
            throw WeComError(.invalidKey, "not a PEM RSA private key (expected BEGIN RSA PRIVATE KEY or BEGIN PRIVATE KEY)")
        }
        guard EVP_PKEY_get_bits(loaded) >= 1024, EVP_PKEY_is_a(loaded, "RSA") == 1 else {
            EVP_PKEY_free(loaded)
            throw WeComError(.invalidKey, "the PEM key is not an RSA key of at least 1024 bits")
        }
        key = loaded
    }

    deinit { EVP_PKEY_free(key) }

    func decrypt(_ ciphertext: [UInt8]) throws(WeComError) -> [UInt8] {
        guard let context = EVP_PKEY_CTX_new(key, nil) else {
            throw WeComError(.rsaDecryptFailed, "OpenSSL could not allocate a context")
        }
        defer { EVP_PKEY_CTX_free(context) }
        var output = [UInt8](repeating: 0, count: 512)
        var outputLength = output.count
        guard EVP_PKEY_decrypt_init(context) == 1, EVP_PKEY_CTX_set_rsa_padding(context, RSA_PKCS1_PADDING) == 1 else {
            ERR_clear_error()
            throw WeComError(.rsaDecryptFailed, "OpenSSL refused PKCS#1 v1.5 padding for this key")
        }
        let done = output.withUnsafeMutableBytes { out in
            EVP_PKEY_decrypt(context, out.baseAddress, &outputLength, ciphertext, ciphertext.count) == 1
        }
        guard done else {
            ERR_clear_error()
            throw WeComError(.rsaDecryptFailed, "RSA PKCS#1 v1.5 decryption failed: the key does not match this publickey_ver")
        }
        return Array(output[0..<outputLength])
    }
}

/// RSA decryption through swift-crypto (BoringSSL).
// The BoringSSL key is immutable after parsing and safe to share across threads.
struct SwiftCryptoRSAPrivateKey: RSAKeyDecrypting, @unchecked Sendable {
    let key: _RSA.Encryption.PrivateKey

    init(pem: String) throws(WeComError) {
        do {
            key = try _RSA.Encryption.PrivateKey(pemRepresentation: pem)
        } catch {
            throw WeComError(.invalidKey, "not a PEM RSA private key of 2048 bits or more")
        }
    }

    func decrypt(_ ciphertext: [UInt8]) throws(WeComError) -> [UInt8] {
        do {
            return Array(try key.decrypt(ciphertext, padding: ._WEAK_AND_INSECURE_PKCS_V1_5))
        } catch {
            throw WeComError(.rsaDecryptFailed, "RSA PKCS#1 v1.5 decryption failed: the key does not match this publickey_ver")
        }
    }
}
