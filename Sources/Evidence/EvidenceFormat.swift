import Crypto
import Foundation
import Ledger

/// The evidence package format v1: a ZIP whose every entry is named here, so the Swift writer, the Swift
/// verifier and the standalone `verify.py` agree on one contract (`docs/evidence.md`).
///
/// ## Topics
/// - ``EvidenceManifest``
/// - ``EvidenceCheckpointFile``
/// - ``EvidenceProofFile``
/// - ``EvidenceVerdict``
public enum EvidenceFormat {
    /// The value of `manifest.json`'s `format` field.
    public static let identifier = "chatledger.evidence.v1"

    /// The signed table of contents: every other entry with its SHA-256 and size.
    public static let manifestPath = "manifest.json"
    /// Base64 Ed25519 signature over the exact bytes of `manifest.json`.
    public static let manifestSignaturePath = "manifest.sig"
    /// The signed checkpoint the proofs lead to, and the newest checkpoint at export time.
    public static let checkpointPath = "checkpoint.json"
    /// The readable transcript.
    public static let transcriptPath = "index.html"
    /// The standalone verifier (Python 3 standard library and `cryptography`).
    public static let verifierPath = "verify.py"
    /// What the package proves and how to check it, in Chinese then English.
    public static let readmePath = "README.txt"

    /// Folder of the messages' raw JSON, one file per message leaf.
    public static let messagesFolder = "messages/"
    /// Folder of the attachments, named by SHA-256.
    public static let mediaFolder = "media/"
    /// Folder of the inclusion proofs, one per message or media leaf.
    public static let proofsFolder = "proofs/"

    /// `messages/<leaf index>.json`: the leaf index in decimal, without padding.
    public static func messagePath(_ leafIndex: UInt64) -> String { "\(messagesFolder)\(leafIndex).json" }

    /// `media/<sha256 hex>`, lowercase, so the name itself says what the bytes must hash to.
    public static func mediaPath(_ sha256Hex: String) -> String { mediaFolder + sha256Hex.lowercased() }

    /// `media/<sha256 hex>` for raw digest bytes.
    public static func mediaPath(sha256: [UInt8]) -> String { mediaFolder + hex(sha256) }

    /// `proofs/<leaf index>.json`.
    public static func proofPath(_ leafIndex: UInt64) -> String { "\(proofsFolder)\(leafIndex).json" }

    /// The JSON encoding every package file uses: sorted keys, pretty printed, slashes unescaped, so two
    /// exports of the same selection are byte-identical and a reader can diff them.
    /// - Throws: `EncodingError` when `value` cannot be encoded.
    public static func json<Value: Encodable>(_ value: Value) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return Array(try encoder.encode(value))
    }

    /// An ISO 8601 UTC time to the second (`2026-12-03T19:00:00Z`), the form of `exported_at`.
    public static func timestamp(_ date: Date) -> String {
        // A formatter per call: it is not Sendable, and an export formats one date.
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }

    // MARK: - Shared by the writer and the verifier

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Lowercase hex of `bytes`.
    static func hex<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.underestimatedCount * 2)
        for byte in bytes {
            out.append(hexDigits[Int(byte >> 4)])
            out.append(hexDigits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Whether a ZIP entry name is unsafe to unpack: empty, holding "..", a backslash or a NUL, or absolute.
    static func isUnsafe(_ path: String) -> Bool {
        path.isEmpty || path.contains("..") || path.hasPrefix("/") || path.contains("\\") || path.contains("\0")
    }

    /// Whether `path` is one of the names a v1 package may hold; a verifier refuses any other name, even one the
    /// manifest lists, so a package cannot smuggle files that no check reads.
    public static func isAllowedName(_ path: String) -> Bool {
        let fixed: Set<String> = [checkpointPath, transcriptPath, verifierPath, readmePath, manifestPath, manifestSignaturePath]
        if fixed.contains(path) { return true }
        if leafIndex(inPath: path, folder: messagesFolder, suffix: ".json") != nil { return true }
        if leafIndex(inPath: path, folder: proofsFolder, suffix: ".json") != nil { return true }
        guard path.hasPrefix(mediaFolder) else { return false }
        let digest = path.utf8.dropFirst(mediaFolder.utf8.count)
        return digest.count == 64 && digest.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains($0) }
    }

    /// The leaf index of a canonical `<folder><decimal><suffix>` name (no sign, no leading zero), else `nil`.
    ///
    /// Only canonical names count, so `proofs/07.json` cannot stand beside `proofs/7.json` as a second
    /// proof of leaf 7.
    static func leafIndex(inPath path: String, folder: String, suffix: String) -> UInt64? {
        guard path.hasPrefix(folder), path.hasSuffix(suffix), path.utf8.count > folder.utf8.count + suffix.utf8.count else {
            return nil
        }
        let digits = path.utf8.dropFirst(folder.utf8.count).dropLast(suffix.utf8.count)
        guard digits.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
              digits.count == 1 || digits.first != UInt8(ascii: "0") else { return nil }
        return UInt64(String(decoding: digits, as: UTF8.self))
    }
}

