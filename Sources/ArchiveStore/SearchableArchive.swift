import ArchiveModel

/// What search needs from a store: run a ``MessageQuery`` and resolve people and departments.
/// SQLite implements it with FTS5; PostgreSQL will with tsvector + GIN over the same tokens.
public protocol SearchableArchive: Sendable {
    func search(_ query: MessageQuery) async throws -> MessagePage
    func parties(matching text: String, kind: PartyKind) async throws -> [String]
    func employees(inDepartment id: Int64) async throws -> [String]
    func context(of msgid: MessageID, before: Int, after: Int) async throws -> [StoredMessage]
}
