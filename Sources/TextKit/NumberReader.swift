/// Reads the numbers a person would read in a text, however they are spelled: full-width digits, 一/壹/①
/// numerals, and up to three separators between digit groups (138 1234 5678, 1３8*1234*5678,
/// 138【1】2345678). One reader for everything that must see numbers alike: the risk scanner finds phones,
/// ID cards and bank cards with it, and PII masking hides the same numbers it finds.
public enum NumberReader {
    /// Digits read as one number, and where they came from.
    public struct Run: Sendable, Hashable {
        /// ASCII digits, and a final `x` for an ID-card check digit.
        public var digits: [UInt8]
        /// For each digit, the offset of the original element it came from (in the unit of the
        /// `Normalized.origins` that was read: characters or scalars).
        public var digitOrigins: [Int]
        /// The first digit's origin.
        public var start: Int
        /// One past the last digit's origin.
        public var end: Int
    }

    /// What may stand between digit groups of one number (after normalization: full-width forms are folded).
    public static let separators: Set<Unicode.Scalar> = [" ", "-", "*", ".", "_", "—", "－", "·", "+", "【", "】", "\u{3000}"]

    /// At most this many separators in a row still join two digit groups.
    public static let maximumGap = 3

    /// Invisible marks that sit inside a number without separating it: keycap digits (1️⃣ is 1 U+FE0F U+20E3),
    /// variation selectors, zero-width spaces and joiners.
    public static func isInvisible(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0xFE00...0xFE0F, 0x20E3, 0x200B...0x200D, 0x2060, 0xFEFF: true
        default: false
        }
    }

    /// A decimal digit of any script (Arabic-Indic ٣, Devanagari ३ …) as ASCII; normalization already folds
    /// full-width and mathematical digits.
    public static func decimal(_ scalar: Unicode.Scalar) -> Unicode.Scalar? {
        // The CJK blocks (nearly all chat text) hold no decimal digits: skip the property lookup on the hot path.
        let code = scalar.value
        guard code >= 0x80, !(0x2E80...0xD7FF).contains(code), code < 0x20000 else { return nil }
        guard scalar.properties.numericType == .decimal, let value = scalar.properties.numericValue,
              value >= 0, value <= 9 else { return nil }
        return Unicode.Scalar(UInt8(48 + Int(value)))
    }

    /// A Chinese or circled numeral as an ASCII digit, or nil.
    public static func numeral(_ scalar: Unicode.Scalar) -> Unicode.Scalar? {
        switch scalar.value {
        case 0x3007, 0x96F6, 0x6D1E: /* 〇零洞 */ "0"
        case 0x4E00, 0x58F9, 0x5E7A: /* 一壹幺 */ "1"
        case 0x4E8C, 0x8D30, 0x4E24: /* 二贰两 */ "2"
        case 0x4E09, 0x53C1: /* 三叁 */ "3"
        case 0x56DB, 0x8086: /* 四肆 */ "4"
        case 0x4E94, 0x4F0D: /* 五伍 */ "5"
        case 0x516D, 0x9646: /* 六陆 */ "6"
        case 0x4E03, 0x67D2, 0x62D0: /* 七柒拐 */ "7"
        case 0x516B, 0x634C: /* 八捌 */ "8"
        case 0x4E5D, 0x7396: /* 九玖 */ "9"
        default: nil
        }
    }

    /// Whether a number could be read at all: an ASCII digit, or two numerals side by side (a lone 一 in
    /// 一下 is not a number). Lets callers skip the reading for the many texts without one.
    /// - Parameter scalars: normalized scalars (noise may be removed; digits and numerals must be kept).
    public static func mayHoldNumbers(_ scalars: [Unicode.Scalar]) -> Bool {
        var previousNumeral = false
        for scalar in scalars {
            if ("0"..."9").contains(scalar) || decimal(scalar) != nil { return true }
            let isNumeral = numeral(scalar) != nil
            if isNumeral && previousNumeral { return true }
            previousNumeral = isNumeral
        }
        return false
    }

    /// Maximal runs of digits in normalized text.
    public static func runs(_ normalized: TextNormalizer.Normalized) -> [Run] {
        var runs: [Run] = []
        var digits: [UInt8] = []
        var origins: [Int] = []
        var gap = 0
        func flush() {
            if !digits.isEmpty { runs.append(Run(digits: digits, digitOrigins: origins, start: origins[0], end: origins[origins.count - 1] + 1)) }
            digits.removeAll(keepingCapacity: true)
            origins.removeAll(keepingCapacity: true)
            gap = 0
        }
        let scalars = normalized.scalars
        func isDigit(_ scalar: Unicode.Scalar) -> Bool { ("0"..."9").contains(scalar) || numeral(scalar) != nil }
        for index in scalars.indices {
            let scalar = scalars[index]
            let origin = normalized.origins[index]
            // A Chinese numeral counts only beside another numeral (一三九…), so 李四 138… stays a name and a number.
            if isInvisible(scalar) { continue }
            var folded = decimal(scalar) ?? scalar
            if let digit = numeral(scalar),
               (index > 0 && isDigit(scalars[index - 1])) || (index + 1 < scalars.count && isDigit(scalars[index + 1])) {
                folded = digit
            }
            if ("0"..."9").contains(folded) {
                // Several scalars of one original element (a decomposed ⑩) are one place, not two digits to hide apart.
                digits.append(UInt8(folded.value))
                origins.append(origin)
                gap = 0
            } else if folded == "x" && digits.count == 17 {
                digits.append(UInt8(ascii: "x"))
                origins.append(origin)
                flush()
            } else if !digits.isEmpty && gap < maximumGap && separators.contains(folded) {
                gap += 1
            } else {
                flush()
            }
        }
        flush()
        return runs
    }
}
