import Crypto
import Foundation
import Ledger

/// The outcome of `verify`: what was checked, how fast, and the first record that did not match.
public struct VerifyReport: Sendable, Codable {
    public var ok: Bool
    public var records: Int
    public var messages: Int
    public var media: Int
    /// Console audit events (content views, searches, downloads, admin changes).
    public var auditEvents: Int = 0
    public var blobs: Int
    public var checkpoints: Int
    public var treeSize: UInt64
    public var root: String?
    public var seconds: Double
    public var recordsPerSecond: Double
    /// The first thing that does not match: a ledger failure (which stops the walk), else the first problem.
    public var failure: VerifyFailure?
    /// Whether every stored column, index entry and counter was re-derived from the verified raw JSON (not `--quick`).
    public var derivedChecked: Bool = false
    /// Every stored value that differs from what the ledger proves (the first 1,000; `problemCount` counts all).
    public var problems: [VerifyProblem] = []
    public var problemCount: Int = 0
}

/// The first thing that does not match, named so an investigator can find it.
public struct VerifyFailure: Error, Sendable, Codable, Hashable, CustomStringConvertible {
    /// `message`, `media`, `audit`, `leaf`, `node`, `checkpoint`, `blob` or `derived` (a column, index entry or
    /// counter that differs from what the archived message says; `problems` lists them all).
    public var kind: String
    /// The msgid, blob hash or checkpoint number.
    public var ref: String
    public var leafIndex: UInt64?
    public var reason: String
    public var description: String { "\(kind) \(ref)\(leafIndex.map { " (leaf \($0))" } ?? ""): \(reason)" }

    package init(kind: String, ref: String, leafIndex: UInt64?, reason: String) {
        self.kind = kind
        self.ref = ref
        self.leafIndex = leafIndex
        self.reason = reason
    }
}
