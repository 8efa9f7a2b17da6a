import ArchiveModel

/// A set of messages gathered for one matter (a dispute, a complaint, a regulator's request), that can be held and
/// exported as evidence.
public struct EvidenceCase: Sendable, Hashable, Codable {
    public var id: String
    public var name: String
    public var description: String
    public var createdBy: String
    /// Milliseconds.
    public var createdAt: Int64
    public var messages: Int
    /// Under legal hold since (milliseconds), or nil: held messages and their media are never disposed of.
    public var heldSince: Int64?
    public var heldBy: String?
    /// Who asked to lift the hold, waiting for a second person's approval.
    public var releaseRequestedBy: String?
    public var releaseRequestedAt: Int64?

    public var held: Bool { heldSince != nil }

    public init(id: String, name: String, description: String, createdBy: String, createdAt: Int64, messages: Int,
                heldSince: Int64? = nil, heldBy: String? = nil, releaseRequestedBy: String? = nil, releaseRequestedAt: Int64? = nil) {
        self.id = id
        self.name = name
        self.description = description
        self.createdBy = createdBy
        self.createdAt = createdAt
        self.messages = messages
        self.heldSince = heldSince
        self.heldBy = heldBy
        self.releaseRequestedBy = releaseRequestedBy
        self.releaseRequestedAt = releaseRequestedAt
    }
}

/// What a release attempt did.
public enum HoldRelease: Sendable, Hashable {
    /// The request is recorded; a second person must approve it.
    case requested
    /// Approved by a second person: the hold is lifted.
    case released(requestedBy: String)
}

/// One export of a case, as listed on it.
public struct CaseExport: Sendable, Hashable, Codable {
    public var caseID: String
    public var exportedBy: String
    /// Milliseconds.
    public var exportedAt: Int64
    /// SHA-256 of the package's signed manifest: names the package exactly.
    public var manifestSHA256: String
    public var messages: Int
    public var media: Int
    /// Whether the case was under legal hold when exported.
    public var held: Bool

    enum CodingKeys: String, CodingKey {
        case messages, media, held
        case caseID = "case_id", exportedBy = "exported_by", exportedAt = "exported_at", manifestSHA256 = "manifest_sha256"
    }

    public init(caseID: String, exportedBy: String, exportedAt: Int64, manifestSHA256: String, messages: Int, media: Int, held: Bool) {
        self.caseID = caseID
        self.exportedBy = exportedBy
        self.exportedAt = exportedAt
        self.manifestSHA256 = manifestSHA256
        self.messages = messages
        self.media = media
        self.held = held
    }
}

/// An attachment's ledger leaf, for an evidence package.
public struct MediaLeaf: Sendable, Hashable {
    public var msgid: String
    public var sdkFileID: String
    public var sha256: String
    public var size: UInt64
    public var leafIndex: UInt64

    package init(msgid: String, sdkFileID: String, sha256: String, size: UInt64, leafIndex: UInt64) {
        self.msgid = msgid
        self.sdkFileID = sdkFileID
        self.sha256 = sha256
        self.size = size
        self.leafIndex = leafIndex
    }
}

/// Cases, legal holds and their exports. Both engines keep them; every change is also an audit event on the ledger
/// (written by the caller, who knows the actor's session).
public protocol CaseStore: Sendable {
    func createCase(name: String, description: String, by actor: String) async throws -> EvidenceCase
    func cases() async throws -> [EvidenceCase]
    func evidenceCase(id: String) async throws -> EvidenceCase?
    /// Adds archived messages to a case; msgids not in the archive are refused. Returns how many were new to it.
    func addToCase(_ id: String, messages: [MessageID], by actor: String) async throws -> Int
    /// The case's messages, in archive (ledger) order.
    func caseMessageIDs(_ id: String) async throws -> [MessageID]
    func holdCase(_ id: String, by actor: String) async throws -> EvidenceCase
    /// Four-eyes: the first call records a request, a second person's call lifts the hold (``HoldRelease``).
    func releaseCase(_ id: String, by actor: String) async throws -> HoldRelease
    func recordExport(_ export: CaseExport) async throws
    func caseExports(_ id: String) async throws -> [CaseExport]
    /// Which of `messages` are in a case under legal hold: disposal must skip them and their media.
    func heldMessages(among messages: [MessageID]) async throws -> Set<MessageID>
}

/// What an evidence export reads from the ledger besides messages.
public protocol EvidenceSource: Sendable {
    /// The stored attachments of these messages, with their leaves.
    func mediaLeaves(of messages: [MessageID]) async throws -> [MediaLeaf]
    /// RFC 9162 inclusion proofs of `leaves` in the tree of the first `treeSize` records.
    func inclusionProofs(leaves: [UInt64], treeSize: UInt64) async throws -> [UInt64: [MerkleHashBytes]]
    /// RFC 9162 consistency proof between two tree sizes.
    func consistencyProof(from oldSize: UInt64, to newSize: UInt64) async throws -> [MerkleHashBytes]
    /// Messages by msgid (those the archive holds).
    func messages(ids: [MessageID]) async throws -> [StoredMessage]
}

/// A Merkle hash as 32 bytes (keeps `Ledger` out of this protocol's users' imports).
public typealias MerkleHashBytes = [UInt8]