/// `manifest.json`: what the package holds, who exported it, and the SHA-256 and size of every entry
/// except `manifest.json` and `manifest.sig`. Its exact bytes are signed by the checkpoint key.
public struct EvidenceManifest: Codable, Sendable, Hashable {
    /// Always ``EvidenceFormat/identifier``.
    public var format: String
    /// The archive's checkpoint origin; must equal `checkpoint.json`'s.
    public var origin: String
    /// The case the export was made for, or `nil` (JSON `null`) for an ad-hoc export.
    public var caseReference: CaseReference?
    /// What was selected: `"kind"` is `"case"` or `"conversation"`; the other keys are free-form.
    public var scope: [String: String]
    /// Who exported the package (console username).
    public var exportedBy: String
    /// ISO 8601 UTC, see ``EvidenceFormat/timestamp(_:)``.
    public var exportedAt: String
    /// Number of message proofs in the package.
    public var messages: Int
    /// Number of media proofs in the package.
    public var media: Int
    /// Every entry except `manifest.json` and `manifest.sig`, sorted by path.
    public var files: [File]

    /// - Parameters:
    ///   - files: Usually left empty: ``EvidencePackageWriter/finish(_:signingKey:)`` fills it in.
    public init(format: String = EvidenceFormat.identifier, origin: String, caseReference: CaseReference?,
                scope: [String: String], exportedBy: String, exportedAt: String, messages: Int, media: Int,
                files: [File] = []) {
        self.format = format
        self.origin = origin
        self.caseReference = caseReference
        self.scope = scope
        self.exportedBy = exportedBy
        self.exportedAt = exportedAt
        self.messages = messages
        self.media = media
        self.files = files
    }

    /// The case an export belongs to (`"case"` in JSON).
    public struct CaseReference: Codable, Sendable, Hashable {
        /// The case's id in the console.
        public var id: String
        /// The case's name as investigators know it.
        public var name: String
        /// Free text: why the case was opened.
        public var description: String

        /// A case reference with every field given.
        public init(id: String, name: String, description: String) {
            self.id = id
            self.name = name
            self.description = description
        }
    }

    /// One entry of the package.
    public struct File: Codable, Sendable, Hashable {
        /// Path inside the ZIP.
        public var path: String
        /// SHA-256 of the entry's uncompressed bytes, lowercase hex.
        public var sha256: String
        /// Uncompressed size in bytes.
        public var size: UInt64

        /// An entry as the manifest lists it.
        public init(path: String, sha256: String, size: UInt64) {
            self.path = path
            self.sha256 = sha256
            self.size = size
        }
    }

    enum CodingKeys: String, CodingKey {
        case format, origin, scope, messages, media, files
        case caseReference = "case"
        case exportedBy = "exported_by"
        case exportedAt = "exported_at"
    }

