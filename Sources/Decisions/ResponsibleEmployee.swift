import ArchiveModel

/// The employee who answers for a conversation: whose customers' messages the reports count, whose conversations
/// quality review samples, whose reply times are measured.
///
/// Commit (report aggregates), reply-timeout planning and review sampling each decided this with their own code on
/// each engine. The rule is stated here once; each caller supplies the facts it has.
package enum ResponsibleEmployee {
    /// What the rule decides from.
    package enum Facts: Sendable, Hashable {
        /// A single chat's parties in either order; the second is `nil` when WeCom named no recipient.
        case single(PartyID, PartyID?)
        /// A group: its owner as the directory knows it (`nil` before the group is synced), and the people to fall
        /// back on when the owner is unknown or not staff, in the order they count.
        case group(owner: PartyID?, fallback: [PartyID])
    }

    /// The responsible employee, or `nil` when the facts name no staff member.
    ///
    /// A single chat: its staff party; when both parties are staff, the one whose id sorts first (the conversation's
    /// `party_a`), so every message of the chat has the same answer. A group: its owner when the owner is staff,
    /// otherwise the first staff member of the fallback.
    package static func of(_ facts: Facts) -> PartyID? {
        switch facts {
        case .single(let party, let peer):
            return ([party] + (peer.map { [$0] } ?? [])).sorted { $0.rawValue < $1.rawValue }.first(where: isStaff)
        case .group(let owner, let fallback):
            if let owner, isStaff(owner) { return owner }
            return fallback.first(where: isStaff)
        }
    }

    /// The responsible employee of `message`'s conversation as known when the message is committed: a group falls
    /// back on the message's own ``ArchiveModel/ChatMessage/participants`` (sender first).
    /// - Parameter roomOwner: the group's owner from the synced directory; ignored for a single chat.
    package static func of(_ message: ChatMessage, roomOwner: PartyID?) -> PartyID? {
        if message.room != nil { return of(.group(owner: roomOwner, fallback: message.participants)) }
        return of(.single(message.from, message.toList.first))
    }

    /// Whether a party counts as staff here: an employee by its id's prefix. An empty id is nobody (a group the
    /// directory returned without an owner).
    package static func isStaff(_ party: PartyID) -> Bool {
        !party.rawValue.isEmpty && party.inferredKind == .employee
    }
}

extension ResponsibleEmployee.Facts {
    /// The facts a stored conversation row holds: a group (with its synced owner, no fallback: the row names nobody
    /// else) when it has a room, otherwise its two parties. Empty columns (PostgreSQL stores NULL, SQLite '') are nobody.
    package init(room: String?, partyA: String?, partyB: String?, owner: String?) {
        func party(_ id: String?) -> PartyID? { id.flatMap { $0.isEmpty ? nil : PartyID(rawValue: $0) } }
        if let room, !room.isEmpty {
            self = .group(owner: party(owner), fallback: [])
        } else if let a = party(partyA) {
            self = .single(a, party(partyB))
        } else {
            self = .single(PartyID(rawValue: ""), party(partyB))
        }
    }
}
