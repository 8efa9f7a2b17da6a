import Insights

/// What a page may insert without escaping.
package enum TemplateValues {
    /// The keys a template inserts without escaping (`{{{…}}}`), other than the layout's own `body`.
    package static let unescapedKeys: Set<String> = ["svg"]

    /// `values` with anything under an unescaped key that is not ``SafeHTML`` (drawn and escaped by `Insights`) escaped
    /// as text: a string that reaches `{{{svg}}}` by mistake shows as text instead of running.
    package static func trustingOnlySafeHTML(_ value: Any) -> Any {
        if let dictionary = value as? [String: Any] {
            var checked: [String: Any] = [:]
            for (key, item) in dictionary {
                if unescapedKeys.contains(key), !(item is SafeHTML) {
                    checked[key] = SVGChart.escape(String(describing: item))
                } else {
                    checked[key] = trustingOnlySafeHTML(item)
                }
            }
            return checked
        }
        if let array = value as? [Any] { return array.map(trustingOnlySafeHTML) }
        return value
    }
}
