import ArchiveModel

/// A conversation's first and last message time and message count within one batch.
package struct ConversationDelta {
    package var room: String?
    package var partyA: String?
    package var partyB: String?
    package var first: Int64
    package var last: Int64
    package var count = 0

    package init(_ message: ChatMessage) {
        room = message.room?.rawValue
        if message.room == nil {
            let pair = [message.from.rawValue, message.toList.first?.rawValue ?? ""].sorted()
            (partyA, partyB) = (pair[0], pair[1])
        }
        first = message.time.milliseconds
        last = message.time.milliseconds
    }

    package mutating func add(_ message: ChatMessage) {
        first = min(first, message.time.milliseconds)
        last = max(last, message.time.milliseconds)
        count += 1
    }
}
