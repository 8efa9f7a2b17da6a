import ArchiveModel
import ArchiveStore
import ArgumentParser
import Foundation
import Ingest
import Risk
import SQLiteStore

struct PolicyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy", abstract: "Risk policies: every change is a new version (who, when, what); hits record the version that fired.",
        subcommands: [List.self, Show.self, Export.self, Import.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Policy versions, newest first.")
        @OptionGroup var archive: ArchiveOptions
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let store = try await archive.openAnyArchive()
            _ = try await PolicyLoader.current(store)
            let versions = try await store.policyVersions()
            if json {
                try JSONOutput.print(versions.map { ["version": "\($0.version)", "name": $0.name, "created_by": $0.createdBy,
                                                      "created_at": WeComTime(milliseconds: $0.createdAt).iso8601, "note": $0.note ?? ""] })
            } else {
                for version in versions {
                    print("v\(version.version) \(version.name) by \(version.createdBy) at \(WeComTime(milliseconds: version.createdAt).iso8601)\(version.note.map { " — \($0)" } ?? "")")
                }
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Summarise the policy in force (or --version N).")
        @OptionGroup var archive: ArchiveOptions
        @Option(help: "A stored version.") var version: Int?

        func run() async throws {
            let store = try await archive.openAnyArchive()
            let (current, policy) = try await PolicyLoader.current(store)
            let chosen = try version.map { wanted -> Policy in
                guard wanted == current else { throw CLIError("use `policy export --version \(wanted)` to read an older version") }
                return policy
            } ?? policy
            print("\(chosen.name) v\(version ?? current)")
            for rule in chosen.lexicons { print("  lexicon \(rule.id): \(rule.category) \(rule.severity), \(rule.terms.count) terms, \(rule.direction.rawValue)") }
            for rule in chosen.proximity { print("  proximity \(rule.id): \(rule.category) \(rule.severity), within \(rule.within)") }
            for rule in chosen.patterns { print("  pattern \(rule.id): \(rule.kind.rawValue) → \(rule.category) \(rule.severity)") }
        }
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write a policy version as JSON (to edit and import).")
        @OptionGroup var archive: ArchiveOptions
        @Option(help: "A stored version (default: the one in force).") var version: Int?
        @Option(help: "Output file (default: standard output).") var out: String?

        func run() async throws {
            let store = try await archive.openAnyArchive()
            _ = try await PolicyLoader.current(store)
            let versions = try await store.policyVersions()
            guard let chosen = version.map({ wanted in versions.first { $0.version == wanted } }) ?? versions.first else {
                throw CLIError("no policy version \(version ?? 0); `chatledger policy list` shows them")
            }
            if let out {
                try Data(chosen.document).write(to: URL(fileURLWithPath: out))
            } else {
                FileHandle.standardOutput.write(Data(chosen.document) + Data("\n".utf8))
            }
        }
    }

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Store a policy file as the next version and put it in force.")
        @OptionGroup var archive: ArchiveOptions
        @Argument(help: "Policy JSON file.") var file: String
        @Option(help: "Who makes the change.") var by: String = ProcessInfo.processInfo.environment["USER"] ?? "cli"
        @Option(help: "What changed and why.") var note: String?

        func run() async throws {
            let data = try Data(contentsOf: URL(fileURLWithPath: file))
            let policy: Policy
            do {
                policy = try JSONDecoder().decode(Policy.self, from: data)
            } catch {
                throw ValidationError("\(file) is not a policy: \(error)")
            }
            let store = try await archive.openAnyArchive()
            let version = try await store.addPolicy(name: policy.name, document: Array(try PolicyLoader.encoder.encode(policy)),
                                                    createdBy: by, note: note)
            print("policy \(policy.name) stored as version \(version); `chatledger rescan --since DATE` applies it to history")
        }
    }
}

struct RescanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rescan", abstract: "Scan archived messages again with the policy in force; new hits become alerts.")

    @OptionGroup var archive: ArchiveOptions
    @Option(help: "From this date on (ISO 8601).") var since: String

    func validate() throws { _ = try ISO8601Input.parse(since, option: "--since") }

    func run() async throws {
        let store = try archive.openExistingStore()
        let analysis = try await PolicyLoader.analysis(store, channels: [])
        let from = WeComTime(date: try ISO8601Input.parse(since, option: "--since")).milliseconds
        var progress = ProgressLine("rescanning", total: nil)
        var after: Int64 = 0
        var scanned = 0
        var found = 0
        while true {
            let page = try await store.messages(since: from, after: after, limit: 2000)
            guard let last = page.last else { break }
            after = last.rowID
            var hits: [MessageID: [StoredRiskHit]] = [:]
            var messages: [ChatMessage] = []
            for (_, stored) in page {
                guard let message = try? MessageDecoderShim.decode(stored) else { continue }
                let messageHits = analysis.storedHits(in: message)
                if !messageHits.isEmpty {
                    hits[message.id] = messageHits
                    messages.append(message)
                    found += messageHits.count
                }
            }
            try await store.recordRescanHits(hits, of: messages, policyVersion: analysis.policyVersion, channels: analysis.channels)
            scanned += page.count
            progress.update(scanned)
        }
        progress.finish()
        print("rescanned \(scanned) messages with policy v\(analysis.policyVersion): \(found) hits (already recorded ones are not repeated)")
    }
}
