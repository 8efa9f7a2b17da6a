import ArchiveModel
import ArchiveStore
import TextKit

/// The `tsvector` and `tsquery` texts of the search index: the same keyed-hash tokens as SQLite's FTS5 index.
///
/// Weights keep the three kinds apart: unigrams A, bigrams B (with positions, so a phrase is a chain of
/// `<->`), participants C. Tokens are base32 (a–z, 2–7), so they need no quoting.
package enum SearchVector {
    /// PostgreSQL's largest position; bigrams after it still match alone but not inside a phrase.
    static let maxPosition = 16383

    package static func document(text: String, participants: SearchParticipants, hasher: SearchTokenHasher) -> String {
        let tokens = SearchTokenizer.document(text)
        var parts: [String] = []
        for token in Set(tokens.unigrams.map(hasher.token)).sorted() { parts.append("\(token):1A") }
        var positions: [String: [Int]] = [:]
        var order: [String] = []
        for (offset, bigram) in tokens.bigrams.enumerated() {
            let token = hasher.token(bigram)
            if positions[token] == nil { order.append(token) }
            positions[token, default: []].append(min(offset + 1, maxPosition))
        }
        for token in order {
            // PostgreSQL keeps at most 256 positions per lexeme.
            parts.append(token + ":" + positions[token]!.prefix(256).map { "\($0)B" }.joined(separator: ","))
        }
        for token in Set(participants.tokens.map(hasher.token)).sorted() { parts.append("\(token):1C") }
        return parts.joined(separator: " ")
    }

    static func term(_ term: SearchTokenizer.TermTokens, hasher: SearchTokenHasher) -> String {
        switch term {
        case .unigram(let token): "\(hasher.token(token)):A"
        case .bigramPhrase(let tokens): "(" + tokens.map { "\(hasher.token($0)):B" }.joined(separator: " <-> ") + ")"
        }
    }

    static func party(_ id: String, hasher: SearchTokenHasher) -> String { hasher.token(SearchParticipants.partyToken(id)) + ":C" }
    static func room(_ id: String, hasher: SearchTokenHasher) -> String { hasher.token(SearchParticipants.roomToken(id)) + ":C" }
    static func conversation(_ id: String, hasher: SearchTokenHasher) -> String {
        hasher.token(SearchParticipants.conversationToken(id)) + ":C"
    }

    /// `(a | b) & (c)`, or nil when there is nothing to match.
    static func query(_ clauses: [[String]]) -> String? {
        let parts = clauses.filter { !$0.isEmpty }.map { "(" + $0.joined(separator: " | ") + ")" }
        return parts.isEmpty ? nil : parts.joined(separator: " & ")
    }
}
