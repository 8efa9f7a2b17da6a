import TextKit

/// A compiled policy: every lexicon term and proximity term in one Aho–Corasick automaton over the
/// evasion-normalized text, plus number patterns, negation and disclosure awareness and exceptions.
///
/// Build once per policy version and share: scanning is pure and thread-safe.
public struct RiskScanner: Sendable {
    public let policy: Policy

    struct Term: Sendable {
        enum Role: Sendable { case lexicon(Int), proximityFirst(Int), proximitySecond(Int), exception, cue(qq: Bool) }
        var role: Role
        var latinWord: Bool
    }

    /// What a lexicon hit reports, kept apart from the rule so scanning copies no term lists.
    struct LexiconInfo: Sendable {
        var category: RiskCategory
        var id: String
        var severity: Severity
        var scope: RuleScope?
    }

    /// What the hot path asks of a lexicon rule for every match: plain values, so reading them costs no
    /// reference counting.
    struct LexiconFlags: Sendable {
        var anyDirection: Bool
        var scoped: Bool
        var negationAware: Bool
        /// The category as a small number, for cheap comparisons.
        var categoryIndex: Int
    }

    let automaton: AhoCorasick
    let terms: [Term]
    let lexiconInfo: [LexiconInfo]
    let lexiconFlags: [LexiconFlags]

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
        for cue in PatternScanner.wechatCues { add(cue, .cue(qq: false), latinWholeWord: false) }
        for cue in PatternScanner.qqCues { add(cue, .cue(qq: true), latinWholeWord: false) }
        automaton = AhoCorasick(patterns: patterns)
        self.terms = terms
        var categoryNumbers: [String: Int] = [:]
        var flags: [LexiconFlags] = []
        for rule in policy.lexicons {
            let number: Int = categoryNumbers[rule.category.rawValue] ?? categoryNumbers.count
            categoryNumbers[rule.category.rawValue] = number
            flags.append(LexiconFlags(anyDirection: rule.direction == .any, scoped: rule.scope != nil,
                                      negationAware: rule.negationAware, categoryIndex: number))
        }
        lexiconFlags = flags
        lexiconInfo = policy.lexicons.map { LexiconInfo(category: $0.category, id: $0.id, severity: $0.severity, scope: $0.scope) }
    }

    /// Scans text as `direction` describes it: `.staffToCustomer` applies every rule, `.any` only the
    /// rules that watch every sender.
    /// - Parameter senderContext: who sent it, for rules scoped to employees or departments (out of scope without it).
    public func scan(_ text: String, sentBy sender: Direction = .staffToCustomer, senderContext: SenderContext? = nil) -> [RiskHit] {
        let view = MatchView.compact(text)
        // The original scalars are needed only to quote hits and find clauses; most messages have neither.
        var originalScalars: [Unicode.Scalar]?
        func characters() -> [Unicode.Scalar] {
            if let originalScalars { return originalScalars }
            let scalars = Array(text.unicodeScalars)
            originalScalars = scalars
            return scalars
        }
        func applies(_ direction: Direction, _ scope: RuleScope? = nil) -> Bool {
            (direction == .any || sender == .staffToCustomer) && (scope?.contains(senderContext) ?? true)
        }
        func lexiconApplies(_ index: Int) -> Bool {
            let flags = lexiconFlags[index]
            guard flags.anyDirection || sender == .staffToCustomer else { return false }
            return !flags.scoped || lexiconInfo[index].scope?.contains(senderContext) == true
        }

        // One pass sorts the automaton's matches by role; most messages produce only lexicon matches or none.
        var lexiconMatches: [(lexicon: Int, range: Range<Int>)] = []
        var proximityMatches: [AhoCorasick.Match] = []
        var exceptionSpans: [Range<Int>] = []
        var promiseSpans: [Range<Int>] = []
        var cues: [PatternScanner.Cue] = []
        automaton.forEachMatch(in: view.scalars) { match in
            let term = terms[match.pattern]
            // Whole Latin words: the meaningful neighbours (noise skipped) must not be Latin letters, so `sb` is not found in `U*S*B`.
            if term.latinWord && !view.isWholeWord(match.range) { return }
            switch term.role {
            case .lexicon(let index):
                guard lexiconApplies(index) else { return }
                lexiconMatches.append((index, match.range))
                if lexiconFlags[index].negationAware { promiseSpans.append(match.range) }
            case .proximityFirst, .proximitySecond: proximityMatches.append(match)
            case .exception: exceptionSpans.append(match.range)
            case .cue(let qq):
                cues.append(PatternScanner.Cue(compactEnd: match.range.upperBound, originalEnd: view.span(match.range).end, qq: qq))
            }
        }
        lazy var clauses = ClauseMap(characters())
        var hits: [RiskHit] = []
        func report(_ category: RiskCategory, _ rule: String, _ severity: Severity, start: Int, end: Int) {
            hits.append(RiskHit(category: category, rule: rule, severity: severity,
                                match: Self.text(characters()[start..<end]), start: start, end: end))
        }

        // Lexicon matches stay lightweight until overlapping ones are dropped: a large lexicon can match
        // dozens of times in one message, and only the longest per category and span is reported.
        var candidates: [LexiconCandidate] = []
        candidates.reserveCapacity(lexiconMatches.count)
        for (index, range) in lexiconMatches {
            if !exceptionSpans.isEmpty && exceptionSpans.contains(where: { $0.contains(range.lowerBound) }) { continue }
            if lexiconFlags[index].negationAware && Negation.cancels(hit: range, view: view, clauses: clauses, otherHits: promiseSpans) { continue }
            candidates.append(LexiconCandidate(lexicon: index, category: lexiconFlags[index].categoryIndex, range: range))
        }
        for candidate in LexiconCandidate.longestPerCategory(candidates) {
            let rule = lexiconInfo[candidate.lexicon]
            let span = view.span(candidate.range)
            report(rule.category, rule.id, rule.severity, start: span.start, end: span.end)
        }
        if !proximityMatches.isEmpty {
            for (index, rule) in policy.proximity.enumerated() where applies(rule.direction, rule.scope) {
                guard let range = Self.proximityRange(of: index, within: rule.within, in: proximityMatches, terms: terms, accepting: { range in
                    !(rule.category == .falsePromise && Negation.cancels(hit: range, view: view, clauses: clauses, otherHits: promiseSpans))
                }) else { continue }
                let span = view.span(range)
                report(rule.category, rule.id, rule.severity, start: span.start, end: span.end)
            }
        }
        // The normalized text (with the separators digit groups need) only when a digit or numeral is there at all.
        let runs = PatternScanner.mayHoldNumbers(view.scalars) ? PatternScanner.digitRuns(TextNormalizer.normalizeScalars(text)) : []
        if !runs.isEmpty || !cues.isEmpty {
            for rule in policy.patterns where applies(rule.direction, rule.scope) {
                for span in PatternScanner.find(rule.kind, runs: runs, view: view, cues: cues) {
                    report(rule.category, rule.id, rule.severity, start: span.start, end: span.end)
                }
            }
        }
        return Self.characterOffsets(Self.deduplicated(hits), text: text, scalarCount: hits.isEmpty ? 0 : characters().count)
    }

    /// The first pairing of a first and a second term of proximity rule `rule` at most `within` apart
    /// that `accepting` lets through, as one range over both.
    static func proximityRange(of rule: Int, within: Int, in matches: [AhoCorasick.Match], terms: [Term],
                               accepting: (Range<Int>) -> Bool) -> Range<Int>? {
        func isFirst(_ match: AhoCorasick.Match) -> Bool {
            if case .proximityFirst(rule) = terms[match.pattern].role { true } else { false }
        }
        func isSecond(_ match: AhoCorasick.Match) -> Bool {
            if case .proximitySecond(rule) = terms[match.pattern].role { true } else { false }
        }
        for first in matches where isFirst(first) {
            guard let second = matches.first(where: { second in
                isSecond(second) && (
                    second.range.lowerBound >= first.range.upperBound && second.range.lowerBound - first.range.upperBound <= within
                    || first.range.lowerBound >= second.range.upperBound && first.range.lowerBound - second.range.upperBound <= within)
            }) else { continue }
            let range = min(first.range.lowerBound, second.range.lowerBound)..<max(first.range.upperBound, second.range.upperBound)
            if accepting(range) { return range }
        }
        return nil
    }

    static func text(_ scalars: ArraySlice<Unicode.Scalar>) -> String {
        // Encoding into one buffer is several times faster than growing a string scalar by scalar.
        var bytes: [UInt8] = []
        bytes.reserveCapacity(scalars.count * 3)
        for scalar in scalars { UTF8.encode(scalar) { bytes.append($0) } }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Hits are found in scalar offsets; reports use character offsets (they differ only around emoji and combining marks).
    static func characterOffsets(_ hits: [RiskHit], text: String, scalarCount: Int) -> [RiskHit] {
        guard !hits.isEmpty, !Self.isOneScalarPerCharacter(text), text.count != scalarCount else { return hits }
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

    /// Whether every scalar is certainly a character of its own (counting characters means grapheme
    /// breaking, which would cost more than the scan): ASCII without CR, CJK ideographs and punctuation.
    static func isOneScalarPerCharacter(_ text: String) -> Bool {
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x0D: return false
            case 0..<0x300, 0x2010...0x2027, 0x2030...0x205F, 0x3000...0x3029, 0x3030...0x3098, 0x309B...0x9FFF, 0xFF01...0xFF9D: continue
            default: return false
            }
        }
        return true
    }

    /// Keeps, per category, the longest of overlapping hits; sorted by position.
    static func deduplicated(_ hits: [RiskHit]) -> [RiskHit] {
        guard hits.count > 1 else { return hits }
        // Usually the hits are lexicon hits already resolved and in order, overlapping nothing: nothing to do.
        var reach = hits[0].end
        var inOrderApart = true
        for hit in hits.dropFirst() {
            guard hit.start >= reach else {
                inOrderApart = false
                break
            }
            reach = hit.end
        }
        if inOrderApart { return hits }
        var byLength = Array(hits.indices)
        byLength.sort(by: { longerThenEarlier(hits, $0, $1) })
        var kept: [Int] = []
        kept.reserveCapacity(hits.count)
        for index in byLength {
            let hit = hits[index]
            if kept.contains(where: { hits[$0].start < hit.end && hit.start < hits[$0].end && hits[$0].category == hit.category }) { continue }
            kept.append(index)
        }
        kept.sort(by: { earlierThenByRule(hits, $0, $1) })
        return kept.map { hits[$0] }
    }

    private static func longerThenEarlier(_ hits: [RiskHit], _ a: Int, _ b: Int) -> Bool {
        let lengthA = hits[a].end - hits[a].start
        let lengthB = hits[b].end - hits[b].start
        return lengthA != lengthB ? lengthA > lengthB : a < b
    }

    private static func earlierThenByRule(_ hits: [RiskHit], _ a: Int, _ b: Int) -> Bool {
        hits[a].start != hits[b].start ? hits[a].start < hits[b].start : hits[a].rule < hits[b].rule
    }
}
