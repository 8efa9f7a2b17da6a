/// Whether a legal hold may be lifted now, and by whom: releasing one needs a second person (four-eyes).
///
/// Whoever asks first records a request; a different person then approves it and the hold ends. The one who asked may
/// not approve their own request, and nothing needs releasing when no hold is on.
package enum LegalHold {
    package enum ReleaseStep: Sendable, Hashable {
        /// Record `actor` as asking for the release; the hold stays.
        case request
        /// `actor` approves another person's request: the hold ends.
        case release(requestedBy: String)
        /// Nothing changes; the reason says why.
        case refuse(String)
    }

    /// - Parameters:
    ///   - held: whether the case is under hold.
    ///   - requestedBy: who asked for the release, if someone did.
    ///   - actor: who asks now.
    package static func release(held: Bool, requestedBy: String?, actor: String) -> ReleaseStep {
        guard held else { return .refuse("the case is not under legal hold") }
        guard let requestedBy else { return .request }
        guard requestedBy != actor else {
            return .refuse("\(actor) already asked to release this hold; a second person must approve it")
        }
        return .release(requestedBy: requestedBy)
    }
}
