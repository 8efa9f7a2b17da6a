import ArchiveModel

/// One person recorded as taking part in one conversation.
package struct ConversationParty: Sendable, Hashable {
    package var conversation: ConversationID
    package var party: PartyID

    package init(conversation: ConversationID, party: PartyID) {
        self.conversation = conversation
        self.party = party
    }
}

/// Who took part in a conversation: the one set that decides who may open it, which conversations a reader's scope
/// lists, and which search results a protected employee hides.
///
/// A message's people are ``ArchiveModel/ChatMessage/participants`` (defined once, in ArchiveModel). What is decided
/// here is what the commit records from them and how a conversation's people are assembled; the engines answer the
/// latter with index-driven SQL, and ``people(partyA:partyB:recorded:roomCreator:roomMembers:)`` is the reference
/// that SQL must agree with.
package enum ConversationParticipants {
    /// The rows a batch's new messages add: each message's participants under its conversation, each pair once,
    /// ordered by conversation then person (the same write order on both engines). Messages outside any conversation
    /// (switch records) add none.
    package static func rows(of newMessages: [ChatMessage]) -> [ConversationParty] {
        var people: [ConversationID: Set<PartyID>] = [:]
        for message in newMessages {
            guard let conversation = message.conversation else { continue }
            people[conversation, default: []].formUnion(message.participants)
        }
        return people.keys.sorted { $0.rawValue < $1.rawValue }.flatMap { conversation in
            people[conversation, default: []].sorted { $0.rawValue < $1.rawValue }.map {
                ConversationParty(conversation: conversation, party: $0)
            }
        }
    }

    /// Everyone who took part in a conversation: both parties of a single chat, everyone its messages recorded, and
    /// a group's synced creator and members.
    package static func people(partyA: PartyID?, partyB: PartyID?, recorded: [PartyID], roomCreator: PartyID?,
                               roomMembers: [PartyID]) -> Set<PartyID> {
        var people = Set([partyA, partyB, roomCreator].compactMap { $0 })
        people.formUnion(recorded)
        people.formUnion(roomMembers)
        return people
    }
}
