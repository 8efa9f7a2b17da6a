import ArchiveModel
import ArchiveStore
import ArgumentParser
import Evidence
import Foundation
import Ledger

/// `chatledger export`: an evidence package anyone can verify (docs/evidence.md).
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a case or a conversation as an evidence package: messages, attachments, proofs, signed checkpoint, transcript, verifier.")

    @OptionGroup var archive: ArchiveOptions
    @OptionGroup var checkpoints: CheckpointOptions
    @OptionGroup var actor: CaseCommand.Actor
    @Option(name: .customLong("case"), help: "The case to export.") var caseID: String?
    @Option(help: "A conversation to export instead of a case.") var conversation: String?
    @Option(help: "With --conversation: from this time on (ISO 8601).") var since: String?
    @Option(help: "With --conversation: before this time (ISO 8601).") var until: String?
    @Option(help: "The package to write (a .zip that does not exist yet).") var out: String
    @Flag(help: "Print JSON.") var json = false

    func validate() throws {
        guard (caseID == nil) != (conversation == nil) else { throw ValidationError("export either --case ID or --conversation C") }
        if caseID != nil, since != nil || until != nil { throw ValidationError("--since/--until narrow a --conversation export") }
        if let since { _ = try ISO8601Input.parse(since, option: "--since") }
        if let until { _ = try ISO8601Input.parse(until, option: "--until") }
        guard !FileManager.default.fileExists(atPath: out) else { throw ValidationError("\(out) exists; choose a new file name") }
    }

    func run() async throws {
        let store = try await archive.openAnyArchive()
        let scope: EvidenceExportRequest.Scope
        if let caseID {
            scope = .evidenceCase(caseID)
        } else {
            let millis = { (text: String?, option: String) throws -> Int64? in
                try text.map { Int64(try ISO8601Input.parse($0, option: option).timeIntervalSince1970 * 1000) }
            }
            scope = .conversation(conversation!, since: try millis(since, "--since"), until: try millis(until, "--until"))
        }
        let exporter = EvidenceExporter(store: store, blobs: try archive.anyBlobStore(sealer: store.sealer),
                                        signingKey: try archive.signingKey(), timestamp: checkpoints.timestamp)
        let destination = URL(fileURLWithPath: out)
        do {
            let result = try await exporter.export(EvidenceExportRequest(scope: scope, exportedBy: actor.name, destination: destination))
            if json { return try JSONOutput.print(result) }
            print("wrote \(result.path): \(result.messages) messages, \(result.media) attachments, \(result.bytes) bytes in \(String(format: "%.1f", result.seconds)) s")
            print("manifest SHA-256 \(result.manifestSHA256); proofs against checkpoint of \(result.treeSize) records\(result.timestamped ? " (time-stamped)" : "")")
            print("check it with: chatledger verify-package \(result.path) --public-key KEY.pem   or   python3 verify.py \(result.path) --public-key KEY.pem")
            print("(verify.py is inside the package; KEY.pem from `chatledger keys export-public`, handed over separately)")
        } catch {
            // A half-written package must not be mistaken for one.
            try? FileManager.default.removeItem(at: destination)
            throw error
        }
    }
}

/// `chatledger verify-package`: the same checks as the package's own verify.py.
struct VerifyPackageCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify-package",
        abstract: "Check an evidence package: manifest, signatures, proofs, consistency and transcript; exit 1 naming the first failure.")

    @Argument(help: "The package (.zip).") var package: String
    @Option(help: "The organisation's public key (PEM), obtained independently; without it the package is only shown self-consistent.")
    var publicKey: String?
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        guard FileManager.default.isReadableFile(atPath: package) else {
            throw CLIError("cannot read \(package)")
        }
        let key = try publicKey.map { try SigningKeyFormat.publicKey(pem: String(contentsOfFile: $0, encoding: .utf8)) }
        let verdict = EvidencePackageVerifier.verify(package: URL(fileURLWithPath: package), publicKey: key)
        if json {
            try JSONOutput.print(verdict)
        } else if verdict.ok {
            print("OK: \(verdict.messages ?? 0) messages, \(verdict.media ?? 0) attachments; proofs reach the root of \(verdict.treeSize ?? 0) records signed by key \(verdict.keyId ?? "?")")
            if verdict.isSelfConsistentOnly {
                print("note: checked with the key inside the package; pass --public-key with the organisation's key to prove who signed it")
            }
        } else {
            print("FAILED: \(verdict.failure ?? "unknown failure")")
        }
        if !verdict.ok { throw ExitCode(verdict.failedCheck == nil ? 2 : 1) }
    }
}