    /// Encodes a missing case as `null` rather than leaving the key out, as the spec writes it.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(format, forKey: .format)
        try container.encode(origin, forKey: .origin)
        try container.encode(caseReference, forKey: .caseReference)
        try container.encode(scope, forKey: .scope)
        try container.encode(exportedBy, forKey: .exportedBy)
        try container.encode(exportedAt, forKey: .exportedAt)
        try container.encode(messages, forKey: .messages)
        try container.encode(media, forKey: .media)
        try container.encode(files, forKey: .files)
    }
}

/// `checkpoint.json`: the earliest signed checkpoint covering every leaf of the package, the archive's newest
/// checkpoint at export time, and the consistency proof between them, so a reader holding either root can
/// tie the package to it.
public struct EvidenceCheckpointFile: Codable, Sendable, Hashable {
    /// The log's origin line; must equal the manifest's.
    public var origin: String
    /// Leaves covered by the checkpoint; every proof in the package is at this size.
    public var treeSize: UInt64
    /// Root hash, hex.
    public var root: String
    /// Unix time in milliseconds.
    public var timeMs: Int64
    /// The exact signed text: `<origin>\n<tree_size>\n<root base64>\n<time_ms>\n`.
    public var note: String
    /// Base64 Ed25519 signature over the note's UTF-8 bytes.
    public var signature: String
    /// PEM `PUBLIC KEY` of the signing key, for a self-consistency check only: origin is proven only
    /// against a key obtained independently.
    public var publicKeyPem: String
    /// ``SigningKeyFormat/keyID(_:)`` of the key.
    public var keyId: String
    /// Base64 DER RFC 3161 token over SHA-256 of the note, or `nil` (JSON `null`).
    public var timestampToken: String?
    /// The archive's newest checkpoint at export time.
    public var latest: Latest
    /// RFC 9162 consistency proof from this checkpoint to ``latest``, hex; empty when they are the same tree.
    public var consistencyProof: [String]

    /// A checkpoint file with every field given (as decoded, or for a test to forge).
    public init(origin: String, treeSize: UInt64, root: String, timeMs: Int64, note: String, signature: String,
                publicKeyPem: String, keyId: String, timestampToken: String?, latest: Latest, consistencyProof: [String]) {
        self.origin = origin
        self.treeSize = treeSize
        self.root = root
        self.timeMs = timeMs
        self.note = note
        self.signature = signature
        self.publicKeyPem = publicKeyPem
        self.keyId = keyId
        self.timestampToken = timestampToken
        self.latest = latest
        self.consistencyProof = consistencyProof
    }

    /// Builds the file from the ledger's checkpoints.
    /// - Parameters:
    ///   - checkpoint: The package checkpoint (it covers every leaf in the package).
    ///   - latest: The archive's newest checkpoint; same origin, tree size at least `checkpoint`'s.
    ///   - consistencyProof: `MerkleProofs.consistencyProof(oldSize: checkpoint.treeSize, newSize: latest.treeSize, …)`.
    ///   - publicKey: The key both checkpoints are signed with.
    public init(checkpoint: Checkpoint, latest: Checkpoint, consistencyProof: [MerkleHash],
                publicKey: Curve25519.Signing.PublicKey) {
        self.init(origin: checkpoint.origin, treeSize: checkpoint.treeSize, root: checkpoint.root.hex,
                  timeMs: checkpoint.timeMilliseconds, note: String(decoding: checkpoint.note, as: UTF8.self),
                  signature: Data(checkpoint.signature).base64EncodedString(),
                  publicKeyPem: SigningKeyFormat.pem(publicKey), keyId: SigningKeyFormat.keyID(publicKey),
                  timestampToken: checkpoint.timestampToken.map { Data($0).base64EncodedString() },
                  latest: Latest(checkpoint: latest), consistencyProof: consistencyProof.map(\.hex))
    }

