import ArchiveModel

/// What a message is indexed under besides its text: who took part, its room and its conversation. Both engines
/// index these same tokens, so a search for a person or conversation means the same on each.
package struct SearchParticipants: Sendable {
    var parties: [String]
    var room: String?
    var conversation: String?

    package init(_ message: ChatMessage) {
        parties = message.participants.map(\.rawValue)
        room = message.room?.rawValue
        conversation = message.conversation?.rawValue
    }

    package init(parties: [String], room: String?, conversation: String?) {
        self.parties = parties
        self.room = room
        self.conversation = conversation
    }

    package var tokens: [String] {
        Array(Set(parties)).sorted().map(Self.partyToken) + (room.map { [Self.roomToken($0)] } ?? [])
            + (conversation.map { [Self.conversationToken($0)] } ?? [])
    }

    package static func partyToken(_ id: String) -> String { "p:" + id }
    package static func roomToken(_ id: String) -> String { "r:" + id }
    package static func conversationToken(_ id: String) -> String { "c:" + id }
}
