import ArchiveModel
import ArchiveStore
import ArgumentParser
import Foundation
import Search

struct SearchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Find messages: every term is a substring after normalization (full-width, case, traditional → simplified).",
        discussion: """
            Terms separated by spaces must all match; "quoted phrases" keep spaces; -term excludes; OR between terms \
            makes either enough. Results come newest first (archive order); totals are exact up to 10,000.
            """)

    @OptionGroup var archive: ArchiveOptions
    @Argument(parsing: .allUnrecognized, help: "Search terms (-term excludes).") var terms: [String] = []
    @Option(help: "Employee userid or name (repeatable).") var employee: [String] = []
    @Option(help: "Department id, with its sub-departments (repeatable).") var department: [Int64] = []
    @Option(help: "Customer external id or name (repeatable).") var customer: [String] = []
    @Option(help: "Group id (repeatable).") var room: [String] = []
    @Option(help: "Conversation id (repeatable).") var conversation: [String] = []
    @Option(help: "From this time on (ISO 8601, e.g. 2026-11-02 or 2026-11-02T09:00:00+08:00).") var since: String?
    @Option(help: "Before this time (ISO 8601).") var until: String?
    @Option(name: .customLong("type"), help: "msgtype (repeatable).") var types: [String] = []
    @Option(help: "File extension (repeatable).") var ext: [String] = []
    @Flag(help: "Only messages with attachments.") var hasMedia = false
    @Flag(help: "Only recalled messages.") var recalled = false
    @Flag(help: "Oldest first.") var oldestFirst = false
    @Option(help: "At most this many hits (1…1000).") var limit = 20
    @Option(help: "Skip this many hits.") var offset = 0
    @Flag(help: "Print JSON.") var json = false

    func validate() throws {
        guard (1...SearchService.maximumLimit).contains(limit) else { throw ValidationError("--limit must be 1…\(SearchService.maximumLimit)") }
        guard (0...10_000_000).contains(offset) else { throw ValidationError("--offset must be 0…10000000") }
        if let since { _ = try ISO8601Input.parse(since, option: "--since") }
        if let until { _ = try ISO8601Input.parse(until, option: "--until") }
    }

    func run() async throws {
        var request = SearchRequest()
        request.text = terms.map { $0.contains(" ") && !$0.hasPrefix("\"") ? "\"\($0)\"" : $0 }.joined(separator: " ")
        request.employees = employee
        request.departments = department
        request.customers = customer
        request.rooms = room
        request.conversations = conversation
        request.since = try since.map { try ISO8601Input.parse($0, option: "--since") }
        request.until = try until.map { try ISO8601Input.parse($0, option: "--until") }
        request.msgtypes = types
        request.fileExtensions = ext
        request.hasMedia = hasMedia ? true : nil
        request.recalled = recalled ? true : nil
        request.newestFirst = !oldestFirst
        request.limit = limit
        request.offset = offset
        let result = try await SearchService(store: try await archive.openAnyArchive()).search(request)
        if json {
            try JSONOutput.print(SearchJSON(result))
        } else {
            print("\(result.total)\(result.totalIsLowerBound ? "+" : "") messages")
            for hit in result.hits {
                let time = WeComTime(milliseconds: hit.message.msgtime).iso8601
                print("\(time)  \(hit.message.from) → \(hit.message.roomid.isEmpty ? hit.message.toList.joined(separator: ",") : hit.message.roomid)  [\(hit.message.msgtype)] \(hit.snippet)")
                print("    \(hit.message.msgid)")
            }
        }
    }
}

/// `search --json`: `{"total", "total_is_lower_bound", "hits": [{"msgid", "msgtime", "from", "tolist", "roomid", "msgtype", "snippet"}]}`.
struct SearchJSON: Encodable {
    struct Hit: Encodable {
        var msgid: String
        var seq: UInt64
        var msgtime: Int64
        var from: String
        var tolist: [String]
        var roomid: String
        var msgtype: String
        var conversation: String?
        var recalled: Bool
        var snippet: String
    }
    var total: Int
    var total_is_lower_bound: Bool
    var hits: [Hit]

    init(_ result: SearchResult) {
        total = result.total
        total_is_lower_bound = result.totalIsLowerBound
        hits = result.hits.map {
            Hit(msgid: $0.message.msgid, seq: $0.message.seq, msgtime: $0.message.msgtime, from: $0.message.from,
                tolist: $0.message.toList, roomid: $0.message.roomid, msgtype: $0.message.msgtype,
                conversation: $0.message.conversation, recalled: $0.message.recalled, snippet: $0.snippet)
        }
    }
}

struct ContextCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "context", abstract: "The conversation around a message.")

    @OptionGroup var archive: ArchiveOptions
    @Argument(help: "The msgid.") var msgid: String
    @Option(help: "Messages before it.") var before = 5
    @Option(help: "Messages after it.") var after = 5
    @Flag(help: "Print JSON.") var json = false

    func validate() throws {
        guard (0...500).contains(before), (0...500).contains(after) else { throw ValidationError("--before and --after must be 0…500") }
    }

    func run() async throws {
        let messages = try await archive.openAnyArchive().context(of: MessageID(msgid), before: before, after: after)
        if json {
            try JSONOutput.print(ContextJSON(anchor: msgid, messages: messages.map {
                ContextJSON.Message(msgid: $0.id.rawValue, msgtime: $0.time.milliseconds, from: $0.from.rawValue,
                                    tolist: $0.toList.map(\.rawValue), roomid: $0.room?.rawValue ?? "", msgtype: $0.msgtype,
                                    text: $0.searchableText, recalled: $0.recalledBy != nil)
            }))
        } else {
            for message in messages {
                let marker = message.id.rawValue == msgid ? "▶" : " "
                print("\(marker) \(message.time.iso8601) \(message.from): [\(message.msgtype)] \(message.searchableText)")
            }
        }
    }
}

struct ContextJSON: Encodable {
    struct Message: Encodable {
        var msgid: String
        var msgtime: Int64
        var from: String
        var tolist: [String]
        var roomid: String
        var msgtype: String
        var text: String
        var recalled: Bool
    }
    var anchor: String
    var messages: [Message]
}

/// Dates as users type them: a full ISO 8601 timestamp, or a date (midnight UTC).
enum ISO8601Input {
    /// Through the archive's one time parser (``TimeInput``), so a CLI time has the range an API time has;
    /// a bare date is UTC midnight here, as the CLI always read it.
    static func parse(_ text: String, option: String) throws -> Date {
        do {
            return Date(timeIntervalSince1970: Double(try TimeInput.milliseconds(text, dayOffsetSeconds: 0)) / 1000)
        } catch {
            throw ValidationError("\(option) must be ISO 8601, e.g. 2026-11-02 or 2026-11-02T09:00:00+08:00, from 1970-01-01 to 9999-12-31; not \(TimeInput.quoted(text))")
        }
    }
}
