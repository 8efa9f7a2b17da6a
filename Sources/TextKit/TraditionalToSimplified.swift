/// Traditional → simplified Chinese, character by character (OpenCC's TSCharacters table).
public enum TraditionalToSimplified {
    static let table: [Unicode.Scalar: Unicode.Scalar] = {
        var table: [Unicode.Scalar: Unicode.Scalar] = [:]
        let scalars = Array(pairs.unicodeScalars)
        table.reserveCapacity(scalars.count / 2)
        var index = 0
        while index + 1 < scalars.count {
            table[scalars[index]] = scalars[index + 1]
            index += 2
        }
        return table
    }()

    /// The basic CJK blocks (U+3400–U+9FFF) as a flat table: one array read instead of a hash lookup per character.
    static let basicBlock: [UInt32] = {
        var flat = [UInt32](repeating: 0, count: 0xA000 - 0x3400)
        for (from, to) in table where (0x3400..<0xA000).contains(from.value) { flat[Int(from.value) - 0x3400] = to.value }
        return flat
    }()

    /// The simplified form of `scalar`, or `scalar` itself.
    public static func convert(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        let value = scalar.value
        if value < 0x3400 { return scalar }
        if value < 0xA000 {
            let mapped = basicBlock[Int(value) - 0x3400]
            return mapped == 0 ? scalar : Unicode.Scalar(mapped)!
        }
        return table[scalar] ?? scalar
    }
}
