/// Masks the numbers that identify a person: mobile numbers, ID-card and bank-card numbers.
///
/// Numbers are read by ``NumberReader``, exactly as the risk scanner reads them, so every spelling the
/// scanner would recognise as a phone or card is masked too. What is masked is decided by shape, not by
/// checksum (a mistyped card is still a card): a mobile number (11 digits from 13…19, optionally after 86), an
/// ID card (15 digits, or 17 and a digit or X), a bank card (16–19 digits from 3…6), and any run of 20 or more
/// digits (numbers run together). Dates, times, amounts and IP addresses stay as written. A masked number keeps
/// its first 3 and last 4 digits (`138****5678`): enough to tell two apart, not enough to call. Mask the whole
/// text before anything is cut from it or marked in it (snippets, highlights): a window or a mark must never
/// see the digits masking hides.
public enum PIIMasker {
    public static func mask(_ text: String) -> String {
        // Cheap exit for pure-ASCII texts without a digit (most chat text is CJK, which takes the full path).
        if text.utf8.allSatisfy({ $0 < 0x80 && !(0x30...0x39).contains($0) }) { return text }
        let normalized = TextNormalizer.normalizeScalars(text)
        guard NumberReader.mayHoldNumbers(normalized.scalars) else { return text }
        var hidden = Set<Int>()
        for run in NumberReader.runs(normalized) where identifiesAPerson(run.digits) {
            hidden.formUnion(run.digitOrigins[3..<(run.digitOrigins.count - 4)])
        }
        guard !hidden.isEmpty else { return text }
        var output = String.UnicodeScalarView()
        for (offset, scalar) in text.unicodeScalars.enumerated() {
            output.append(hidden.contains(offset) ? "*" : scalar)
        }
        return String(output)
    }

    /// Whether digits have the shape of a phone, ID-card or bank-card number (or of several run together).
    public static func identifiesAPerson(_ digits: [UInt8]) -> Bool {
        let zero = UInt8(ascii: "0")
        func digit(_ index: Int) -> Int { Int(digits[index]) - Int(zero) }
        switch digits.count {
        case 11: return digit(0) == 1 && digit(1) >= 3
        case 13: return digit(0) == 8 && digit(1) == 6 && digit(2) == 1 && digit(3) >= 3
        case 15, 18: return true
        case 16...19: return (3...6).contains(digit(0))
        case 20...: return true
        default: return false
        }
    }
}
