/// Why an evidence package could not be written: a refused path, a file that changed while it was read,
/// a writer used after it finished or failed. Carries paths, never message content.
///
/// Verification never throws: a bad package is an ``EvidenceVerdict``, not an error.
public struct EvidenceError: Error, Sendable, CustomStringConvertible {
    /// One sentence naming the path or file concerned.
    public var message: String

    /// An error with its sentence.
    public init(_ message: String) { self.message = message }

    /// The sentence.
    public var description: String { message }
}
