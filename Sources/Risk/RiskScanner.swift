import TextKit

/// A compiled policy: every lexicon term and proximity term in one Aho–Corasick automaton over the
/// evasion-normalized text, plus number patterns, negation and disclosure awareness and exceptions.
///
/// Build once per policy version and share: scanning is pure and thread-safe.
public struct RiskScanner: Sendable {
    public let policy: Policy

    struct Term: Sendable {
        enum Role: Sendable { case lexicon(Int), proximityFirst(Int), proximitySecond(Int), exception, cue }
        var role: Role
        var latinWord: Bool
    }

    /// What a lexicon hit reports, kept apart from the rule so scanning copies no term lists.
    struct LexiconInfo: Sendable {
        var category: RiskCategory
        var id: String
        var severity: Severity
        var direction: Direction
        var negationAware: Bool
        var scope: RuleScope?
        /// The category as a small number, for cheap comparisons on the hot path.
        var categoryIndex: Int
    }

    let automaton: AhoCorasick
    let terms: [Term]
    let lexiconInfo: [LexiconInfo]

    public init(policy: Policy) {
        self.policy = policy
        var patterns: [[Unicode.Scalar]] = []
        var terms: [Term] = []
        func add(_ text: String, _ role: Term.Role, latinWholeWord: Bool) {
            let scalars = MatchView.compact(text).scalars
            guard !scalars.isEmpty else { return }
            patterns.append(scalars)
            terms.append(Term(role: role, latinWord: latinWholeWord && scalars.allSatisfy { $0.isASCII }))
        }
        for (index, rule) in policy.lexicons.enumerated() {
            for term in rule.terms { add(term, .lexicon(index), latinWholeWord: rule.wholeLatinWords) }
        }
        for (index, rule) in policy.proximity.enumerated() {
            for term in rule.first { add(term, .proximityFirst(index), latinWholeWord: true) }
            for term in rule.second { add(term, .proximitySecond(index), latinWholeWord: true) }
        }
        for phrase in policy.exceptions { add(phrase, .exception, latinWholeWord: false) }
        // Cues run straight into the id that follows (wx:li_ming → wxliming in the compact view): no word boundary.
        for cue in PatternScanner.wechatCues + PatternScanner.qqCues { add(cue, .cue, latinWholeWord: false) }
        automaton = AhoCorasick(patterns: patterns)
        self.terms = terms
        var categoryNumbers: [String: Int] = [:]
        var info: [LexiconInfo] = []
        for rule in policy.lexicons {
            let number: Int = categoryNumbers[rule.category.rawValue] ?? categoryNumbers.count
            categoryNumbers[rule.category.rawValue] = number
            info.append(LexiconInfo(category: rule.category, id: rule.id, severity: rule.severity, direction: rule.direction,
                                    negationAware: rule.negationAware, scope: rule.scope, categoryIndex: number))
        }
        lexiconInfo = info
    }

