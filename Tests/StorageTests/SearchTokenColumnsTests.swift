import ArchiveStore
import Crypto
import Testing
import TextKit

/// The index columns built without a string per token must be byte-identical to the token-by-token form: a contentless
/// FTS5 row can only be deleted with the exact values it was inserted with, and archives written before hold those.
@Suite struct SearchTokenColumnsTests {
    static let alphabet: [String] = ["私", "加", "微", "信", "a", "B", "1", "１", "ｶ", "ﾞ", "é", "e\u{301}", "\r\n", "\n", " ", "😀",
                                     "👍🏽", "🇨🇳", "𠀀", "錢", "，", "。", "\u{200D}", "\u{FE0F}", "\u{F90A}", "金", "Ω", "ß", "İ", "\t"]

    @Test func columnsEqualTheTokenByTokenForm() {
        let hasher = SearchTokenHasher.derive(from: SymmetricKey(data: [UInt8](repeating: 7, count: 32)))
        var state: UInt64 = 2026
        func next() -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int(state >> 33)
        }
        var texts = ["", "a", "私", "ab", "e\u{301}e\u{301}", "ｶﾞｶﾞ"]
        for _ in 0..<2000 {
            texts.append((0..<(next() % 40)).map { _ in Self.alphabet[next() % Self.alphabet.count] }.joined())
        }
        for text in texts {
            let tokens = SearchTokenizer.document(text)
            let columns = hasher.documentColumns(text)
            #expect(columns.unigrams == hasher.tokens(tokens.unigrams), "unigrams of \(text.debugDescription)")
            #expect(columns.bigrams == hasher.tokens(tokens.bigrams), "bigrams of \(text.debugDescription)")
        }
    }
}
