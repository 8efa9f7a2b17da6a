import ArchiveModel

/// A recall and the message it recalls.
package struct RecallLink: Sendable, Hashable {
    package var target: MessageID
    package var revoke: MessageID

    package init(target: MessageID, revoke: MessageID) {
        self.target = target
        self.revoke = revoke
    }
}

/// What a batch writes to link recalls with their targets.
package struct RecallLinks: Sendable, Hashable {
    /// `recalled_by` of each new message that a revoke names, whichever of the two was archived first.
    package var recalledBy: [MessageID: MessageID]
    /// New revokes whose target is not among the batch's new messages: set the target's `recalled_by` where it is
    /// still empty. A target not stored yet matches nothing and is linked when it arrives.
    package var storedTargets: [RecallLink]
    /// One link per target named by the batch's new revokes, in batch order: the rows of an engine's recall index
    /// (insert, keeping a row already there).
    package var records: [RecallLink]

    package init(recalledBy: [MessageID: MessageID] = [:], storedTargets: [RecallLink] = [], records: [RecallLink] = []) {
        self.recalledBy = recalledBy
        self.storedTargets = storedTargets
        self.records = records
    }
}

/// Links a `revoke` record with the message it names, whichever arrives first.
///
/// WeCom may archive a recall before the message it recalls, in the same batch or an earlier one, so both engines
/// link in both directions at commit; the rule lives here once. When several revokes name one message, the first
/// archived links it (a stored one before one in the batch, then batch order), and a link once made is never
/// rewritten: the archive records what happened first.
package enum RecallLinking {
    /// The message `message` recalls; `nil` unless it is a revoke record.
    package static func target(of message: ChatMessage) -> MessageID? {
        if case .revoke(let target) = message.content { return target }
        return nil
    }

    /// - Parameters:
    ///   - newMessages: the batch's messages not stored before, in batch order (duplicates left out).
    ///   - storedRevokes: revokes already stored that name any of `newMessages`, in the order they were archived.
    package static func links(newMessages: [ChatMessage], storedRevokes: [RecallLink]) -> RecallLinks {
        var first: [MessageID: MessageID] = [:]
        for link in storedRevokes where first[link.target] == nil { first[link.target] = link.revoke }
        var links = RecallLinks()
        var recorded = Set<MessageID>()
        for message in newMessages {
            guard let target = target(of: message) else { continue }
            if first[target] == nil { first[target] = message.id }
            if recorded.insert(target).inserted { links.records.append(RecallLink(target: target, revoke: message.id)) }
        }
        let newIDs = Set(newMessages.map(\.id))
        for message in newMessages where first[message.id] != nil { links.recalledBy[message.id] = first[message.id] }
        links.storedTargets = links.records.filter { !newIDs.contains($0.target) }
        return links
    }
}
