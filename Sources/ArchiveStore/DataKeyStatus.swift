import Foundation

/// A data key as the admin page shows it: never the key, only which master key wraps it.
public struct DataKeyStatus: Sendable, Hashable {
    public var id: Int64
    public var masterFingerprint: String
    public var active: Bool
    public var createdAt: Int64

    package init(id: Int64, masterFingerprint: String, active: Bool, createdAt: Int64) {
        self.id = id
        self.masterFingerprint = masterFingerprint
        self.active = active
        self.createdAt = createdAt
    }
}
