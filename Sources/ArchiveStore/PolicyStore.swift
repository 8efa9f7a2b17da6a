import ArchiveModel
import Foundation

/// A stored policy version: who made it, when, and the document (JSON).
public struct PolicyVersion: Sendable, Hashable {
    public var version: Int
    public var name: String
    public var document: [UInt8]
    public var createdBy: String
    public var createdAt: Int64
    public var note: String?

    package init(version: Int, name: String, document: [UInt8], createdBy: String, createdAt: Int64, note: String?) {
        self.version = version
        self.name = name
        self.document = document
        self.createdBy = createdBy
        self.createdAt = createdAt
        self.note = note
    }
}

/// Where risk policy versions are kept: every alert names the version that raised it.
public protocol PolicyStore: Sendable {
    /// Every policy version, newest first.
    func policyVersions() async throws -> [PolicyVersion]
    /// Stores a new policy version (the next number) and returns it.
    func addPolicy(name: String, document: [UInt8], createdBy: String, note: String?) async throws -> Int
    /// Every employee's departments with all their ancestors (for rules scoped to departments).
    func employeeDepartments() async throws -> [String: Set<Int64>]
}
