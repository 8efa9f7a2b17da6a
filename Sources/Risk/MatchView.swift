import TextKit

/// The text as rules see it, with every scalar traced back to its original character.
///
/// `compact` folds away what evasion hides behind: width, case, traditional characters, look-alike
/// characters (威信 → 微信) and the noise people put between characters (私*加*微*信, 私 加 微 信).
/// `digits` additionally reads numerals written as 一/壹/① as digits, for number patterns.
struct MatchView {
    var scalars: [Unicode.Scalar]
    var origins: [Int]

    /// Offsets are into `text.unicodeScalars`.
    static func compact(_ text: String) -> MatchView {
        compact(TextNormalizer.normalizeScalars(text))
    }

    static func compact(_ normalized: TextNormalizer.Normalized) -> MatchView {
        var scalars: [Unicode.Scalar] = []
        var origins: [Int] = []
        scalars.reserveCapacity(normalized.scalars.count)
        origins.reserveCapacity(normalized.scalars.count)
        for (scalar, origin) in zip(normalized.scalars, normalized.origins) where !isNoise(scalar) {
            scalars.append(LookAlikes.canonical(scalar))
            origins.append(origin)
        }
        return MatchView(scalars: scalars, origins: origins)
    }

    /// Letters, ideographs and digits carry meaning; everything else is noise between them.
    static func isNoise(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x30...0x39, 0x61...0x7A, 0x41...0x5A, 0x4E00...0x9FFF, 0x3400...0x4DBF: return false
        case 0..<0x80: return true
        default: break
        }
        let properties = scalar.properties
        if properties.isAlphabetic || properties.numericType != nil { return false }
        return true
    }

    /// The original scalars a range of this view covers.
    func span(_ range: Range<Int>) -> (start: Int, end: Int) {
        (origins[range.lowerBound], origins[range.upperBound - 1] + 1)
    }
}

/// Characters that stand in for others to dodge keyword filters.
enum LookAlikes {
    static let map: [Unicode.Scalar: Unicode.Scalar] = {
        var map: [Unicode.Scalar: Unicode.Scalar] = [:]
        // 微信 written with sound- or shape-alike characters.
        for scalar in "威薇危维徽嶶溦".unicodeScalars { map[scalar] = "微" }
        for scalar in "芯訫".unicodeScalars { map[scalar] = "信" }
        // 扣扣 (QQ) and 支付宝 dodges.
        for scalar in "寇蔻".unicodeScalars { map[scalar] = "扣" }
        return map
    }()

    static let range: ClosedRange<UInt32> = map.keys.map(\.value).min()!...map.keys.map(\.value).max()!

    static func canonical(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        range.contains(scalar.value) ? map[scalar] ?? scalar : scalar
    }
}

/// Chinese and circled numerals as ASCII digits.
enum ChineseNumerals {
    static let map: [Unicode.Scalar: Unicode.Scalar] = {
        var map: [Unicode.Scalar: Unicode.Scalar] = [:]
        for (digit, forms) in ["0": "〇零洞", "1": "一壹幺", "2": "二贰两", "3": "三叁", "4": "四肆", "5": "五伍",
                               "6": "六陆", "7": "七柒拐", "8": "八捌", "9": "九玖"] {
            for scalar in forms.unicodeScalars { map[scalar] = digit.unicodeScalars.first! }
        }
        return map
    }()

    static func digit(_ scalar: Unicode.Scalar) -> Unicode.Scalar? { map[scalar] }
}
