/// A lexicon match before it becomes a ``RiskHit``: which rule, which category, where in the compact view.
struct LexiconCandidate {
    var lexicon: Int
    var category: Int
    var range: Range<Int>

    /// Greedy by length: keeps each candidate that overlaps no longer kept one of its category; in text order.
    static func longestPerCategory(_ candidates: [LexiconCandidate]) -> [LexiconCandidate] {
        guard candidates.count > 1 else { return candidates }
        let ordered: [LexiconCandidate] = candidates.sorted(by: longerFirst)
        var kept: [LexiconCandidate] = []
        for candidate in ordered {
            var clashes = false
            for other in kept where other.category == candidate.category && other.range.overlaps(candidate.range) {
                clashes = true
                break
            }
            if !clashes { kept.append(candidate) }
        }
        return kept.sorted(by: earlierFirst)
    }

    static func longerFirst(_ a: LexiconCandidate, _ b: LexiconCandidate) -> Bool {
        let lengthA: Int = a.range.count
        let lengthB: Int = b.range.count
        if lengthA != lengthB { return lengthA > lengthB }
        return a.range.lowerBound < b.range.lowerBound
    }

    static func earlierFirst(_ a: LexiconCandidate, _ b: LexiconCandidate) -> Bool {
        a.range.lowerBound < b.range.lowerBound
    }
}
