import ArchiveModel

/// When a hit joins an alert already raised instead of opening a new one: a burst is one case for a risk officer,
/// not twenty.
///
/// Hits of one category in one conversation join the newest alert of that conversation and category that is still
/// being handled and whose last hit is at most ``burstWindow`` before them. Both engines group this way; the rule is
/// stated here once and ``AlertPlanner`` applies it.
package enum AlertGrouping {
    /// Half an hour, in milliseconds.
    package static let burstWindow: Int64 = 30 * 60 * 1000

    /// The statuses of an alert that still takes hits; a resolved or false-positive alert is never reopened.
    package static let joinableStatuses: [String] = ["open", "assigned", "acknowledged"]

    /// Whether a hit at `time` belongs to the burst of an alert whose last hit was at `lastMessageTime`.
    ///
    /// The window bound is inclusive. Only lateness counts: a hit earlier than the alert's last one (a late delivery,
    /// a rescan of old messages) joins however much earlier it is.
    package static func joins(hitAt time: WeComTime, alertLastAt lastMessageTime: WeComTime) -> Bool {
        lastMessageTime.milliseconds >= earliestJoinableLast(forHitAt: time).milliseconds
    }

    /// The oldest last-hit time an alert may have and still take a hit at `time` (saturating, where the engines'
    /// `time - window` would overflow).
    package static func earliestJoinableLast(forHitAt time: WeComTime) -> WeComTime {
        let (bound, overflow) = time.milliseconds.subtractingReportingOverflow(burstWindow)
        return WeComTime(milliseconds: overflow ? .min : bound)
    }
}
