import ArchiveStore
import ArgumentParser
import Crypto
import Foundation
import Ledger

struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Re-derive the ledger from every stored record; check every checkpoint and blob, and every message column, search-index entry, conversation counter, recall link and case derived from the ledger; exit 1 naming the first mismatch.")

    @OptionGroup var archive: ArchiveOptions
    @Option(help: "The deployment's public key (PEM). Default: the key beside the archive.") var publicKey: String?
    @Flag(help: "Check only the ledger, checkpoints and blobs, not the columns, index and counters derived from messages.")
    var quick = false
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        let store = try await archive.openAnyArchive()
        let key = try publicKey.map { try SigningKeyFormat.publicKey(pem: String(contentsOfFile: $0, encoding: .utf8)) }
            ?? archive.signingKey().publicKey
        let progress = ProgressBox(ProgressLine("verifying", total: nil))
        let report = try await store.verify(publicKey: key, blobs: try archive.anyBlobStore(sealer: store.sealer), quick: quick) { done, _ in
            progress.update(done)
        }
        progress.finish()
        if json {
            try JSONOutput.print(report)
        } else if let failure = report.failure {
            print("FAILED after \(report.records) records: \(failure)")
            for problem in report.problems { print("  \(problem)") }
            if report.problemCount > report.problems.count {
                print("  … and \(report.problemCount - report.problems.count) more (fix these first, then verify again)")
            }
        } else {
            if quick { print("(quick: the ledger, checkpoints and blobs only; the columns, index and counters users see were not checked)") }
            print("OK: \(report.records) records (\(report.messages) messages, \(report.media) attachments), \(report.blobs) blobs, \(report.checkpoints) checkpoints; tree size \(report.treeSize), root \(report.root ?? "-"); \(Int(report.recordsPerSecond)) records/s")
        }
        if report.failure != nil { throw ExitCode(1) }
    }
}

struct ProveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prove", abstract: "Print a message's leaf, inclusion proof and the signed checkpoint, for offline verification.")

    @OptionGroup var archive: ArchiveOptions
    @Argument(help: "The msgid.") var msgid: String
    @Flag(help: "Print JSON (the only format).") var json = false

    func run() async throws {
        let store = try await archive.openAnyArchive()
        let bundle = try await store.inclusionProof(msgid: msgid)
        try JSONOutput.print(ProofFile(bundle, publicKey: try archive.signingKey().publicKey))
    }
}

struct VerifyProofCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify-proof", abstract: "Check a `prove` file offline against the deployment's public key.")

    @Argument(help: "The proof file written by `chatledger prove --json`.") var file: String
    @Option(help: "The deployment's public key (PEM), from `chatledger keys export-public`.") var publicKey: String
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        let proof = try JSONDecoder().decode(ProofFile.self, from: Data(contentsOf: URL(fileURLWithPath: file)))
        let key = try SigningKeyFormat.publicKey(pem: String(contentsOfFile: publicKey, encoding: .utf8))
        let problem = try proof.bundle().verify(publicKey: key)
        if json {
            try JSONOutput.print(["ok": problem == nil ? "true" : "false", "reason": problem ?? "", "msgid": proof.msgid ?? ""])
        } else if let problem {
            print("NOT VERIFIED: \(problem)")
        } else {
            print("VERIFIED: message \(proof.msgid ?? "?") is leaf \(proof.leaf_index) of the \(proof.checkpoint.tree_size)-record log signed at \(proof.checkpoint.time_ms) ms")
        }
        if problem != nil { throw ExitCode(1) }
    }
}

/// The JSON a proof travels in: plain hex and base64, readable by any tool.
struct ProofFile: Codable {
    struct CheckpointJSON: Codable {
        var origin: String
        var tree_size: UInt64
        var root: String
        var time_ms: Int64
        var signature: String
        var note: String
    }
    var msgid: String?
    var leaf_index: UInt64
    var leaf: String
    var leaf_hash: String
    var inclusion_proof: [String]
    var checkpoint: CheckpointJSON
    var public_key: String?

    init(_ bundle: InclusionProofBundle, publicKey: Curve25519.Signing.PublicKey) {
        if case .message(_, let msgid, _) = LeafEncoding.decode(bundle.leaf) { self.msgid = msgid }
        leaf_index = bundle.leafIndex
        leaf = Data(bundle.leaf).base64EncodedString()
        leaf_hash = MerkleHash.leaf(bundle.leaf).hex
        inclusion_proof = bundle.proof.map(\.hex)
        checkpoint = CheckpointJSON(origin: bundle.checkpoint.origin, tree_size: bundle.checkpoint.treeSize,
                                    root: bundle.checkpoint.root.hex, time_ms: bundle.checkpoint.timeMilliseconds,
                                    signature: Data(bundle.checkpoint.signature).base64EncodedString(),
                                    note: String(decoding: bundle.checkpoint.note, as: UTF8.self))
        public_key = SigningKeyFormat.pem(publicKey)
    }

    func bundle() throws -> InclusionProofBundle {
        guard let leafBytes = Data(base64Encoded: leaf), let root = MerkleHash(hex: checkpoint.root),
              let signature = Data(base64Encoded: checkpoint.signature) else {
            throw CLIError("the proof file is damaged: leaf, root or signature is not valid base64/hex")
        }
        let path = try inclusion_proof.map { hex -> MerkleHash in
            guard let hash = MerkleHash(hex: hex) else { throw CLIError("the proof file has a malformed proof hash") }
            return hash
        }
        return InclusionProofBundle(
            leafIndex: leaf_index, leaf: Array(leafBytes), proof: path,
            checkpoint: Checkpoint(origin: checkpoint.origin, treeSize: checkpoint.tree_size, root: root,
                                   timeMilliseconds: checkpoint.time_ms, signature: Array(signature)))
    }
}
