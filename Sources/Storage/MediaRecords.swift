import ArchiveModel

/// An attachment referenced by a stored message and not fetched yet.
public struct PendingMedia: Sendable, Hashable {
    public var messageID: MessageID
    public var reference: MediaReference
    public var attempts: Int
    public init(messageID: MessageID, reference: MediaReference, attempts: Int) {
        self.messageID = messageID
        self.reference = reference
        self.attempts = attempts
    }
}

/// The result of fetching one attachment.
public struct MediaOutcome: Sendable, Hashable {
    public enum Status: String, Sendable, Codable {
        case stored
        /// Will be retried (network, md5 mismatch…).
        case failed
        /// Will not be retried (expired at WeCom, 10010).
        case gone
    }
    public var messageID: MessageID
    public var sdkFileID: String
    public var status: Status
    public var sha256: String?
    public var size: Int64?
    public var error: String?
    public init(messageID: MessageID, sdkFileID: String, status: Status, sha256: String?, size: Int64?, error: String?) {
        self.messageID = messageID
        self.sdkFileID = sdkFileID
        self.status = status
        self.sha256 = sha256
        self.size = size
        self.error = error
    }
}
