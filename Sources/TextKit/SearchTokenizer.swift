/// Cuts normalized text into the tokens the index stores: every unigram and every overlapping bigram.
///
/// A term of n ≥ 2 normalized characters is a phrase of its n − 1 consecutive bigrams, which matches
/// exactly where the term is a substring; a single character is its unigram. So substring semantics
/// hold for every script, 1-character terms included, with no segmentation dictionary.
public enum SearchTokenizer {
    /// Tokens of a document: unigrams and bigrams in text order (two separate position streams).
    public struct DocumentTokens: Sendable, Hashable {
        public var unigrams: [String]
        public var bigrams: [String]
    }

    /// How a normalized query term is looked up.
    public enum TermTokens: Sendable, Hashable {
        case unigram(String)
        case bigramPhrase([String])
    }

    public static func document(_ text: String) -> DocumentTokens {
        let scalars = TextNormalizer.normalize(text).scalars
        var unigrams: [String] = []
        var bigrams: [String] = []
        unigrams.reserveCapacity(scalars.count)
        bigrams.reserveCapacity(max(0, scalars.count - 1))
        for (index, scalar) in scalars.enumerated() {
            unigrams.append(String(Character(scalar)))
            if index + 1 < scalars.count {
                var pair = String(Character(scalar))
                pair.unicodeScalars.append(scalars[index + 1])
                bigrams.append(pair)
            }
        }
        return DocumentTokens(unigrams: unigrams, bigrams: bigrams)
    }

    /// The lookup for a query term, or `nil` when it normalizes to nothing.
    public static func term(_ text: String) -> TermTokens? {
        let document = document(text)
        switch document.unigrams.count {
        case 0: return nil
        case 1: return .unigram(document.unigrams[0])
        default: return .bigramPhrase(document.bigrams)
        }
    }
}
