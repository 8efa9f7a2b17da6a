import ArchiveModel
import ArchiveStore
import Foundation

/// Cases and legal holds as every front end (command line, console, API) runs them: each change is made in the
/// store and recorded as an audit event on the ledger, naming who did it.
public struct CaseDesk: Sendable {
    public typealias Store = CaseStore & LedgeredArchive
    let store: any Store

    public init(store: any Store) {
        self.store = store
    }

    public func create(name: String, description: String, by actor: String) async throws -> EvidenceCase {
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, trimmed.count <= 200 else { throw StorageError("a case needs a name of 1 to 200 characters") }
        guard description.count <= 4000 else { throw StorageError("a case description is at most 4,000 characters") }
        let created = try await store.createCase(name: trimmed, description: description, by: actor)
        try await store.appendAudit(AuditEvent(actor: actor, action: "case.create", target: created.id, detail: ["name": trimmed]))
        return created
    }

    /// Adds messages to a case; `selection` says how they were chosen (a search, a conversation), for the audit trail.
    public func add(_ id: String, messages: [MessageID], selection: [String: String], by actor: String) async throws -> Int {
        guard !messages.isEmpty else { throw StorageError("nothing matched: no message was added to case \(id)") }
        let added = try await store.addToCase(id, messages: messages, by: actor)
        var detail = selection
        detail["matched"] = String(messages.count)
        detail["added"] = String(added)
        // The msgids themselves, so `verify` can rebuild the case from the ledger and name any removed behind its back.
        detail["msgids"] = JSONText.array(Array(Set(messages.map(\.rawValue))).sorted())
        try await store.appendAudit(AuditEvent(actor: actor, action: "case.add", target: id, detail: detail))
        return added
    }

    public func hold(_ id: String, by actor: String) async throws -> EvidenceCase {
        let before = try await store.evidenceCase(id: id)
        let held = try await store.holdCase(id, by: actor)
        if before?.held != true {
            try await store.appendAudit(AuditEvent(actor: actor, action: "case.hold", target: id))
        }
        return held
    }

    public func release(_ id: String, by actor: String) async throws -> HoldRelease {
        let outcome = try await store.releaseCase(id, by: actor)
        switch outcome {
        case .requested:
            try await store.appendAudit(AuditEvent(actor: actor, action: "case.release.request", target: id))
        case .released(let requestedBy):
            try await store.appendAudit(AuditEvent(actor: actor, action: "case.release", target: id, detail: ["requested_by": requestedBy]))
        }
        return outcome
    }
}
