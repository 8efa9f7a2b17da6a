/// What a user typed in the search box, parsed.
///
/// Terms separated by spaces must all match; `"quoted phrases"` keep their spaces; `-term` excludes;
/// `OR` between terms makes either enough (`飞单 OR 私单 保本` = (飞单 or 私单) and 保本).
public struct ParsedQuery: Sendable, Hashable {
    /// All clauses must match; any term of a clause is enough.
    public var clauses: [[String]]
    public var excluded: [String]

    /// Every positive term, for highlighting.
    public var highlightTerms: [String] { clauses.flatMap { $0 } }
}

public enum SearchQueryParser {
    public static func parse(_ input: String) -> ParsedQuery {
        var words: [(text: String, quoted: Bool, negated: Bool)] = []
        var current = ""
        var inQuotes = false
        var negated = false
        var quoted = false
        func flush() {
            if !current.isEmpty || quoted { words.append((current, quoted, negated)) }
            current = ""
            negated = false
            quoted = false
        }
        for character in input {
            if character == "\"" || character == "“" || character == "”" {
                if inQuotes {
                    inQuotes = false
                    flush()
                } else {
                    if !current.isEmpty { flush() }
                    inQuotes = true
                    quoted = true
                }
            } else if !inQuotes && (character == " " || character == "\u{3000}" || character == "\t") {
                flush()
            } else if !inQuotes && character == "-" && current.isEmpty && !negated {
                negated = true
            } else {
                current.append(character)
            }
        }
        flush()

        var clauses: [[String]] = []
        var excluded: [String] = []
        var joinNext = false
        for word in words {
            if !word.quoted && !word.negated && word.text == "OR" {
                joinNext = !clauses.isEmpty
                continue
            }
            guard !word.text.isEmpty else { continue }
            if word.negated {
                excluded.append(word.text)
                joinNext = false
            } else if joinNext, !clauses.isEmpty {
                clauses[clauses.count - 1].append(word.text)
                joinNext = false
            } else {
                clauses.append([word.text])
            }
        }
        return ParsedQuery(clauses: clauses, excluded: excluded)
    }
}
