import TextKit

/// Numbers and ids that lexicons cannot express: phones, WeChat and QQ ids, ID and bank cards.
///
/// Digits are read through evasions: full-width, 一/壹/① numerals, and separators between digit groups
/// (138 1234 5678, 138-1234-5678, 1３8*1234*5678), as ``NumberReader`` reads them.
enum PatternScanner {
    static let wechatCues = ["微信", "微信号", "vx", "wx", "v信", "weixin", "wechat", "加我", "威信"]
    static let qqCues = ["qq", "扣扣", "企鹅", "q号"]

    struct Span: Hashable {
        var start: Int
        var end: Int
    }

    /// Digits read as one number, and the original scalars they came from.
    struct DigitRun {
        /// ASCII digits, and a final `x` for an ID-card check digit.
        var digits: [UInt8]
        var span: Span
    }

    /// Where a WeChat or QQ cue ends, in the compact view and in the original text.
    struct Cue {
        var compactEnd: Int
        var originalEnd: Int
        var qq: Bool
    }

    /// Whether a number pattern could match (the shared reader's test; see ``NumberReader/mayHoldNumbers(_:)``).
    static func mayHoldNumbers(_ scalars: [Unicode.Scalar]) -> Bool { NumberReader.mayHoldNumbers(scalars) }

    /// - Parameter runs: ``digitRuns(_:)`` of the text, read once for every pattern rule.
    static func find(_ kind: PatternRule.Kind, runs: [DigitRun], view: MatchView, cues: [Cue]) -> [Span] {
        switch kind {
        case .mobileNumber: return mobileNumbers(runs).map(\.span)
        case .mobileNumberList:
            let numbers = mobileNumbers(runs)
            guard Set(numbers.map(\.digits)).count >= 2 else { return [] }
            return [Span(start: numbers.first!.span.start, end: numbers.last!.span.end)]
        case .idCard: return runs.filter { isIDCard($0.digits) }.map(\.span)
        case .bankCard: return runs.filter { !isIDCard($0.digits) && isBankCard($0.digits) }.map(\.span)
        case .wechatID: return cues.filter { !$0.qq }.compactMap { wechatID(after: $0.compactEnd, view: view) }
        case .qqNumber:
            return cues.filter(\.qq).compactMap { cue in
                runs.first { $0.span.start >= cue.originalEnd && $0.span.start - cue.originalEnd <= 8 && (5...11).contains($0.digits.count) }?.span
            }
        }
    }

    /// Maximal runs of digits, read by the ``NumberReader`` PII masking shares, so whatever is flagged is also masked.
    static func digitRuns(_ normalized: TextNormalizer.Normalized) -> [DigitRun] {
        NumberReader.runs(normalized).map { DigitRun(digits: $0.digits, span: Span(start: $0.start, end: $0.end)) }
    }

    static func mobileNumbers(_ runs: [DigitRun]) -> [DigitRun] {
        runs.compactMap { run in
            var digits = run.digits
            if digits.count == 13 && digits.starts(with: Array("86".utf8)) { digits.removeFirst(2) }
            guard digits.count == 11, digits[0] == UInt8(ascii: "1"), (UInt8(ascii: "3")...UInt8(ascii: "9")).contains(digits[1]) else { return nil }
            return DigitRun(digits: digits, span: run.span)
        }
    }

    /// GB 11643: 17 digits weighted 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2, mod 11 → "10X98765432"; plausible birth date.
    static func isIDCard(_ digits: [UInt8]) -> Bool {
        guard digits.count == 18, digits[..<17].allSatisfy(isASCIIDigit) else { return false }
        let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
        let sum = zip(digits[..<17], weights).reduce(0) { $0 + Int($1.0 - UInt8(ascii: "0")) * $1.1 }
        let check = Array("10x98765432".utf8)[sum % 11]
        guard digits[17] == check else { return false }
        let year = number(digits[6..<10]), month = number(digits[10..<12]), day = number(digits[12..<14])
        return (1900...2100).contains(year) && (1...12).contains(month) && (1...31).contains(day)
    }

    /// 16–19 digits of a card network's range passing the Luhn check.
    static func isBankCard(_ digits: [UInt8]) -> Bool {
        guard (16...19).contains(digits.count), digits.allSatisfy(isASCIIDigit),
              (UInt8(ascii: "3")...UInt8(ascii: "6")).contains(digits[0]) else { return false }
        var sum = 0
        for (offset, digit) in digits.reversed().enumerated() {
            var value = Int(digit - UInt8(ascii: "0"))
            if offset % 2 == 1 {
                value *= 2
                if value > 9 { value -= 9 }
            }
            sum += value
        }
        return sum % 10 == 0
    }

    static func isASCIIDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }

    static func number(_ digits: ArraySlice<UInt8>) -> Int {
        digits.reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
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


