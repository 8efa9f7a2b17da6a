import ArchiveModel

/// Which consent record stands for an employee–customer pair when several arrive.
///
/// Two sources write consent: archived `agree`/`disagree` messages at commit, and WeCom's consent check at directory
/// sync. The check is WeCom's current answer and always replaces what is stored; a message replaces the stored record
/// only when it is at least as recent (an unknown time counts as 0), so a redelivered old message cannot undo a later
/// decision. Both engines apply this in their upserts; it is stated here once.
package enum ConsentPrecedence {
    package enum Source: Sendable, Hashable {
        case message
        case directory
    }

    /// Whether `incoming` from `source` replaces `stored` (nothing stored: it always does).
    package static func replaces(_ incoming: ConsentRecord, from source: Source, stored: ConsentRecord?) -> Bool {
        guard let stored, source == .message else { return true }
        return (stored.changedAt?.milliseconds ?? 0) <= (incoming.changedAt?.milliseconds ?? 0)
    }

    /// The record that stands for each pair after applying `records` in order over `stored`; pairs in order of first
    /// appearance, and only those whose record changes.
    ///
    /// One record per pair lets an engine write a batch with one statement (an upsert may not touch a row twice); an
    /// equally recent later record wins, as it would applied one by one.
    package static func standing(_ records: [ConsentRecord], from source: Source,
                                 over stored: [ConsentRecord.Pair: ConsentRecord] = [:]) -> [ConsentRecord] {
        var order: [ConsentRecord.Pair] = []
        var standing: [ConsentRecord.Pair: ConsentRecord] = [:]
        for record in records where replaces(record, from: source, stored: standing[record.pair] ?? stored[record.pair]) {
            if standing[record.pair] == nil { order.append(record.pair) }
            standing[record.pair] = record
        }
        return order.compactMap { standing[$0] }
    }
}
