import ArchiveModel
import Crypto
import Ledger

/// The tamper-evident log of an archive: checkpoints, proofs, audit leaves and full verification.
/// The embedded (SQLite) and PostgreSQL archives implement it with the same leaf encoding, so an archive moved
/// from one to the other keeps its root.
public protocol LedgeredArchive: Sendable {
    /// Names this archive's log in its checkpoints (`chatledger/<uuid>`).
    var origin: String { get }
    /// Seals records and blobs under this archive's data keys.
    var sealer: Sealer { get }
    func treeSize() async throws -> UInt64
    @discardableResult
    func writeCheckpoint(signingKey: Curve25519.Signing.PrivateKey,
                         timestamp: (@Sendable ([UInt8]) async throws -> [UInt8]?)?) async throws -> Checkpoint?
    func checkpoints() async throws -> [Checkpoint]
    func inclusionProof(msgid: String) async throws -> InclusionProofBundle
    /// Checks the ledger, checkpoints and blobs; unless `quick`, also re-derives every stored column, index entry and
    /// counter from the verified raw JSON and reports each that differs (`VerifyReport.problems`).
    func verify(publicKey: Curve25519.Signing.PublicKey, blobs: (any BlobStore)?, quick: Bool,
                progress: @escaping @Sendable (Int, Int) -> Void) async throws -> VerifyReport
    @discardableResult
    func appendAudit(_ event: AuditEvent) async throws -> StoredAuditEvent
    /// The blob hashes of a message's attachments, in the order they were fetched.
    func mediaHashes(of id: MessageID) async throws -> [String]
    /// The same for a page of messages, in one query (a page shows up to 500).
    func mediaHashes(of ids: [MessageID]) async throws -> [MessageID: [String]]
}

extension LedgeredArchive {
    @discardableResult
    public func writeCheckpoint(signingKey: Curve25519.Signing.PrivateKey) async throws -> Checkpoint? {
        try await writeCheckpoint(signingKey: signingKey, timestamp: nil)
    }

    public func verify(publicKey: Curve25519.Signing.PublicKey, blobs: (any BlobStore)?) async throws -> VerifyReport {
        try await verify(publicKey: publicKey, blobs: blobs, quick: false, progress: { _, _ in })
    }

    public func verify(publicKey: Curve25519.Signing.PublicKey, blobs: (any BlobStore)?,
                       progress: @escaping @Sendable (Int, Int) -> Void) async throws -> VerifyReport {
        try await verify(publicKey: publicKey, blobs: blobs, quick: false, progress: progress)
    }
}
