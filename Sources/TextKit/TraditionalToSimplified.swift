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

    /// The simplified form of `scalar`, or `scalar` itself.
    public static func convert(_ scalar: Unicode.Scalar) -> Unicode.Scalar { table[scalar] ?? scalar }
}
