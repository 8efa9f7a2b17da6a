/// A lexicon match before it becomes a ``RiskHit``: which rule, which category, where in the compact view.
struct LexiconCandidate {
    var lexicon: Int
    var category: Int
    var range: Range<Int>

    /// Greedy by length: keeps each candidate that overlaps no longer kept one of its category; in text order.
    ///
    /// Ties go to the earlier candidate, then to the one given first. Candidates arrive in the automaton's
    /// order (by end), so within one length they are already by start: visiting lengths from the longest
    /// down gives the greedy order without sorting, which matters because this runs for every message.
    static func longestPerCategory(_ candidates: [LexiconCandidate]) -> [LexiconCandidate] {
        guard candidates.count > 1 else { return candidates }
        var kept: [LexiconCandidate] = []
        for length in distinctLengths(candidates) {
            for candidate in candidates where candidate.range.count == length {
                var clashes = false
                for other in kept where other.category == candidate.category && other.range.overlaps(candidate.range) {
                    clashes = true
                    break
                }
                if !clashes { kept.append(candidate) }
            }
        }
        kept.sort { $0.range.lowerBound < $1.range.lowerBound }
        return kept
    }

    /// The lengths of the candidates, longest first.
    static func distinctLengths(_ candidates: [LexiconCandidate]) -> [Int] {
        var present: UInt64 = 0
        var long: Set<Int> = []
        for candidate in candidates {
            let length = candidate.range.count
            if length < 64 { present |= 1 << UInt64(length) } else { long.insert(length) }
        }
        var lengths = long.sorted(by: >)
        for length in stride(from: 63, through: 0, by: -1) where present & (1 << UInt64(length)) != 0 { lengths.append(length) }
        return lengths
    }
}
