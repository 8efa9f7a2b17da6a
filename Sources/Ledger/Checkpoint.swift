import Crypto
import Foundation

/// A signed statement of the log's size and root at a moment: what a verifier trusts.
///
/// The signed bytes are a short text note (one field per line), so anyone can check a checkpoint with
/// standard Ed25519 tools: `<origin>\n<tree size>\n<root, base64>\n<unix time in ms>\n`.
public struct Checkpoint: Sendable, Hashable, Codable {
    public var origin: String
    public var treeSize: UInt64
    public var root: MerkleHash
    public var timeMilliseconds: Int64
    /// Ed25519 signature of ``note``.
    public var signature: [UInt8]
    /// Optional RFC 3161 time-stamp token (DER) over SHA-256 of ``note``.
    public var timestampToken: [UInt8]?

    public init(origin: String, treeSize: UInt64, root: MerkleHash, timeMilliseconds: Int64, signature: [UInt8],
                timestampToken: [UInt8]? = nil) {
        self.origin = origin
        self.treeSize = treeSize
        self.root = root
        self.timeMilliseconds = timeMilliseconds
        self.signature = signature
        self.timestampToken = timestampToken
    }

    /// The exact bytes the signature covers.
    public var note: [UInt8] { Self.note(origin: origin, treeSize: treeSize, root: root, time: timeMilliseconds) }

    static func note(origin: String, treeSize: UInt64, root: MerkleHash, time: Int64) -> [UInt8] {
        Array("\(origin)\n\(treeSize)\n\(Data(root.bytes).base64EncodedString())\n\(time)\n".utf8)
    }

    /// Signs a new checkpoint.
    public static func sign(origin: String, treeSize: UInt64, root: MerkleHash, timeMilliseconds: Int64,
                            key: Curve25519.Signing.PrivateKey) throws -> Checkpoint {
        let signature = try key.signature(for: note(origin: origin, treeSize: treeSize, root: root, time: timeMilliseconds))
        return Checkpoint(origin: origin, treeSize: treeSize, root: root, timeMilliseconds: timeMilliseconds,
                          signature: Array(signature))
    }

    /// Whether `publicKey` signed this checkpoint.
    public func isSigned(by publicKey: Curve25519.Signing.PublicKey) -> Bool {
        publicKey.isValidSignature(signature, for: note)
    }
}

/// The deployment's checkpoint signing key, and its public half in the forms verifiers use.
public enum SigningKeyFormat {
    /// SubjectPublicKeyInfo DER prefix of an Ed25519 key (RFC 8410).
    static let spkiPrefix: [UInt8] = [0x30, 0x2A, 0x30, 0x05, 0x06, 0x03, 0x2B, 0x65, 0x70, 0x03, 0x21, 0x00]

    /// PEM `PUBLIC KEY` (SPKI), readable by `openssl pkey -pubin`.
    public static func pem(_ key: Curve25519.Signing.PublicKey) -> String {
        let base64 = Data(spkiPrefix + Array(key.rawRepresentation)).base64EncodedString()
        return "-----BEGIN PUBLIC KEY-----\n\(base64)\n-----END PUBLIC KEY-----\n"
    }

    /// Reads a PEM `PUBLIC KEY` (or bare base64 of the 32 raw bytes).
    public static func publicKey(pem: String) throws -> Curve25519.Signing.PublicKey {
        let body = pem.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
        guard let der = Data(base64Encoded: body).map(Array.init) else { throw LedgerError("the public key is not PEM or base64") }
        let raw = der.count == 44 && der.starts(with: spkiPrefix) ? Array(der.suffix(32)) : der
        do {
            return try Curve25519.Signing.PublicKey(rawRepresentation: raw)
        } catch {
            throw LedgerError("the public key is not an Ed25519 key")
        }
    }

    /// A short id of the key: the first 8 bytes of SHA-256 of its raw bytes, hex.
    public static func keyID(_ key: Curve25519.Signing.PublicKey) -> String {
        SHA256.hash(data: key.rawRepresentation).prefix(8).map { String(format: "%02x", $0) }.joined()
    }
}
