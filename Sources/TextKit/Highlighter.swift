/// Finds query terms in text with search semantics and builds a short snippet around the first match.
public enum Highlighter {
    /// Ranges (in characters of the original text) where any of `terms` occurs, normalized.
    public static func matches(of terms: [String], in text: String) -> [Range<Int>] {
        let normalized = TextNormalizer.normalize(text)
        var ranges: [Range<Int>] = []
        for term in terms {
            let needle = TextNormalizer.normalize(term).scalars
            guard !needle.isEmpty, needle.count <= normalized.scalars.count else { continue }
            var start = 0
            while start + needle.count <= normalized.scalars.count {
                if normalized.scalars[start] == needle[0] && Array(normalized.scalars[start..<start + needle.count]) == needle {
                    ranges.append(normalized.origins[start]..<(normalized.origins[start + needle.count - 1] + 1))
                    start += needle.count
                } else {
                    start += 1
                }
            }
        }
        return merge(ranges)
    }

    /// Whether `term` occurs in `text` under search semantics (the brute-force definition).
    public static func contains(_ text: String, _ term: String) -> Bool {
        let haystack = TextNormalizer.normalize(text).scalars
        let needle = TextNormalizer.normalize(term).scalars
        guard !needle.isEmpty else { return true }
        guard needle.count <= haystack.count else { return false }
        for start in 0...(haystack.count - needle.count) where haystack[start] == needle[0] {
            if Array(haystack[start..<start + needle.count]) == needle { return true }
        }
        return false
    }

    /// A snippet of at most about `width` characters around the first match, matches wrapped in 【 】.
    public static func snippet(_ text: String, terms: [String], width: Int = 60) -> String {
        let characters = text.map { $0 == "\n" ? " " : $0 }
        let ranges = matches(of: terms, in: text)
        guard let first = ranges.first else { return String(characters.prefix(width)) + (characters.count > width ? "…" : "") }
        let start = max(0, min(first.lowerBound - width / 3, characters.count - width))
        let end = min(characters.count, start + width)
        var out = start > 0 ? "…" : ""
        for index in start..<end {
            if ranges.contains(where: { $0.lowerBound == index }) { out += "【" }
            out.append(characters[index])
            if ranges.contains(where: { $0.upperBound - 1 == index }) { out += "】" }
        }
        if ranges.contains(where: { $0.lowerBound < end && $0.upperBound > end }) { out += "】" }
        return out + (end < characters.count ? "…" : "")
    }

    static func merge(_ ranges: [Range<Int>]) -> [Range<Int>] {
        var merged: [Range<Int>] = []
        for range in ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if let last = merged.last, range.lowerBound <= last.upperBound {
                merged[merged.count - 1] = last.lowerBound..<max(last.upperBound, range.upperBound)
            } else {
                merged.append(range)
            }
        }
        return merged
    }
}
