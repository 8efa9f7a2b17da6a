import ArchiveModel
import ArchiveStore
import ArgumentParser
import Foundation

struct MediaCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "media", abstract: "Attachments waiting for a fetch or given up, and their retry.",
        discussion: """
            A failed fetch is tried again with exponential backoff (30 s doubling to one hour) for as long as WeCom may \
            still serve the file (5 days after the message was sent); then it is given up ("failed") with a reason. \
            The puller (`chatledger ingest`, `chatledger serve`) fetches whatever is due after each pull.
            """,
        subcommands: [Status.self, List.self, Retry.self], defaultSubcommand: Status.self)

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "How many attachments wait (and how many of them are due), were given up or are stored.")
        @OptionGroup var archive: ArchiveOptions
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let backlog = try await archive.openAnyArchive().mediaBacklog()
            if json {
                try JSONOutput.print(MediaStatusJSON(backlog))
            } else {
                print(MediaStatusJSON.summary(backlog))
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Attachments not stored yet, given-up ones first, with their last error.")
        @OptionGroup var archive: ArchiveOptions
        @Option(help: "At most this many rows (1…1000000).") var limit = 1000
        @Flag(help: "Print JSON.") var json = false

        func validate() throws {
            guard (1...1_000_000).contains(limit) else { throw ValidationError("--limit must be 1…1000000") }
        }

        func run() async throws {
            let entries = try await archive.openAnyArchive().unstoredMedia(limit: limit)
            if json {
                try JSONOutput.print(entries.map(MediaEntryJSON.init))
            } else if entries.isEmpty {
                print("every attachment is stored")
            } else {
                for entry in entries.map(MediaEntryJSON.init) {
                    var line = "\(entry.msgid) file \(entry.file) [\(entry.state)] tries \(entry.attempts)"
                    if let next = entry.next_attempt_at { line += " next \(WeComTime(milliseconds: next).iso8601)" }
                    if let error = entry.error { line += ": \(error)" }
                    print(line)
                }
            }
        }
    }

    struct Retry: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make waiting attachments due now (with --failed, given-up ones too); the next pull fetches them.")
        @OptionGroup var archive: ArchiveOptions
        @Flag(help: "Also try again attachments that were given up.") var failed = false
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let store = try await archive.openAnyArchive()
            let retried = try await store.retryMedia(includingFailed: failed)
            let backlog = try await store.mediaBacklog()
            if json {
                try JSONOutput.print(MediaStatusJSON(backlog, retried: retried))
            } else {
                print("\(retried) attachment\(retried == 1 ? " is" : "s are") due now; the next pull (chatledger ingest or serve) fetches them")
                print(MediaStatusJSON.summary(backlog))
            }
        }
    }
}

/// `media status --json` (and `media retry --json`, which adds `retried`). Times are milliseconds since the epoch.
struct MediaStatusJSON: Encodable {
    /// Waiting for a fetch: never tried, or failed and scheduled again (the same count as `stats`' `media_pending`).
    var pending: Int
    /// Of `pending`, due now.
    var due: Int
    /// Of `pending`, failed at least once.
    var retrying: Int
    /// Given up (expired at WeCom, past its retention, too large); `media retry --failed` tries them again.
    var failed: Int
    var stored: Int
    /// The earliest attempt scheduled after now; null when none is.
    var next_attempt_at: Int64?
    /// How many attachments `media retry` made due.
    var retried: Int?

    init(_ backlog: MediaBacklog, retried: Int? = nil) {
        pending = backlog.pending
        due = backlog.due
        retrying = backlog.retrying
        failed = backlog.failed
        stored = backlog.stored
        next_attempt_at = backlog.nextAttemptAt?.milliseconds
        self.retried = retried
    }

    enum CodingKeys: String, CodingKey {
        case pending, due, retrying, failed, stored, next_attempt_at, retried
    }

    /// Every key always, `next_attempt_at` as null when there is none: scripts need not test for its presence.
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(pending, forKey: .pending)
        try container.encode(due, forKey: .due)
        try container.encode(retrying, forKey: .retrying)
        try container.encode(failed, forKey: .failed)
        try container.encode(stored, forKey: .stored)
        if let next_attempt_at {
            try container.encode(next_attempt_at, forKey: .next_attempt_at)
        } else {
            try container.encodeNil(forKey: .next_attempt_at)
        }
        try container.encodeIfPresent(retried, forKey: .retried)
    }

    static func summary(_ backlog: MediaBacklog) -> String {
        var line = "media pending \(backlog.pending) (due now \(backlog.due), retrying \(backlog.retrying)"
        if let next = backlog.nextAttemptAt { line += ", next attempt \(next.iso8601)" }
        line += "), failed \(backlog.failed), stored \(backlog.stored)"
        if backlog.failed > 0 { line += "; `chatledger media list` shows why, `chatledger media retry --failed` tries again" }
        return line
    }
}

/// One row of `media list --json`. The sdkfileid is not printed (it carries the file's key at WeCom): `file` is the
/// first 12 hex digits of its SHA-256.
struct MediaEntryJSON: Encodable {
    var msgid: String
    var file: String
    /// `pending`, `retrying` or `failed` (given up).
    var state: String
    var attempts: Int
    var next_attempt_at: Int64?
    var error: String?

    init(_ entry: MediaEntry) {
        msgid = entry.messageID.rawValue
        file = String(FolderBlobStore.sha256Hex(Array(entry.sdkFileID.utf8)).prefix(12))
        state = entry.state.rawValue
        attempts = entry.attempts
        next_attempt_at = entry.nextAttemptAt?.milliseconds
        error = entry.error
    }
}
