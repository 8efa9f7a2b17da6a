import ArchiveModel
import Crypto
import Foundation
import Ledger

/// A message's leaf, its audit path and the signed checkpoint it leads to: verifiable offline.
public struct InclusionProofBundle: Sendable, Codable {
    public var leafIndex: UInt64
    public var leaf: [UInt8]
    public var proof: [MerkleHash]
    public var checkpoint: Checkpoint

    public init(leafIndex: UInt64, leaf: [UInt8], proof: [MerkleHash], checkpoint: Checkpoint) {
        self.leafIndex = leafIndex
        self.leaf = leaf
        self.proof = proof
        self.checkpoint = checkpoint
    }

    /// Checks the signature and the path; returns the reason when either fails.
    public func verify(publicKey: Curve25519.Signing.PublicKey) -> String? {
        guard checkpoint.isSigned(by: publicKey) else { return "the checkpoint's signature does not verify with this public key" }
        guard MerkleProofs.verifyInclusion(leaf: MerkleHash.leaf(leaf), index: leafIndex, size: checkpoint.treeSize,
                                           proof: proof, root: checkpoint.root) else {
            return "the leaf is not in the tree this checkpoint signs"
        }
        return nil
    }
}
