import ArchiveModel
import Foundation
import Ledger

/// One look at content or one change by an administrator, as the ledger records it.
public struct AuditEvent: Sendable, Hashable, Codable {
    /// Milliseconds since 1970.
    public var at: Int64
    /// The console username (or `cli:<user>` for the command line).
    public var actor: String
    /// What was done, e.g. `conversation.view`, `search`, `media.download`, `user.add`.
    public var action: String
    /// What it was done to: a conversation id, a msgid, a username, a query.
    public var target: String
    /// Further facts (filters used, roles granted …).
    public var detail: [String: String]

    public init(at: Int64 = 0, actor: String, action: String, target: String, detail: [String: String] = [:]) {
        self.at = at
        self.actor = actor
        self.action = action
        self.target = target
        self.detail = detail
    }

    /// The filter columns' values: SQLite text stops at a NUL, so NULs become U+FFFD there (the sealed
    /// event keeps the exact text).
    public var columns: [String] {
        [String(at), actor, action, target].map { $0.replacingOccurrences(of: "\u{0}", with: "\u{FFFD}") }
    }

    /// The event as recorded: its time is the store's clock, whatever the caller set.
    package func stamped(at milliseconds: Int64) -> AuditEvent {
        var stamped = self
        stamped.at = milliseconds
        return stamped
    }

    /// The bytes the ledger leaf holds: sorted keys, no insignificant whitespace.
    public var canonicalJSON: [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding a struct of strings and integers cannot fail.
        return Array(try! encoder.encode(self))
    }
}

/// An audit event with where the ledger holds it.
public struct StoredAuditEvent: Sendable, Hashable {
    public var id: Int64
    public var leafIndex: UInt64
    public var event: AuditEvent

    package init(id: Int64, leafIndex: UInt64, event: AuditEvent) {
        self.id = id
        self.leafIndex = leafIndex
        self.event = event
    }
}

/// Which audit events to list.
public struct AuditFilter: Sendable, Hashable {
    public var actor: String?
    public var action: String?
    /// Milliseconds, inclusive.
    public var since: Int64?
    /// Milliseconds, exclusive.
    public var until: Int64?
    public var limit: Int
    /// Events older than this id (for paging back).
    public var before: Int64?

    public init(actor: String? = nil, action: String? = nil, since: Int64? = nil, until: Int64? = nil, limit: Int = 100, before: Int64? = nil) {
        self.actor = actor
        self.action = action
        self.since = since
        self.until = until
        self.limit = limit
        self.before = before
    }
}
