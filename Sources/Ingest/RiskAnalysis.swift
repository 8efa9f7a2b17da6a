import ArchiveModel
import ArchiveStore
import Risk

/// Risk scanning at ingest: which policy version, and which channels new alerts go to.
public struct RiskAnalysis: Sendable {
    public var scanner: RiskScanner
    public var policyVersion: Int
    public var channels: [String]
    /// Each employee's departments with their ancestors, for scoped rules.
    public var departments: [String: Set<Int64>]

    public init(scanner: RiskScanner, policyVersion: Int, channels: [String] = [], departments: [String: Set<Int64>] = [:]) {
        self.scanner = scanner
        self.policyVersion = policyVersion
        self.channels = channels
        self.departments = departments
    }

    /// The hits of one message, in storable form.
    public func storedHits(in message: ChatMessage) -> [StoredRiskHit] { hits(in: message) }

    func hits(in message: ChatMessage) -> [StoredRiskHit] {
        guard message.action == .send else { return [] }
        let context = SenderContext(userID: message.from.rawValue, departmentIDs: departments[message.from.rawValue] ?? [])
        return scanner.scan(message, senderContext: context).map {
            StoredRiskHit(category: $0.category.rawValue, rule: $0.rule, severity: $0.severity.rawValue, start: $0.start, end: $0.end)
        }
    }
}
