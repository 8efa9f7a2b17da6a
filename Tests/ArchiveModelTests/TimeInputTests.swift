import ArchiveModel
import Foundation
import Testing

@Suite struct TimeInputTests {
    @Test func datesTimesAndMillisecondsAreRead() throws {
        #expect(try TimeInput.milliseconds("2026-11-27") == 1_795_737_600_000 - 8 * 3_600_000)
        #expect(try TimeInput.milliseconds("2026-11-27", dayOffsetSeconds: 0) == 1_795_737_600_000)
        #expect(try TimeInput.milliseconds("2026-11-27T10:00:00+08:00") == 1_795_737_600_000 + 2 * 3_600_000)
        #expect(try TimeInput.milliseconds("2026-11-27T02:00:00.250Z") == 1_795_737_600_000 + 2 * 3_600_000 + 250)
        #expect(try TimeInput.milliseconds("1764000000000") == 1_764_000_000_000)
        #expect(try TimeInput.milliseconds("1970-01-01", dayOffsetSeconds: 0) == 0)
        #expect(try TimeInput.milliseconds("9999-12-31", dayOffsetSeconds: 0) == TimeInput.latest - 86_399_999)
        #expect(try TimeInput.milliseconds("2024-02-29", dayOffsetSeconds: 0) == 1_709_164_800_000)
    }

    @Test(arguments: ["9223372036854775807", "-9223372036854775808", "253402300800000", "-1", "1e308", "-1e308", "NaN", "inf", "",
                      "2026-02-30", "2025-02-29", "2026-13-01", "1969-12-31", "99999-01-01T00:00:00Z", "10000-01-01", "0x10",
                      String(repeating: "9", count: 10_000), "１７６４０００"])
    func everythingElseIsRefusedNamingTheRange(input: String) {
        #expect(throws: TimeInput.Invalid.self) { try TimeInput.milliseconds(input) }
        #expect(TimeInput.Invalid(input: input).description.contains("from 1970-01-01 to 9999-12-31"))
    }

    @Test func arithmeticOnUntrustedTimesSaturatesInsteadOfTrapping() {
        #expect(WeComTime(date: Date(timeIntervalSince1970: .infinity)).milliseconds == .max)
        #expect(WeComTime(date: Date(timeIntervalSince1970: -.infinity)).milliseconds == .min)
        #expect(WeComTime(date: Date(timeIntervalSince1970: .nan)).milliseconds == 0)
        #expect(WeComTime(secondsOrMilliseconds: .min).milliseconds == .min)
        #expect(CivilTime(milliseconds: .max, utcOffsetSeconds: 8 * 3600).year > 292_000_000)
        #expect(CivilTime(milliseconds: .min, utcOffsetSeconds: -8 * 3600).year < -292_000_000)
        _ = WeComTime(milliseconds: .max).iso8601
        _ = WeComTime(milliseconds: .min).iso8601
    }
}
