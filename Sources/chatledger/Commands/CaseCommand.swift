import ArchiveModel
import ArchiveStore
import ArgumentParser
import Evidence
import Foundation
import Search

/// `chatledger case …`: cases gather messages for one matter; a case can be put under legal hold and exported.
struct CaseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "case", abstract: "Cases: gather messages for a matter, hold them, export them as evidence.",
        subcommands: [Create.self, Add.self, List.self, Show.self, Hold.self, Release.self])

    /// Who the command line acts as, in the audit trail.
    struct Actor: ParsableArguments {
        @Option(help: ArgumentHelp("Who acts, as the audit trail records it (default: cli:$USER). Releasing a hold needs two different names.",
                                   discussion: "Not authenticated: whoever runs the command line holds the archive's keys (break-glass, as `user grant`). Use the console, where each user signs in, for a real second person."))
        var by: String?

        var name: String { by ?? "cli:\(ProcessInfo.processInfo.environment["USER"] ?? "operator")" }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Open a case; prints its id.")
        @OptionGroup var archive: ArchiveOptions
        @OptionGroup var actor: Actor
        @Option(help: "What the matter is called.") var name: String
        @Option(help: "What it is about.") var description = ""
        @Flag(help: "Print JSON: {\"id\"}.") var json = false

        func run() async throws {
            let store = try await archive.openAnyArchive()
            let created = try await CaseDesk(store: store).create(name: name, description: description, by: actor.name)
            if json { try JSONOutput.print(["id": created.id]) } else { print(created.id) }
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add messages to a case: by msgid, a conversation, an employee or customer over a period, or a search.",
            discussion: "Selections combine as a search does: --query with --employee, --since … adds what that search finds now.")
        @OptionGroup var archive: ArchiveOptions
        @OptionGroup var actor: Actor
        @Argument(help: "The case id.") var id: String
        @Option(name: .customLong("msgid"), parsing: .upToNextOption, help: "msgids (several allowed).") var msgids: [String] = []
        @Option(help: "Conversation id (repeatable).") var conversation: [String] = []
        @Option(help: "Employee userid or name (repeatable).") var employee: [String] = []
        @Option(help: "Customer external id or name (repeatable).") var customer: [String] = []
        @Option(help: "Group id (repeatable).") var room: [String] = []
        @Option(help: "Search terms, as `chatledger search` reads them.") var query: String?
        @Option(help: "From this time on (ISO 8601).") var since: String?
        @Option(help: "Before this time (ISO 8601).") var until: String?
        @Option(name: .customLong("type"), help: "msgtype (repeatable).") var types: [String] = []
        @Flag(help: "Print JSON.") var json = false

        /// More than this in one `add` is refused: a case is a selection, not a copy of the archive.
        static let maximum = 200_000

        var searches: Bool {
            !conversation.isEmpty || !employee.isEmpty || !customer.isEmpty || !room.isEmpty || query != nil || !types.isEmpty
        }

        func validate() throws {
            guard !msgids.isEmpty || searches else {
                throw ValidationError("say what to add: --msgid, --conversation, --employee, --customer, --room, --query or --type")
            }
            if since != nil || until != nil, !searches {
                throw ValidationError("--since/--until narrow a selection: use them with --conversation, --employee, --customer or --query")
            }
            if let since { _ = try ISO8601Input.parse(since, option: "--since") }
            if let until { _ = try ISO8601Input.parse(until, option: "--until") }
        }

        func run() async throws {
            let store = try await archive.openAnyArchive()
            var ids = msgids.map { MessageID($0) }
            var selection: [String: String] = [:]
            if !msgids.isEmpty { selection["msgids"] = String(msgids.count) }
            if searches {
                var request = SearchRequest()
                request.text = query ?? ""
                request.employees = employee
                request.customers = customer
                request.rooms = room
                request.conversations = conversation
                request.msgtypes = types
                request.since = try since.map { try ISO8601Input.parse($0, option: "--since") }
                request.until = try until.map { try ISO8601Input.parse($0, option: "--until") }
                request.newestFirst = false
                request.limit = SearchService.maximumLimit
                let service = SearchService(store: store)
                while true {
                    let result = try await service.search(request)
                    ids += result.hits.map { MessageID($0.message.msgid) }
                    guard ids.count <= Self.maximum else {
                        throw CLIError("the selection holds more than \(Self.maximum) messages; narrow it (--since/--until, a query)")
                    }
                    if result.hits.count < request.limit { break }
                    request.offset += result.hits.count
                }
                for (key, values) in [("conversation", conversation), ("employee", employee), ("customer", customer), ("room", room),
                                      ("type", types)] where !values.isEmpty {
                    selection[key] = values.joined(separator: ",")
                }
                if let query { selection["query"] = query }
                if let since { selection["since"] = since }
                if let until { selection["until"] = until }
            }
            let added = try await CaseDesk(store: store).add(id, messages: ids, selection: selection, by: actor.name)
            let total = try await store.evidenceCase(id: id)?.messages ?? 0
            if json {
                try JSONOutput.print(["id": id, "matched": String(Set(ids).count), "added": String(added), "messages": String(total)])
            } else {
                print("\(added) added (\(Set(ids).count) matched); case \(id) holds \(total) messages")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Every case, newest first.")
        @OptionGroup var archive: ArchiveOptions
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let cases = try await archive.openAnyArchive().cases()
            if json { return try JSONOutput.print(cases.map(CaseJSON.init)) }
            for found in cases {
                print("\(found.id)  \(found.held ? "[HOLD] " : "")\(found.name)  \(found.messages) messages  by \(found.createdBy)")
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "A case: its hold, messages and exports.")
        @OptionGroup var archive: ArchiveOptions
        @Argument(help: "The case id.") var id: String
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let store = try await archive.openAnyArchive()
            guard let found = try await store.evidenceCase(id: id) else { throw CLIError("no case \(id); `chatledger case list` shows the cases") }
            var shown = CaseJSON(found)
            shown.msgids = try await store.caseMessageIDs(id).map(\.rawValue)
            shown.exports = try await store.caseExports(id)
            if json { return try JSONOutput.print(shown) }
            print("\(found.id)  \(found.name)\n\(found.description)")
            print(found.held ? "under legal hold since \(WeComTime(milliseconds: found.heldSince!).iso8601) (by \(found.heldBy ?? "?"))" : "not held")
            if let asked = found.releaseRequestedBy { print("release requested by \(asked): a second person must approve (`case release \(id) --by …`)") }
            print("\(found.messages) messages; \(shown.exports?.count ?? 0) exports")
            for export in shown.exports ?? [] {
                print("  \(WeComTime(milliseconds: export.exportedAt).iso8601) by \(export.exportedBy): \(export.messages) messages, \(export.media) attachments, manifest \(export.manifestSHA256)\(export.held ? " (held)" : "")")
            }
        }
    }

    struct Hold: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Put a case under legal hold: its messages and media are never disposed of.")
        @OptionGroup var archive: ArchiveOptions
        @OptionGroup var actor: Actor
        @Argument(help: "The case id.") var id: String
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let held = try await CaseDesk(store: try await archive.openAnyArchive()).hold(id, by: actor.name)
            if json { try JSONOutput.print(CaseJSON(held)) } else { print("case \(id) is under legal hold") }
        }
    }

    struct Release: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Ask to lift a legal hold, or approve another person's request: a hold ends only with two people.")
        @OptionGroup var archive: ArchiveOptions
        @OptionGroup var actor: Actor
        @Argument(help: "The case id.") var id: String
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let outcome = try await CaseDesk(store: try await archive.openAnyArchive()).release(id, by: actor.name)
            switch outcome {
            case .requested:
                if json { try JSONOutput.print(["id": id, "status": "release-requested"]) } else {
                    print("release of case \(id) requested by \(actor.name); a second person must approve it")
                }
            case .released(let requestedBy):
                if json { try JSONOutput.print(["id": id, "status": "released", "requested_by": requestedBy]) } else {
                    print("hold on case \(id) lifted (requested by \(requestedBy), approved by \(actor.name))")
                }
            }
        }
    }
}

/// A case as `case list|show --json` prints it.
struct CaseJSON: Encodable {
    var id: String
    var name: String
    var description: String
    var createdBy: String
    var createdAt: String
    var messages: Int
    var held: Bool
    var heldSince: String?
    var heldBy: String?
    var releaseRequestedBy: String?
    var msgids: [String]?
    var exports: [CaseExport]?

    init(_ found: EvidenceCase) {
        id = found.id
        name = found.name
        description = found.description
        createdBy = found.createdBy
        createdAt = WeComTime(milliseconds: found.createdAt).iso8601
        messages = found.messages
        held = found.held
        heldSince = found.heldSince.map { WeComTime(milliseconds: $0).iso8601 }
        heldBy = found.heldBy
        releaseRequestedBy = found.releaseRequestedBy
    }

    enum CodingKeys: String, CodingKey {
        case id, name, description, messages, held, msgids, exports
        case createdBy = "created_by", createdAt = "created_at", heldSince = "held_since", heldBy = "held_by"
        case releaseRequestedBy = "release_requested_by"
    }
}
