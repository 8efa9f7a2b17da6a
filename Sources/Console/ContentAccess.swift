import ArchiveModel
import ArchiveStore
import Hummingbird
import TextKit

/// The only way the console reads messages for display: each read takes a ``ReadableConversation`` that
/// ``AccessPolicy`` granted, so a page or API cannot show content the policy did not allow. (A source test
/// keeps direct message reads out of every other console file.)
extension ConsoleServices {
    /// The conversation and the grant to read it, or 404 — not 403, so its existence is not disclosed.
    func requireReadable(conversation id: String, policy: AccessPolicy,
                         for purpose: AccessPolicy.Purpose = .read) async throws -> (ReadableConversation, ConversationSummary) {
        guard let conversation = try await store.conversation(id: id),
              let grant = policy.grant(id, participants: try await store.participants(ofConversation: id), for: purpose) else {
            throw HTTPError(.notFound, message: "no conversation \(id) that you may read")
        }
        return (grant, conversation)
    }

    /// A granted conversation's messages in time order.
    func messages(in grant: ReadableConversation, limit: Int, offset: Int = 0) async throws -> [StoredMessage] {
        try await store.messages(inConversation: grant.id, limit: limit, offset: offset)
    }

    /// One message, when the reader may read it for one of `purposes` (its conversation's participants decide;
    /// a message outside any conversation is judged by its sender and recipients).
    func readableMessage(_ msgid: String, policy: AccessPolicy, for purposes: [AccessPolicy.Purpose] = [.read]) async throws -> StoredMessage? {
        guard let message = try await store.message(id: MessageID(rawValue: msgid)) else { return nil }
        let participants: Set<String>
        if let conversation = message.conversation {
            participants = try await store.participants(ofConversation: conversation.rawValue)
        } else {
            participants = Set([message.from.rawValue] + message.toList.map(\.rawValue))
        }
        guard purposes.contains(where: { policy.grant(message.conversation?.rawValue ?? "", participants: participants, for: $0) != nil }) else {
            return nil
        }
        return message
    }

    /// The messages of `msgids` that belong to the granted conversation (the rest are not this grant's to show).
    func messages(_ msgids: [String], in grant: ReadableConversation) async throws -> [StoredMessage] {
        var messages: [StoredMessage] = []
        for msgid in msgids {
            if let message = try await store.message(id: MessageID(rawValue: msgid)), message.conversation?.rawValue == grant.id {
                messages.append(message)
            }
        }
        return messages
    }

    /// The attachment hashes of a message read through a grant.
    func mediaHashes(of message: StoredMessage) async throws -> [String] {
        try await store.mediaHashes(of: message.id)
    }

    /// The attachment hashes of a page of messages read through grants, in one query.
    func mediaHashes(of messages: [StoredMessage]) async throws -> [MessageID: [String]] {
        try await store.mediaHashes(of: messages.map(\.id))
    }

    /// Directory names for display, masked like content for a reader without unmask (a customer's WeCom name
    /// often carries a phone number).
    func partyNames(_ ids: Set<String>, policy: AccessPolicy) async throws -> [String: String] {
        let names = try await store.partyNames(ids)
        return policy.masksPII ? names.mapValues(PIIMasker.mask) : names
    }
}
