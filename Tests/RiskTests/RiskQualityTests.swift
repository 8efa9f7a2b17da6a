import Foundation
import Risk
import Testing

/// Recall and false positives on the labelled sentences and their evasive variants.
@Suite struct RiskQualityTests {
    static let scanner = RiskScanner(policy: .builtIn)

    /// Ways people hide a sentence from keyword filters.
    static let evasions: [(String, @Sendable (String) -> String)] = [
        ("as written", { $0 }),
        ("stars between characters", { text in text.map { $0.isWhitespace ? String($0) : String($0) + "*" }.joined() }),
        ("spaces between characters", { text in text.map(String.init).joined(separator: " ") }),
        ("full-width", { text in String(text.unicodeScalars.map { (0x21...0x7E).contains($0.value) ? Character(Unicode.Scalar($0.value + 0xFEE0)!) : Character($0) }) }),
        ("traditional", { text in
            let map: [Character: Character] = ["转": "轉", "账": "賬", "户": "戶", "证": "證", "赚": "賺", "赔": "賠", "号": "號",
                                               "联": "聯", "系": "繫", "单": "單", "内": "內", "个": "個", "说": "說", "话": "話",
                                               "这": "這", "过": "過", "录": "錄", "险": "險", "报": "報", "给": "給", "钱": "錢"]
            return String(text.map { map[$0] ?? $0 })
        }),
        ("look-alikes", { text in text.replacingOccurrences(of: "微信", with: "威信").replacingOccurrences(of: "微", with: "薇") }),
    ]

    struct Score {
        var total = 0
        var hit = 0
        var misses: [String] = []
        var rate: Double { total == 0 ? 1 : Double(hit) / Double(total) }
    }

    func recall(_ sentences: [String], _ category: RiskCategory, evasions: [(String, @Sendable (String) -> String)]) -> Score {
        var score = Score()
        for sentence in sentences {
            for (name, evade) in evasions {
                let text = evade(sentence)
                score.total += 1
                if Self.scanner.scan(text).contains(where: { $0.category == category }) {
                    score.hit += 1
                } else {
                    score.misses.append("[\(name)] \(text)")
                }
            }
        }
        return score
    }

    @Test(arguments: [
        (RiskCategory.privateDiversion, LabelledSentences.privateDiversion),
        (.falsePromise, LabelledSentences.falsePromise),
        (.sideDeal, LabelledSentences.sideDeal),
        (.abuse, LabelledSentences.abuse),
        (.dataLeak, LabelledSentences.dataLeak),
    ])
    func recallIsAtLeast95PercentWithEvasions(category: RiskCategory, sentences: [String]) {
        let score = recall(sentences, category, evasions: Self.evasions)
        print("recall \(category): \(score.hit)/\(score.total) = \(String(format: "%.1f", score.rate * 100)) %")
        #expect(score.rate >= 0.95, "\(category) misses: \(score.misses.prefix(15))")
    }

    @Test func falsePositivesOnCompliantSentencesStayUnder3Percent() {
        var flagged: [String] = []
        var total = 0
        for sentence in LabelledSentences.compliant {
            for (name, evade) in Self.evasions where name != "look-alikes" {
                total += 1
                let hits = Self.scanner.scan(evade(sentence))
                if !hits.isEmpty { flagged.append("[\(name)] \(sentence) → \(hits.map { "\($0.category):\($0.match)" })") }
            }
        }
        let rate = Double(flagged.count) / Double(total)
        print("false positives: \(flagged.count)/\(total) = \(String(format: "%.1f", rate * 100)) %")
        #expect(rate <= 0.03, "flagged: \(flagged.prefix(20))")
    }

    @Test func otherCategoriesDoNotFireOnEachOthersSentences() {
        var crossFires = 0
        var total = 0
        for sentence in LabelledSentences.abuse {
            total += 1
            if Self.scanner.scan(sentence).contains(where: { $0.category == .falsePromise || $0.category == .dataLeak }) { crossFires += 1 }
        }
        #expect(crossFires == 0)
        _ = total
    }
}

@Suite struct RiskRuleTests {
    let scanner = RiskScanner(policy: .builtIn)

    @Test func hitsMapBackToTheOriginalSpan() throws {
        let text = "您好！私*加*微*信，聊"
        let hit = try #require(scanner.scan(text).first { $0.category == .privateDiversion })
        let characters = Array(text)
        #expect(String(characters[hit.start..<hit.end]) == hit.match)
        #expect(hit.match.contains("微"))
    }

    /// Offsets are characters: an emoji of several scalars, a combining accent or CR LF before the hit
    /// each count as one.
    @Test(arguments: ["👨‍👩‍👧 您好！私*加*微*信", "cafe\u{301} 私加微信", "您好\r\n私加微信", "，。！私加微信", "ｗｘ号给你：私加微信"])
    func offsetsCountCharactersWhateverPrecedesTheHit(text: String) throws {
        let hit = try #require(scanner.scan(text).first { $0.category == .privateDiversion && $0.match.hasSuffix("信") })
        let characters = Array(text)
        #expect(String(characters[hit.start..<hit.end]) == hit.match)
    }

