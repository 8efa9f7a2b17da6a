import ArchiveModel
import ArchiveStore
import Foundation
import Ledger

/// A message with everything that needs no database computed before the writer takes it: sealed columns, index
/// tokens and the ledger leaf hash. Prepared on every core, so the single writer only executes statements.
struct PreparedRow: Sendable {
    let message: ChatMessage
    let columns: MessageColumns
    let body: Data
    let text: Data
    let recipients: String
    let index: SearchIndexWriter.Columns
    /// `nil` when the archive keeps no ledger (a benchmark baseline).
    let leafHash: MerkleHash?

    init(_ message: ChatMessage, sealer: Sealer, hasher: SearchTokenHasher, ledgered: Bool) throws {
        self.message = message
        let id = message.id.rawValue
        columns = MessageColumns(message)
        let searchable = columns.searchableText
        body = Data(try sealer.seal(message.raw, context: SealContext.body(id)))
        text = Data(try sealer.seal(Array(searchable.utf8), context: SealContext.text(id)))
        recipients = JSONText.array(columns.recipients)
        index = SearchIndexWriter.Columns(text: searchable, participants: SearchParticipants(message), hasher: hasher)
        leafHash = ledgered ? MerkleHash.leaf(LeafEncoding.message(seq: message.seq, msgid: id, raw: message.raw)) : nil
    }
}