    /// The newest checkpoint at export time. Its origin is the enclosing file's.
    public struct Latest: Codable, Sendable, Hashable {
        /// At least the package checkpoint's tree size.
        public var treeSize: UInt64
        /// Root hash, hex.
        public var root: String
        /// Unix time in milliseconds.
        public var timeMs: Int64
        /// The exact signed text, with the enclosing file's origin.
        public var note: String
        /// Base64 Ed25519 signature over the note's UTF-8 bytes.
        public var signature: String

        /// A latest checkpoint with every field given.
        public init(treeSize: UInt64, root: String, timeMs: Int64, note: String, signature: String) {
            self.treeSize = treeSize
            self.root = root
            self.timeMs = timeMs
            self.note = note
            self.signature = signature
        }

        /// Copies a ledger checkpoint (its origin is implied by the enclosing file).
        public init(checkpoint: Checkpoint) {
            self.init(treeSize: checkpoint.treeSize, root: checkpoint.root.hex, timeMs: checkpoint.timeMilliseconds,
                      note: String(decoding: checkpoint.note, as: UTF8.self),
                      signature: Data(checkpoint.signature).base64EncodedString())
        }

        enum CodingKeys: String, CodingKey {
            case root, note, signature
            case treeSize = "tree_size"
            case timeMs = "time_ms"
        }
    }

    enum CodingKeys: String, CodingKey {
        case origin, root, note, signature, latest
        case treeSize = "tree_size"
        case timeMs = "time_ms"
        case publicKeyPem = "public_key_pem"
        case keyId = "key_id"
        case timestampToken = "timestamp_token"
        case consistencyProof = "consistency_proof"
    }

    /// Encodes a missing time-stamp token as `null` rather than leaving the key out.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(origin, forKey: .origin)
        try container.encode(treeSize, forKey: .treeSize)
        try container.encode(root, forKey: .root)
        try container.encode(timeMs, forKey: .timeMs)
        try container.encode(note, forKey: .note)
        try container.encode(signature, forKey: .signature)
        try container.encode(publicKeyPem, forKey: .publicKeyPem)
        try container.encode(keyId, forKey: .keyId)
        try container.encode(timestampToken, forKey: .timestampToken)
        try container.encode(latest, forKey: .latest)
        try container.encode(consistencyProof, forKey: .consistencyProof)
    }
}

/// `proofs/<leaf index>.json`: one leaf's bytes and its RFC 9162 inclusion proof at the package checkpoint.
public struct EvidenceProofFile: Codable, Sendable, Hashable {
    /// The leaf's index in the log; equals the N of `proofs/N.json`.
    public var leafIndex: UInt64
    /// Equals `checkpoint.json`'s `tree_size`.
    public var treeSize: UInt64
    /// Base64 (standard, padded) of the leaf bytes (``LeafEncoding``).
    public var leaf: String
    /// The audit path, bottom-up, hex.
    public var inclusionProof: [String]

    /// A proof file with every field given, already encoded.
    public init(leafIndex: UInt64, treeSize: UInt64, leaf: String, inclusionProof: [String]) {
        self.leafIndex = leafIndex
        self.treeSize = treeSize
        self.leaf = leaf
        self.inclusionProof = inclusionProof
    }

    /// Builds the file from leaf bytes and a proof from `MerkleProofs.inclusionProof(index:size:node:)`.
    public init(leafIndex: UInt64, treeSize: UInt64, leaf: [UInt8], inclusionProof: [MerkleHash]) {
        self.init(leafIndex: leafIndex, treeSize: treeSize, leaf: Data(leaf).base64EncodedString(),
                  inclusionProof: inclusionProof.map(\.hex))
    }

    enum CodingKeys: String, CodingKey {
        case leaf
        case leafIndex = "leaf_index"
        case treeSize = "tree_size"
        case inclusionProof = "inclusion_proof"
    }
}