    /// Overlapping terms of one category report the longest; a shorter one that no longer term covers is kept.
    @Test func overlapsResolveToTheLongestTermPerCategory() {
        let policy = Policy(name: "t", version: 1, lexicons: [
            LexiconRule(id: "long", category: .abuse, severity: .low, terms: ["甲乙丙丁", "丁戊己"]),
            LexiconRule(id: "short", category: .abuse, severity: .low, terms: ["己庚"]),
            LexiconRule(id: "other", category: .sideDeal, severity: .low, terms: ["乙丙"]),
        ])
        let hits = RiskScanner(policy: policy).scan("甲乙丙丁戊己庚")
        // 甲乙丙丁 wins over the overlapping 丁戊己; 己庚 then overlaps nothing kept of its category.
        #expect(hits.map(\.match) == ["甲乙丙丁", "乙丙", "己庚"])
        #expect(hits.map(\.rule) == ["long", "other", "short"])
    }

    @Test func negationAndDisclosureAreCompliant() {
        #expect(scanner.scan("产品不保本，有亏损风险").isEmpty)
        #expect(scanner.scan("承诺保本保息是违规的").isEmpty)
        #expect(!scanner.scan("这个产品不仅保本，还有高收益").isEmpty)
        #expect(!scanner.scan("零风险，高收益").isEmpty)
    }

    @Test func hotlinesAndLandlinesAreNotPersonalNumbers() {
        #expect(scanner.scan("客服热线 400-820-8820").isEmpty)
        #expect(scanner.scan("请拨打 010-12345678").isEmpty)
        #expect(scanner.scan("我手机 13912345678").contains { $0.rule == "diversion.mobile-number" })
        #expect(scanner.scan("我手机 一三九一二三四五六七八").contains { $0.rule == "diversion.mobile-number" })
        #expect(scanner.scan("李四 13711112222，王五 13633334444").contains { $0.rule == "data-leak.mobile-list" })
    }

    @Test func idAndBankCardsNeedValidCheckDigits() {
        #expect(scanner.scan("110101199003071233").contains { $0.category == .dataLeak })
        #expect(!scanner.scan("110101199003071234").contains { $0.rule == "data-leak.id-card" })
        #expect(scanner.scan("卡号 6228480402564890018").contains { $0.rule == "data-leak.bank-card" })
        #expect(!scanner.scan("卡号 6228480402564890019").contains { $0.rule == "data-leak.bank-card" })
    }

    @Test func latinTermsMatchWholeWordsOnly() {
        #expect(scanner.scan("这个USB线可以快充").isEmpty)
        #expect(scanner.scan("sb 客服").contains { $0.category == .abuse })
    }

    @Test func customersAreNotHeldToStaffRules() {
        #expect(scanner.scan("能不能加你私人微信聊？", sentBy: .any).isEmpty)
        #expect(scanner.scan("垃圾东西，滚开", sentBy: .any).contains { $0.category == .abuse })
    }

    @Test func exceptionsSilenceApprovedPhrases() {
        var policy = Policy.builtIn
        policy.exceptions = ["保本型理财产品说明书"]
        let scanner = RiskScanner(policy: policy)
        #expect(scanner.scan("请阅读保本型理财产品说明书").isEmpty)
    }
}


@Suite struct RiskScopeTests {
    @Test func scopedRulesWatchOnlyTheirSenders() {
        var policy = Policy(name: "scoped", version: 1, lexicons: [
            LexiconRule(id: "finance.only", category: .falsePromise, severity: .high, terms: ["高回报"],
                        scope: RuleScope(departments: [2])),
        ])
        policy.lexicons[0].scope = RuleScope(employees: ["boss"], departments: [2])
        let scanner = RiskScanner(policy: policy)
        let financeAdvisor = SenderContext(userID: "wangwei", departmentIDs: [21, 2, 1])
        let shopAssistant = SenderContext(userID: "lina", departmentIDs: [41, 4, 1])
        #expect(!scanner.scan("这个高回报", senderContext: financeAdvisor).isEmpty)
        #expect(scanner.scan("这个高回报", senderContext: shopAssistant).isEmpty)
        #expect(!scanner.scan("这个高回报", senderContext: SenderContext(userID: "boss", departmentIDs: [])).isEmpty)
        #expect(scanner.scan("这个高回报").isEmpty)
    }
}

@Suite struct PolicyFileTests {
    @Test func aHandWrittenPolicyNeedsOnlyTheEssentials() throws {
        let json = #"{"name":"acme","lexicons":[{"id":"acme.words","category":"side-deal","severity":"high","terms":["团购私价"]}]}"#
        let policy = try JSONDecoder().decode(Policy.self, from: Data(json.utf8))
        #expect(policy.lexicons[0].direction == .staffToCustomer && !policy.lexicons[0].negationAware)
        #expect(!RiskScanner(policy: policy).scan("这个是团购私价").isEmpty)
    }

    @Test func theBuiltInPolicyRoundTripsThroughJSON() throws {
        let data = try JSONEncoder().encode(Policy.builtIn)
        #expect(try JSONDecoder().decode(Policy.self, from: data) == Policy.builtIn)
    }
}
