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
        scalars.reserveCapacity(text.unicodeScalars.count)
        origins.reserveCapacity(text.unicodeScalars.count)
        for (offset, scalar) in text.unicodeScalars.enumerated() {
            append(scalar, origin: offset, to: &scalars, &origins)
        }
        return Normalized(scalars: scalars, origins: origins)
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

    /// Scalars whose NFKC form is themselves: ASCII and the CJK ideograph blocks (most chat text).
    static func fastPath(_ scalar: Unicode.Scalar) -> Unicode.Scalar? {
        switch scalar.value {
        case 0x41...0x5A: return Unicode.Scalar(scalar.value + 0x20)
        case 0..<0x80: return scalar
        case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x20000...0x2A6DF:
            return TraditionalToSimplified.convert(scalar)
        default: return nil
        }
    }
}
