/// The unique id WeCom gives a message; the de-duplication key of the archive.
public struct MessageID: Sendable, Hashable, Codable, RawRepresentable, ExpressibleByStringLiteral, CustomStringConvertible {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }
    public var description: String { rawValue }
}

/// The identifier of a participant as WeCom writes it in `from` and `tolist`.
public struct PartyID: Sendable, Hashable, Codable, RawRepresentable, ExpressibleByStringLiteral, CustomStringConvertible {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }
    public var description: String { rawValue }

    /// The kind of participant the id's prefix suggests.
    ///
    /// WeCom's prefixes are a convention rather than a contract; the directory has the last word.
    public var inferredKind: PartyKind {
        if rawValue.hasPrefix("wm") || rawValue.hasPrefix("wo") { return .externalContact }
        if rawValue.hasPrefix("wb") { return .robot }
        return .employee
    }
}

/// What a participant is.
public enum PartyKind: String, Sendable, Codable, CaseIterable {
    case employee
    case externalContact = "external"
    case robot
}

/// A group chat id (`wr…`).
public struct RoomID: Sendable, Hashable, Codable, RawRepresentable, ExpressibleByStringLiteral, CustomStringConvertible {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }
    public var description: String { rawValue }
}

/// A conversation: a group, or the single chat between two parties whichever of them writes.
public struct ConversationID: Sendable, Hashable, Codable, RawRepresentable, CustomStringConvertible {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }

    /// The conversation of a group.
    public static func room(_ room: RoomID) -> ConversationID { ConversationID(rawValue: "room:\(room.rawValue)") }

    /// The single chat between two parties; the same id whoever sends.
    public static func single(_ a: PartyID, _ b: PartyID) -> ConversationID {
        let pair = [a.rawValue, b.rawValue].sorted()
        return ConversationID(rawValue: "single:\(pair[0])|\(pair[1])")
    }

    /// The two parties of a single chat's id, in id order; `nil` for a group's.
    public var singleChatParties: (PartyID, PartyID)? {
        guard rawValue.hasPrefix("single:") else { return nil }
        let pair = rawValue.dropFirst("single:".count).split(separator: "|", maxSplits: 1, omittingEmptySubsequences: false)
        guard pair.count == 2 else { return nil }
        return (PartyID(rawValue: String(pair[0])), PartyID(rawValue: String(pair[1])))
    }
}
