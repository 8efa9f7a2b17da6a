/// Markup this module drew itself, with every text in it escaped: the only kind of value a console page inserts
/// without escaping. Its initializer is internal, so no other module can wrap a string of its own in one.
public struct SafeHTML: Sendable, Hashable, CustomStringConvertible {
    public let html: String

    init(escapedMarkup html: String) { self.html = html }

    public var description: String { html }
}