    /// Scans text as `direction` describes it: `.staffToCustomer` applies every rule, `.any` only the
    /// rules that watch every sender.
    /// - Parameter senderContext: who sent it, for rules scoped to employees or departments (out of scope without it).
    public func scan(_ text: String, sentBy sender: Direction = .staffToCustomer, senderContext: SenderContext? = nil) -> [RiskHit] {
        let normalized = TextNormalizer.normalizeScalars(text)
        let view = MatchView.compact(normalized)
        let characters = Array(text.unicodeScalars)
        // Whole Latin words: the meaningful neighbours (noise skipped) must not be Latin letters, so `sb` is not found in `U*S*B`.
        let matches = automaton.matches(in: view.scalars).filter { match in
            guard terms[match.pattern].latinWord else { return true }
            let before = match.range.lowerBound > 0 ? view.scalars[match.range.lowerBound - 1] : " "
            let after = match.range.upperBound < view.scalars.count ? view.scalars[match.range.upperBound] : " "
            return !(before.isASCII && before.properties.isAlphabetic) && !(after.isASCII && after.properties.isAlphabetic)
        }
        func applies(_ direction: Direction, _ scope: RuleScope? = nil) -> Bool {
            (direction == .any || sender == .staffToCustomer) && (scope?.contains(senderContext) ?? true)
        }

        var hits: [RiskHit] = []
        let exceptionSpans = matches.filter { if case .exception = terms[$0.pattern].role { true } else { false } }.map(\.range)
        let clauses = ClauseMap(characters)
        var promiseSpans: [Range<Int>] = []
        for match in matches {
            guard case .lexicon(let index) = terms[match.pattern].role else { continue }
            let rule = lexiconInfo[index]
            guard applies(rule.direction, rule.scope) else { continue }
            if rule.negationAware { promiseSpans.append(match.range) }
        }
        // Lexicon matches stay lightweight until overlapping ones are dropped: a large lexicon can match
        // dozens of times in one message, and only the longest per category and span is reported.
        var candidates: [LexiconCandidate] = []
        for match in matches {
            guard case .lexicon(let index) = terms[match.pattern].role else { continue }
            let rule: LexiconInfo = lexiconInfo[index]
            guard applies(rule.direction, rule.scope), !exceptionSpans.contains(where: { $0.contains(match.range.lowerBound) }) else { continue }
            if rule.negationAware && Negation.cancels(hit: match.range, view: view, clauses: clauses, otherHits: promiseSpans) { continue }
            candidates.append(LexiconCandidate(lexicon: index, category: rule.categoryIndex, range: match.range))
        }
        for candidate in LexiconCandidate.longestPerCategory(candidates) {
            let rule: LexiconInfo = lexiconInfo[candidate.lexicon]
            let span = view.span(candidate.range)
            hits.append(RiskHit(category: rule.category, rule: rule.id, severity: rule.severity,
                                match: Self.text(characters[span.start..<span.end]), start: span.start, end: span.end))
        }
        for (index, rule) in policy.proximity.enumerated() where applies(rule.direction, rule.scope) {
            let firsts = matches.filter { if case .proximityFirst(index) = terms[$0.pattern].role { true } else { false } }
            let seconds = matches.filter { if case .proximitySecond(index) = terms[$0.pattern].role { true } else { false } }
            for first in firsts {
                guard let second = seconds.first(where: { second in
                    second.range.lowerBound >= first.range.upperBound && second.range.lowerBound - first.range.upperBound <= rule.within
                        || first.range.lowerBound >= second.range.upperBound && first.range.lowerBound - second.range.upperBound <= rule.within
                }) else { continue }
                let range = min(first.range.lowerBound, second.range.lowerBound)..<max(first.range.upperBound, second.range.upperBound)
                let (start, end) = view.span(range)
                if rule.category == .falsePromise,
                   Negation.cancels(hit: range, view: view, clauses: clauses, otherHits: promiseSpans) { continue }
                hits.append(RiskHit(category: rule.category, rule: rule.id, severity: rule.severity,
                                    match: Self.text(characters[start..<end]), start: start, end: end))
                break
            }
        }
        let cues = matches.compactMap { match -> PatternScanner.Cue? in
            guard case .cue = terms[match.pattern].role else { return nil }
            let cue = String(String.UnicodeScalarView(view.scalars[match.range]))
            return PatternScanner.Cue(compactEnd: match.range.upperBound, originalEnd: view.span(match.range).end,
                                      qq: PatternScanner.qqCues.contains(cue))
        }
        let numbersPossible = PatternScanner.mayHoldNumbers(normalized)
        for rule in policy.patterns where applies(rule.direction, rule.scope) && (numbersPossible || rule.kind == .wechatID) {
            for span in PatternScanner.find(rule.kind, in: normalized, view: view, cues: cues) {
                hits.append(RiskHit(category: rule.category, rule: rule.id, severity: rule.severity,
                                    match: Self.text(characters[span.start..<span.end]), start: span.start, end: span.end))
            }
        }
        return Self.characterOffsets(Self.deduplicated(hits), text: text, scalarCount: characters.count)
    }

    static func text(_ scalars: ArraySlice<Unicode.Scalar>) -> String {
        var text = ""
        text.unicodeScalars.append(contentsOf: scalars)
        return text
    }

    /// Hits are found in scalar offsets; reports use character offsets (they differ only around emoji and combining marks).
    static func characterOffsets(_ hits: [RiskHit], text: String, scalarCount: Int) -> [RiskHit] {
        guard !hits.isEmpty, text.count != scalarCount else { return hits }
        var characterOf = [Int](repeating: 0, count: scalarCount + 1)
        var scalarIndex = 0
        for (characterIndex, character) in text.enumerated() {
            for _ in character.unicodeScalars {
                characterOf[scalarIndex] = characterIndex
                scalarIndex += 1
            }
        }
        characterOf[scalarCount] = text.count
        return hits.map { hit in
            var hit = hit
            hit.start = characterOf[hit.start]
            hit.end = hit.end >= scalarCount ? text.count : (characterOf[hit.end - 1] + 1)
            return hit
        }
    }

    /// Keeps, per category, the longest of overlapping hits; sorted by position.
    static func deduplicated(_ hits: [RiskHit]) -> [RiskHit] {
        guard hits.count > 1 else { return hits }
        let byLength = hits.indices.sorted { (hits[$0].end - hits[$0].start, $1) > (hits[$1].end - hits[$1].start, $0) }
        var kept: [Int] = []
        kept.reserveCapacity(hits.count)
        for index in byLength {
            let hit = hits[index]
            if kept.contains(where: { hits[$0].start < hit.end && hit.start < hits[$0].end && hits[$0].category == hit.category }) { continue }
            kept.append(index)
        }
        kept.sort { hits[$0].start != hits[$1].start ? hits[$0].start < hits[$1].start : hits[$0].rule < hits[$1].rule }
        return kept.map { hits[$0] }
    }
}


