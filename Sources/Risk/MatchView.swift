import TextKit

/// The text as rules see it, with every scalar traced back to its original character.
///
/// `compact` folds away what evasion hides behind: width, case, traditional characters, look-alike
/// characters (威信 → 微信) and the noise people put between characters (私*加*微*信, 私 加 微 信).
/// `digits` additionally reads numerals written as 一/壹/① as digits, for number patterns.
struct MatchView {
    var scalars: [Unicode.Scalar]
    var origins: [Int]

    /// Offsets are into `text.unicodeScalars`. One pass over the text: the normalized text is never built.
    static func compact(_ text: String) -> MatchView {
        var scalars: [Unicode.Scalar] = []
        var origins: [Int] = []
        scalars.reserveCapacity(text.utf8.count)
        origins.reserveCapacity(text.utf8.count)
        TextNormalizer.forEachNormalizedScalar(text) { scalar, origin in
            guard !isNoise(scalar) else { return }
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

    /// Whether the range's neighbours in this view are not Latin letters.
    func isWholeWord(_ range: Range<Int>) -> Bool {
        let before: Unicode.Scalar = range.lowerBound > 0 ? scalars[range.lowerBound - 1] : " "
        let after: Unicode.Scalar = range.upperBound < scalars.count ? scalars[range.upperBound] : " "
        return !(before.isASCII && before.properties.isAlphabetic) && !(after.isASCII && after.properties.isAlphabetic)
    }

    /// The original scalars a range of this view covers.
    func span(_ range: Range<Int>) -> (start: Int, end: Int) {
        (origins[range.lowerBound], origins[range.upperBound - 1] + 1)
    }
}

/// Characters that stand in for others to dodge keyword filters.
enum LookAlikes {
    /// A switch rather than a dictionary: it runs for every scalar of every message.
    static func canonical(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        switch scalar.value {
        // 微信 written with sound- or shape-alike characters.
        case 0x5A01, 0x8587, 0x5371, 0x7EF4, 0x5FBD, 0x5DB6, 0x6EA6: /* 威薇危维徽嶶溦 */ "微"
        case 0x82AF, 0x8A2B: /* 芯訫 */ "信"
        // 扣扣 (QQ) dodges.
        case 0x5BC7, 0x853B: /* 寇蔻 */ "扣"
        default: scalar
        }
    }
}
