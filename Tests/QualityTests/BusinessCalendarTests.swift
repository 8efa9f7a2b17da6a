import Foundation
import Quality
import Testing

/// Beijing time as milliseconds (the calendar's zone in these tests).
func beijing(_ text: String) -> Int64 {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = TimeZone(identifier: "Asia/Shanghai")
    formatter.dateFormat = "yyyy-MM-dd HH:mm"
    return Int64(formatter.date(from: text)!.timeIntervalSince1970 * 1000)
}

@Suite struct BusinessCalendarTests {
    let calendar = BusinessCalendar.standard   // Mon–Fri 09:00–18:00, Asia/Shanghai

    @Test func theClockRunsOnlyInWorkingHours() {
        // 2026-11-27 is a Friday.
        #expect(calendar.deadline(from: beijing("2026-11-27 10:00"), addingMinutes: 30) == beijing("2026-11-27 10:30"))
        #expect(calendar.deadline(from: beijing("2026-11-27 17:50"), addingMinutes: 30) == beijing("2026-11-30 09:20"))
        #expect(calendar.deadline(from: beijing("2026-11-28 11:00"), addingMinutes: 30) == beijing("2026-11-30 09:30"))
        #expect(calendar.deadline(from: beijing("2026-11-30 07:00"), addingMinutes: 30) == beijing("2026-11-30 09:30"))
        #expect(calendar.workingMilliseconds(from: beijing("2026-11-27 17:50"), to: beijing("2026-11-30 09:20")) == 30 * 60_000)
        #expect(!calendar.isWorking(at: beijing("2026-11-28 10:00")) && calendar.isWorking(at: beijing("2026-11-27 10:00")))
    }

    @Test func holidaysPauseTheClockAndMakeUpDaysRunIt() {
        var festive = calendar
        festive.holidays = ["2026-11-30"]
        festive.workdays = ["2026-11-28"]
        // Friday evening → Saturday is a make-up working day.
        #expect(festive.deadline(from: beijing("2026-11-27 17:50"), addingMinutes: 30) == beijing("2026-11-28 09:20"))
        // Saturday evening → Sunday off, Monday a holiday → Tuesday.
        #expect(festive.deadline(from: beijing("2026-11-28 17:59"), addingMinutes: 30) == beijing("2026-12-01 09:29"))
    }

    @Test func splitShiftsAndAllHours() {
        var lunch = calendar
        lunch.hours["5"] = [.init(start: "09:00", end: "12:00"), .init(start: "13:30", end: "18:00")]
        #expect(lunch.deadline(from: beijing("2026-11-27 11:45"), addingMinutes: 30) == beijing("2026-11-27 13:45"))
        #expect(BusinessCalendar.allHours.deadline(from: beijing("2026-11-28 23:50"), addingMinutes: 30) == beijing("2026-11-29 00:20"))
    }

    @Test func mistakesAreNamed() {
        var bad = calendar
        bad.hours["8"] = []
        #expect(throws: CalendarError.self) { try bad.validate() }
        bad = calendar
        bad.timeZone = "Mars/Olympus"
        #expect(throws: CalendarError.self) { try bad.validate() }
        bad = calendar
        bad.hours["1"] = [.init(start: "18:00", end: "09:00")]
        #expect(throws: CalendarError.self) { try bad.validate() }
    }
}

@Suite struct ReplyEpisodesTests {
    func event(_ id: String, _ sender: String, staff: Bool, _ minute: Int64) -> ReplyEvent {
        ReplyEvent(msgid: id, sender: sender, fromStaff: staff, time: minute * 60_000)
    }

    @Test func aWaitRunsFromTheFirstUnansweredMessageToTheReply() {
        let episodes = ReplyEpisodes.split([
            event("c1", "cus", staff: false, 0), event("c2", "cus", staff: false, 5), event("s1", "emp", staff: true, 12),
            event("s2", "emp", staff: true, 13), event("c3", "cus", staff: false, 40),
        ])
        #expect(episodes.map(\.customerMessage.msgid) == ["c1", "c3"])
        #expect(episodes.map { $0.reply?.msgid } == ["s1", nil])
    }

    @Test func onlyCountedRepliesEndAWait() {
        let episodes = ReplyEpisodes.split([event("c1", "cus", staff: false, 0), event("s1", "helper", staff: true, 3),
                                            event("s2", "owner", staff: true, 9)]) { $0.sender == "owner" }
        #expect(episodes.first?.reply?.msgid == "s2")
    }
}

@Suite struct ReviewSettingsTests {
    @Test func theTotalIsTheWeightedMeanAndBadScoresAreRefused() throws {
        let review = ReviewSettings()
        #expect(try review.total(["greeting": 100, "accuracy": 100, "compliance": 100, "courtesy": 100]) == 100)
        #expect(try review.total(["accuracy": 100]) == 35)
        #expect(throws: ReviewError.self) { try review.total(["speed": 50]) }
        #expect(throws: ReviewError.self) { try review.total(["accuracy": 120]) }
    }

    @Test func samplingIsStableAndTakesAtLeastOnePerEmployee() {
        let review = ReviewSettings(sampleRate: 0.25)
        let conversations = (0..<20).map { (conversation: "c\($0)", employee: $0 < 16 ? "ann" : "bob") }
        let first = review.sample(conversations, period: "2026-11")
        #expect(first.filter { $0.employee == "ann" }.count == 4 && first.filter { $0.employee == "bob" }.count == 1)
        #expect(review.sample(conversations.reversed(), period: "2026-11").map(\.conversation).sorted() == first.map(\.conversation).sorted())
        #expect(review.sample(conversations, period: "2026-12").map(\.conversation) != first.map(\.conversation))
    }
}

@Suite struct TimerQueueTests {
    @Test func popsEverythingDueInOrder() {
        var queue = TimerQueue<String>()
        for (due, name) in [(30, "c"), (10, "a"), (50, "e"), (20, "b"), (40, "d")] { queue.push(name, due: Int64(due)) }
        #expect(queue.popDue(now: 35) == ["a", "b", "c"])
        #expect(queue.nextDue == 40 && queue.count == 2)
    }
}
