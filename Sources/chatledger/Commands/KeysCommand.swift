import ArchiveStore
import ArgumentParser
import Crypto
import Foundation
import Ledger
import SQLiteStore

struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys", abstract: "The checkpoint signing key and the master key.",
        subcommands: [ExportPublic.self, RotateMaster.self, RotateDataKey.self])

    struct ExportPublic: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "export-public", abstract: "Print the public key that verifies this deployment's checkpoints (PEM).")
        @OptionGroup var archive: ArchiveOptions
        @Option(help: "Write it to this file instead of standard output.") var out: String?

        func run() async throws {
            let pem = SigningKeyFormat.pem(try archive.signingKey().publicKey)
            if let out {
                try pem.write(toFile: out, atomically: true, encoding: .utf8)
            } else {
                print(pem, terminator: "")
            }
        }
    }

    struct RotateMaster: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rotate-master",
            abstract: "Re-wrap every data key under a new master key (bodies are not re-encrypted), then switch key files.",
            discussion: """
                Writes the new key to --new-key-file (generated if the file does not exist), re-wraps the data keys in one \
                transaction, and prints the new fingerprint. Afterwards start ChatLedger with --master-key-file pointing to \
                the new file (or replace the old file); the old key no longer opens the archive.
                """)
        @OptionGroup var archive: ArchiveOptions
        @Option(help: "Where the new master key is (created if absent).") var newKeyFile: String

        func run() async throws {
            let store = try archive.openExistingStore()
            let newKey = try MasterKey.load(file: URL(fileURLWithPath: newKeyFile), environment: [:])
            try await store.rewrapDataKeys(under: newKey)
            print("data keys re-wrapped under master key \(newKey.fingerprint); use --master-key-file \(newKeyFile) from now on")
        }
    }

    struct RotateDataKey: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rotate-data-key", abstract: "Start sealing new records under a fresh data key (old records keep theirs).")
        @OptionGroup var archive: ArchiveOptions

        func run() async throws {
            let id = try await archive.openExistingStore().addDataKey(masterKey: try MasterKey.load(file: archive.masterKeyURL))
            print("new records are sealed under data key \(id)")
        }
    }
}
