import Testing
import TextKit

@Suite struct TextNormalizerTests {
    @Test(arguments: [
        ("ＶＸ：ｗｅｉｘｉｎ１２３", "vx:weixin123"),
        ("保本保息", "保本保息"),
        ("穩賺不賠，私下轉賬", "稳赚不赔,私下转账"),
        ("iPhone 15 PRO", "iphone 15 pro"),
        ("①②", "12"),
        ("飛單", "飞单"),
    ])
    func normalizes(input: String, expected: String) {
        #expect(TextNormalizer.normalizedString(input) == expected)
    }

    @Test func originsPointBackToTheOriginalCharacters() {
        let normalized = TextNormalizer.normalize("a㍿b")
        #expect(normalized.string == "a株式会社b")
        #expect(normalized.origins == [0, 1, 1, 1, 1, 2])
    }
}

@Suite struct SearchTokenizerTests {
    @Test func documentsGiveUnigramsAndOverlappingBigrams() {
        let tokens = SearchTokenizer.document("保本Ａ")
        #expect(tokens.unigrams == ["保", "本", "a"])
        #expect(tokens.bigrams == ["保本", "本a"])
    }

    @Test func termsBecomeAUnigramOrABigramPhrase() {
        #expect(SearchTokenizer.term("單") == .unigram("单"))
        #expect(SearchTokenizer.term("稳赚不赔") == .bigramPhrase(["稳赚", "赚不", "不赔"]))
        #expect(SearchTokenizer.term("") == nil)
    }
}

@Suite struct HighlighterTests {
    @Test func snippetsMarkMatchesInTheOriginalText() {
        let text = "您好，這款產品保本保息，穩賺不賠"
        #expect(Highlighter.snippet(text, terms: ["保本", "稳赚"]) == "您好，這款產品【保本】保息，【穩賺】不賠")
        #expect(Highlighter.contains(text, "产品保本"))
        #expect(!Highlighter.contains(text, "保本保本"))
    }

    @Test func longTextIsCutAroundTheFirstMatch() {
        let text = String(repeating: "前文", count: 50) + "飞单" + String(repeating: "后文", count: 50)
        let snippet = Highlighter.snippet(text, terms: ["飞单"], width: 20)
        #expect(snippet.hasPrefix("…") && snippet.hasSuffix("…") && snippet.contains("【飞单】"))
    }
}

@Suite struct NumberReaderTests {
    @Test func readsNumbersThroughEveryEvasionAndKeepsWhereEachDigitCameFrom() {
        for text in ["13812345678", "138 1234 5678", "138  1234  5678", "１３８１２３４５６７８", "一三八一二三四五六七八", "138【1234】5678",
                     "138.1234.5678", "138*1234*5678", "1３8-12三4-5678"] {
            let runs = NumberReader.runs(TextNormalizer.normalizeScalars(text))
            #expect(runs.map { String(decoding: $0.digits, as: UTF8.self) } == ["13812345678"], "\(text)")
            #expect(runs.first?.digitOrigins.count == 11)
        }
        // Four separators end a number; a lone numeral in a word is not a digit.
        #expect(NumberReader.runs(TextNormalizer.normalizeScalars("138    12345678")).count == 2)
        #expect(NumberReader.runs(TextNormalizer.normalizeScalars("等一下")).isEmpty)
    }

    @Test func maskingHidesWhatTheReaderReads() {
        #expect(PIIMasker.mask("客户 1３8-12三4-5678 已登记") == "客户 1３8-****-5678 已登记")
        #expect(PIIMasker.mask(PIIMasker.mask("13812345678")) == "138****5678")
        // Spellings the normalizer folds or the reader skips: superscripts, keycaps, zero-width spaces, Arabic-Indic digits.
        #expect(PIIMasker.mask("电话¹³⁸¹²³⁴⁵⁶⁷⁸") == "电话¹³⁸****⁵⁶⁷⁸")
        #expect(!PIIMasker.mask("1️⃣3️⃣8️⃣1️⃣2️⃣3️⃣4️⃣5️⃣6️⃣7️⃣8️⃣").contains("4️⃣"))
        #expect(PIIMasker.mask("138\u{200B}1234\u{200B}5678") == "138\u{200B}****\u{200B}5678")
        #expect(PIIMasker.mask("١٣٨١٢٣٤٥٦٧٨") == "١٣٨****٥٦٧٨")
        // Shapes that identify nobody stay as written: dates, date ranges, IP addresses, amounts, hotlines.
        for text in ["2026.11.01-2026.11.30", "192.168.100.200", "订单 20261127 金额 1999.00", "400-820-8820", "2026-11-27 13:45:00"] {
            #expect(PIIMasker.mask(text) == text, "\(text)")
        }
    }
}
