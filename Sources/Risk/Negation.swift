/// Compliant sentences that mention a promise term without making the promise:
/// "产品不保本，有亏损风险", "承诺保本保息是违规的", "我们无法保证收益".
enum Negation {
    /// Words that negate what follows within the same clause.
    static let negators: [String] = ["不", "非", "无", "没", "未", "别", "勿", "莫", "禁止", "严禁", "不得", "杜绝", "拒绝", "防止"]
    /// "Not only …" is not a negation.
    static let notOnly: [String] = ["不仅", "不但", "不光", "不止", "无论", "没准"]
    /// A disclosure or prohibition anywhere in the clause makes the mention compliant.
    static let clauseCues: [String] = ["风险", "违规", "违法", "不合规", "谨慎", "不代表", "不等于", "禁止", "严禁", "不得", "不允许",
                                       "不能承诺", "不可承诺", "监管", "警惕", "骗局", "诈骗", "不存在", "打破", "举报"]
    /// Stronger cues that cover the whole sentence.
    static let sentenceCues: [String] = ["违规", "违法", "不合规", "禁止", "严禁", "不得", "监管规定", "不允许", "请勿", "举报", "骗局"]

    static func cancels(hit: Range<Int>, view: MatchView, clauses: ClauseMap, otherHits: [Range<Int>]) -> Bool {
        let (start, end) = view.span(hit)
        let clause = clauses.clause(containing: start)
        // The words between the clause start and the hit, in the compact view.
        let before = String(String.UnicodeScalarView(view.scalars[..<hit.lowerBound].enumerated()
            .filter { view.origins[$0.offset] >= clause.lowerBound }.map(\.element)))
        let window = String(before.suffix(6))
        let negated = negators.contains { window.contains($0) } && !notOnly.contains { window.contains($0) }
        if negated { return true }
        // Disclosure words elsewhere in the clause (not inside another promise term: 零风险 is a promise),
        // read in the compact view so that noise between characters cannot hide them either.
        let masks = otherHits + [hit]
        let masked = maskedText(view, range: clause, masking: masks)
        if clauseCues.contains(where: { masked.contains($0) }) { return true }
        let maskedSentence = maskedText(view, range: clauses.sentence(containing: start), masking: masks)
        _ = end
        return sentenceCues.contains { maskedSentence.contains($0) }
    }

    /// The compact text of the original range `range`, without the scalars of `masks`.
    static func maskedText(_ view: MatchView, range: Range<Int>, masking masks: [Range<Int>]) -> String {
        var text = String.UnicodeScalarView()
        for (index, scalar) in view.scalars.enumerated() where range.contains(view.origins[index]) {
            if masks.contains(where: { $0.contains(index) }) { continue }
            text.append(scalar)
        }
        return String(text)
    }
}

/// Clause and sentence boundaries of the original text (scalar offsets).
struct ClauseMap {
    static let clauseBreaks: Set<Unicode.Scalar> = ["，", ",", "、", "；", ";", "：", ":"]
    static let sentenceBreaks: Set<Unicode.Scalar> = ["。", "！", "!", "？", "?", "\n", "…", "～", "~"]
    let characters: [Unicode.Scalar]

    init(_ scalars: [Unicode.Scalar]) { self.characters = scalars }

    func clause(containing index: Int) -> Range<Int> {
        bounds(containing: index) { Self.clauseBreaks.contains($0) || Self.sentenceBreaks.contains($0) }
    }

    func sentence(containing index: Int) -> Range<Int> {
        bounds(containing: index) { Self.sentenceBreaks.contains($0) }
    }

    private func bounds(containing index: Int, isBreak: (Unicode.Scalar) -> Bool) -> Range<Int> {
        var start = min(index, characters.count)
        while start > 0 && !isBreak(characters[start - 1]) { start -= 1 }
        var end = min(index, characters.count)
        while end < characters.count && !isBreak(characters[end]) { end += 1 }
        return start..<end
    }
}
