/// A stored value that does not match what the ledger proves, named so an investigator can find and fix it.
public struct VerifyProblem: Sendable, Codable, Hashable, CustomStringConvertible {
    /// The msgid, `conversation:<id>`, `index:<msgid>` or other record the value belongs to.
    public var record: String
    /// The column or index it was read from (`sender`, `tolist`, `msgtime`, `text`, `index`, `recalled_by`, …).
    public var field: String
    public var detail: String
    public var description: String { "\(record) \(field): \(detail)" }

    public init(record: String, field: String, detail: String) {
        self.record = record
        self.field = field
        self.detail = detail
    }

    /// A derived column's stored and re-derived values.
    package struct Difference: Sendable, Hashable {
        package var field: String
        package var stored: String
        package var derived: String

        package init(field: String, stored: String, derived: String) {
            self.field = field
            self.stored = stored
            self.derived = derived
        }
    }

    package init(record: String, _ difference: Difference) {
        self.init(record: record, field: difference.field,
                  detail: "stored \"\(difference.stored)\" but the archived message says \"\(difference.derived)\"")
    }
}
