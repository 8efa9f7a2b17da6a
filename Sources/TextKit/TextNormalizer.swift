import Foundation

/// The text every search sees: NFKC (full-width → half-width), lower case, traditional → simplified.
///
/// Each normalized scalar remembers which character of the original text it came from, so a match
/// found in normalized text can be highlighted in the original.
public enum TextNormalizer {
    /// Normalized text with the origin of each scalar.
    public struct Normalized: Sendable, Hashable {
        public var scalars: [Unicode.Scalar]
        /// For each scalar, the offset of the original `Character` it came from.
        public var origins: [Int]

        public var string: String {
            var text = ""
            text.unicodeScalars.append(contentsOf: scalars)
            return text
        }
    }

    public static func normalize(_ text: String) -> Normalized {
        var scalars: [Unicode.Scalar] = []
        var origins: [Int] = []
        scalars.reserveCapacity(text.unicodeScalars.count)
        origins.reserveCapacity(text.unicodeScalars.count)
        for (offset, character) in text.enumerated() {
            if character.unicodeScalars.count == 1, let scalar = character.unicodeScalars.first {
                append(scalar, origin: offset, to: &scalars, &origins)
            } else {
                appendFolded(String(character), origin: offset, to: &scalars, &origins)
            }
        }
        return Normalized(scalars: scalars, origins: origins)
    }

    /// The same normalization scalar by scalar: origins are offsets into `text.unicodeScalars`.
    ///
    /// Skips grapheme segmentation, so it is several times faster; hot paths (risk scanning) use it and
    /// convert offsets to characters only for what they report.
    public static func normalizeScalars(_ text: String) -> Normalized {
        var scalars: [Unicode.Scalar] = []
        var origins: [Int] = []
        // UTF-8 length bounds the scalar count and, unlike the count, costs nothing to read.
        scalars.reserveCapacity(text.utf8.count)
        origins.reserveCapacity(text.utf8.count)
        for (offset, scalar) in text.unicodeScalars.enumerated() {
            append(scalar, origin: offset, to: &scalars, &origins)
        }
        return Normalized(scalars: scalars, origins: origins)
    }

    /// Calls `body` with each normalized scalar and the offset of the original scalar it came from, in order,
    /// without building arrays (for callers that keep only some, like the risk matcher's compact view).
    @inlinable
    public static func forEachNormalizedScalar(_ text: String, _ body: (Unicode.Scalar, Int) -> Void) {
        var offset = 0
        for scalar in text.unicodeScalars {
            if let fast = fastPath(scalar) {
                body(fast, offset)
            } else {
                for folded in String(scalar).precomposedStringWithCompatibilityMapping.lowercased().unicodeScalars {
                    body(TraditionalToSimplified.convert(folded), offset)
                }
            }
            offset += 1
        }
    }

    private static func append(_ scalar: Unicode.Scalar, origin: Int, to scalars: inout [Unicode.Scalar], _ origins: inout [Int]) {
        if let fast = fastPath(scalar) {
            scalars.append(fast)
            origins.append(origin)
        } else {
            appendFolded(String(scalar), origin: origin, to: &scalars, &origins)
        }
    }

    /// Compatibility forms (full-width letters, circled digits, ㍿ …): the full NFKC, case fold and simplification.
    private static func appendFolded(_ text: String, origin: Int, to scalars: inout [Unicode.Scalar], _ origins: inout [Int]) {
        for scalar in text.precomposedStringWithCompatibilityMapping.lowercased().unicodeScalars {
            scalars.append(TraditionalToSimplified.convert(scalar))
            origins.append(origin)
        }
    }

    /// The normalized text as a string.
    public static func normalizedString(_ text: String) -> String { normalize(text).string }

    /// Scalars that fold to one scalar without Foundation: ASCII, the CJK ideograph blocks and the
    /// punctuation Chinese chat is full of (，。、“”…), which together are nearly all chat text.
    @usableFromInline
    static func fastPath(_ scalar: Unicode.Scalar) -> Unicode.Scalar? {
        switch scalar.value {
        case 0x41...0x5A: return Unicode.Scalar(scalar.value + 0x20)
        case 0..<0x80: return scalar
        case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x20000...0x2A6DF:
            return TraditionalToSimplified.convert(scalar)
        case PunctuationFolds.general, PunctuationFolds.cjk, PunctuationFolds.fullWidth:
            return PunctuationFolds.folded(scalar)
        default: return nil
        }
    }
}

/// The full fold (NFKC, lower case, simplification) of the punctuation and full-width blocks, computed once.
enum PunctuationFolds {
    static let general: ClosedRange<UInt32> = 0x2000...0x206F
    static let cjk: ClosedRange<UInt32> = 0x3000...0x303F
    static let fullWidth: ClosedRange<UInt32> = 0xFF00...0xFFEF

    /// Folded scalar per block entry; 0 where the fold is not exactly one scalar.
    private static let table: [UInt32] = [general, cjk, fullWidth].flatMap { block in
        block.map { value -> UInt32 in
            guard let scalar = Unicode.Scalar(value) else { return 0 }
            let folded = Array(String(scalar).precomposedStringWithCompatibilityMapping.lowercased().unicodeScalars)
            return folded.count == 1 ? TraditionalToSimplified.convert(folded[0]).value : 0
        }
    }

    static func folded(_ scalar: Unicode.Scalar) -> Unicode.Scalar? {
        let value = scalar.value
        let index: Int
        if general.contains(value) {
            index = Int(value - general.lowerBound)
        } else if cjk.contains(value) {
            index = general.count + Int(value - cjk.lowerBound)
        } else {
            index = general.count + cjk.count + Int(value - fullWidth.lowerBound)
        }
        return table[index] == 0 ? nil : Unicode.Scalar(table[index])
    }
}
