import TextKit

/// Numbers and ids that lexicons cannot express: phones, WeChat and QQ ids, ID and bank cards.
///
/// Digits are read through evasions: full-width, 一/壹/① numerals, and separators between digit groups
/// (138 1234 5678, 138-1234-5678, 1３8*1234*5678).
enum PatternScanner {
    static let wechatCues = ["微信", "微信号", "vx", "wx", "v信", "weixin", "wechat", "加我", "威信"]
    static let qqCues = ["qq", "扣扣", "企鹅", "q号"]

    struct Span: Hashable {
        var start: Int
        var end: Int
    }

    /// Where a WeChat or QQ cue ends, in the compact view and in the original text.
    struct Cue {
        var compactEnd: Int
        var originalEnd: Int
        var qq: Bool
    }

    /// Whether `text` holds anything a number pattern could match (most messages hold no digits at all).
    static func mayHoldNumbers(_ text: TextNormalizer.Normalized) -> Bool {
        text.scalars.contains { ("0"..."9").contains($0) || ChineseNumerals.digit($0) != nil }
    }

    static func find(_ kind: PatternRule.Kind, in text: TextNormalizer.Normalized, view: MatchView, cues: [Cue]) -> [Span] {
        switch kind {
        case .mobileNumber: return mobileNumbers(text).map(\.span)
        case .mobileNumberList:
            let numbers = mobileNumbers(text)
            guard Set(numbers.map(\.digits)).count >= 2 else { return [] }
            return [Span(start: numbers.first!.span.start, end: numbers.last!.span.end)]
        case .idCard: return digitRuns(text).filter { isIDCard($0.digits) }.map(\.span)
        case .bankCard: return digitRuns(text).filter { !isIDCard($0.digits) && isBankCard($0.digits) }.map(\.span)
        case .wechatID: return cues.filter { !$0.qq }.compactMap { wechatID(after: $0.compactEnd, view: view) }
        case .qqNumber:
            let runs = digitRuns(text)
            return cues.filter(\.qq).compactMap { cue in
                runs.first { $0.span.start >= cue.originalEnd && $0.span.start - cue.originalEnd <= 8 && (5...11).contains($0.digits.count) }?.span
            }
        }
    }

    /// Maximal runs of digits (after numeral folding), allowing single separators between digit groups.
    static func digitRuns(_ normalized: TextNormalizer.Normalized) -> [(digits: String, span: Span)] {
        var runs: [(String, Span)] = []
        var digits = ""
        var start = -1
        var end = -1
        var gap = 0
        func flush() {
            if !digits.isEmpty { runs.append((digits, Span(start: start, end: end))) }
            digits = ""
            gap = 0
        }
        let scalars = normalized.scalars
        func isDigit(_ scalar: Unicode.Scalar) -> Bool { ("0"..."9").contains(scalar) || ChineseNumerals.digit(scalar) != nil }
        for (index, (scalar, origin)) in zip(scalars, normalized.origins).enumerated() {
            // A Chinese numeral counts only beside another numeral (一三九…), so 李四 138… stays a name and a number.
            var folded = scalar
            if let digit = ChineseNumerals.digit(scalar),
               (index > 0 && isDigit(scalars[index - 1])) || (index + 1 < scalars.count && isDigit(scalars[index + 1])) {
                folded = digit
            }
            if ("0"..."9").contains(folded) {
                if digits.isEmpty { start = origin }
                digits.unicodeScalars.append(folded)
                end = origin + 1
                gap = 0
            } else if folded == "x" && digits.count == 17 {
                digits.append("x")
                end = origin + 1
                flush()
            } else if !digits.isEmpty && gap < 3 && [" ", "-", "*", ".", "_", "—", "－", "·", "+"].contains(Character(folded)) {
                gap += 1
            } else {
                flush()
            }
        }
        flush()
        return runs
    }

    static func mobileNumbers(_ text: TextNormalizer.Normalized) -> [(digits: String, span: Span)] {
        digitRuns(text).compactMap { run in
            var digits = run.digits
            if digits.count == 13 && digits.hasPrefix("86") { digits.removeFirst(2) }
            let chars = Array(digits)
            guard chars.count == 11, chars[0] == "1", ("3"..."9").contains(chars[1]) else { return nil }
            return (digits, run.span)
        }
    }

    /// GB 11643: 17 digits weighted 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2, mod 11 → "10X98765432"; plausible birth date.
    static func isIDCard(_ digits: String) -> Bool {
        let chars = Array(digits)
        guard chars.count == 18, chars[..<17].allSatisfy(\.isNumber) else { return false }
        let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
        let sum = zip(chars[..<17], weights).reduce(0) { $0 + $1.0.wholeNumberValue! * $1.1 }
        let check = Array("10x98765432")[sum % 11]
        guard chars[17] == check else { return false }
        let year = Int(String(chars[6..<10]))!, month = Int(String(chars[10..<12]))!, day = Int(String(chars[12..<14]))!
        return (1900...2100).contains(year) && (1...12).contains(month) && (1...31).contains(day)
    }

    /// 16–19 digits of a card network's range passing the Luhn check.
    static func isBankCard(_ digits: String) -> Bool {
        let chars = Array(digits)
        guard (16...19).contains(chars.count), chars.allSatisfy(\.isNumber), ("3"..."6").contains(chars[0]) else { return false }
        var sum = 0
        for (offset, character) in chars.reversed().enumerated() {
            var value = character.wholeNumberValue!
            if offset % 2 == 1 {
                value *= 2
                if value > 9 { value -= 9 }
            }
            sum += value
        }
        return sum % 10 == 0
    }

    /// A WeChat id shortly after a cue, read in the compact view (so `l i _ m i n g 2 0 2 5` still reads):
    /// a Latin letter, then letters and digits; with a digit, or at least 8 long, so plain words are not ids.
    static func wechatID(after cueEnd: Int, view: MatchView) -> Span? {
        var index = cueEnd
        while index < view.scalars.count, index - cueEnd < 3, ["是", "号", "为", "d", "i"].contains(view.scalars[index]) { index += 1 }
        guard index < view.scalars.count, view.scalars[index].isASCII, view.scalars[index].properties.isAlphabetic else { return nil }
        let start = index
        while index < view.scalars.count, index - start < 20, view.scalars[index].isASCII,
              view.scalars[index].properties.isAlphabetic || ("0"..."9").contains(view.scalars[index]) {
            index += 1
        }
        let id = view.scalars[start..<index]
        guard (6...20).contains(id.count), id.contains(where: { ("0"..."9").contains($0) }) || id.count >= 8 else { return nil }
        return Span(start: view.origins[start], end: view.origins[index - 1] + 1)
    }
}