/// The outcome of verifying a package, as both verifiers print it with `--json`.
///
/// `ok == false` with ``failedCheck`` `nil` means the file could not be read as a ZIP at all (the CLI's
/// exit status 2); with a check, the package was read and that check failed (exit status 1). Values are reported
/// only once verified: the checkpoint's once check 4 passed, the counts once check 6 passed, else `nil`.
public struct EvidenceVerdict: Codable, Sendable, Hashable {
    /// Where the verifying key came from.
    public enum KeySource: String, Codable, Sendable, Hashable {
        /// `--public-key`: origin is proven against a key obtained independently.
        case given
        /// `checkpoint.json`'s own key: the package is only shown to be self-consistent.
        case package
    }

    /// The seven checks, in the order they run.
    public enum Check: Int, Sendable, Hashable, CaseIterable, CustomStringConvertible {
        case key = 1
        case manifestSignature = 2
        case files = 3
        case checkpoint = 4
        case inclusion = 5
        case leaves = 6
        case transcript = 7

        /// A short name for logs and the CLI ("files", "inclusion proofs").
        public var description: String {
            // verify.py's STEPS: the failure sentence starts "check <n> (<name>): ".
            switch self {
            case .key: "signing key"
            case .manifestSignature: "manifest signature"
            case .files: "files match the manifest"
            case .checkpoint: "checkpoints and consistency"
            case .inclusion: "inclusion proofs"
            case .leaves: "leaves match the files"
            case .transcript: "transcript index.html"
            }
        }
    }

    /// Whether every check passed.
    public var ok: Bool
    /// The first failure, `check <n> (<name>): <sentence naming the file or leaf>`; `nil` when `ok`.
    public var failure: String?
    /// Message proofs in the package, once check 6 passed.
    public var messages: Int?
    /// Media proofs in the package, once check 6 passed.
    public var media: Int?
    /// The package checkpoint's tree size, once check 4 passed.
    public var treeSize: UInt64?
    /// The package checkpoint's root, lowercase hex, once check 4 passed.
    public var root: String?
    /// The package checkpoint's time, Unix milliseconds, once check 4 passed.
    public var checkpointTimeMs: Int64?
    /// ``SigningKeyFormat/keyID(_:)`` of the verifying key: the given key's from the start, the package's once
    /// check 1 passed without a given key.
    public var keyId: String?
    /// Where the verifying key comes from.
    public var keySource: KeySource
    /// Which check failed; not part of the JSON verdict.
    public var failedCheck: Check? = nil

    /// A verdict with every field given.
    public init(ok: Bool, failure: String?, messages: Int?, media: Int?, treeSize: UInt64?, root: String?,
                checkpointTimeMs: Int64?, keyId: String?, keySource: KeySource, failedCheck: Check? = nil) {
        self.ok = ok
        self.failure = failure
        self.messages = messages
        self.media = media
        self.treeSize = treeSize
        self.root = root
        self.checkpointTimeMs = checkpointTimeMs
        self.keyId = keyId
        self.keySource = keySource
        self.failedCheck = failedCheck
    }

    /// Whether only self-consistency was shown (no independently obtained key was given).
    public var isSelfConsistentOnly: Bool { keySource == .package }

    enum CodingKeys: String, CodingKey {
        case ok, failure, messages, media, root
        case treeSize = "tree_size"
        case checkpointTimeMs = "checkpoint_time_ms"
        case keyId = "key_id"
        case keySource = "key_source"
    }

    /// Encodes unknown values as `null` so the verdict always has the same keys.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(ok, forKey: .ok)
        try container.encode(failure, forKey: .failure)
        try container.encode(messages, forKey: .messages)
        try container.encode(media, forKey: .media)
        try container.encode(treeSize, forKey: .treeSize)
        try container.encode(root, forKey: .root)
        try container.encode(checkpointTimeMs, forKey: .checkpointTimeMs)
        try container.encode(keyId, forKey: .keyId)
        try container.encode(keySource, forKey: .keySource)
    }
}
