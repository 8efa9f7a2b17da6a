import ArchiveModel
import ArchiveStore
import ArgumentParser
import Foundation
import Ingest
import WeCom

struct QuarantineCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quarantine", abstract: "Inputs that could not be archived, and their retry.",
        subcommands: [List.self, Retry.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List quarantined inputs with their reasons.")
        @OptionGroup var archive: ArchiveOptions
        @Flag(help: "Include rows already resolved by a retry.") var all = false
        @Option(help: "At most this many rows (1…1000000).") var limit = 1000

        func validate() throws {
            guard (1...1_000_000).contains(limit) else { throw ValidationError("--limit must be 1…1000000") }
        }
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let entries = try await archive.openAnyArchive().quarantine(includeResolved: all, limit: limit)
            if json {
                try JSONOutput.print(entries.map(QuarantineJSON.init))
            } else if entries.isEmpty {
                print("the quarantine is empty")
            } else {
                for entry in entries {
                    print("#\(entry.id) \(entry.kind.rawValue) seq \(entry.seq.map(String.init) ?? "-") msgid \(entry.msgid ?? "-") [\(entry.reasonCode)] \(entry.reason) (tries: \(entry.attempts)\(entry.resolvedAt != nil ? ", resolved" : ""))")
                }
            }
        }
    }

    struct Retry: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Try every open quarantine row again (after adding keys or upgrading).")
        @OptionGroup var archive: ArchiveOptions
        @Option(help: "Folder of RSA private keys named by publickey_ver. Default: <data>/keys.") var keys: String?
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let store = try await archive.openAnyArchive()
            let keysURL = keys.map { URL(fileURLWithPath: $0, isDirectory: true) } ?? archive.defaultKeysURL
            let ring = FileManager.default.fileExists(atPath: keysURL.path) ? try PrivateKeyRing.load(directory: keysURL) : PrivateKeyRing()
            let result = try await IngestPipeline(store: store, opener: EnvelopeOpener(keyRing: ring)).retryQuarantine()
            if json {
                try JSONOutput.print(["resolved": result.resolved, "still_failing": result.stillFailing])
            } else {
                print("resolved \(result.resolved), still failing \(result.stillFailing)")
            }
        }
    }
}

struct QuarantineJSON: Encodable {
    var id: Int64
    var source: String
    var seq: UInt64?
    var msgid: String?
    var kind: String
    var reason_code: String
    var reason: String
    var payload_bytes: Int
    var attempts: Int
    var first_seen: Int64
    var last_tried: Int64
    var resolved_at: Int64?

    init(_ entry: QuarantineEntry) {
        id = entry.id
        source = entry.source
        seq = entry.seq
        msgid = entry.msgid
        kind = entry.kind.rawValue
        reason_code = entry.reasonCode
        reason = entry.reason
        payload_bytes = entry.payload.count
        attempts = entry.attempts
        first_seen = entry.firstSeen.milliseconds
        last_tried = entry.lastTried.milliseconds
        resolved_at = entry.resolvedAt?.milliseconds
    }
}
