import Foundation
import Ingest
import Testing

/// The pull loop's wake-up: WeCom's callback wakes it at once, the interval is the backstop, and nothing hangs. The
/// backstops here are an hour, so a wait that ends at all was ended by the notification or the cancellation (the time
/// limit fails a broken signal instead of hanging the run); a loaded machine may take seconds to schedule either.
@Suite(.timeLimit(.minutes(2))) struct PullSignalTests {
    @Test func aNotificationWakesTheWaiter() async {
        let signal = PullSignal()
        async let waited: Void = signal.wait(atMost: .seconds(3600))
        try? await Task.sleep(for: .milliseconds(100))
        signal.notify()
        await waited
    }

    @Test func aNotificationWhileNobodyWaitsIsKeptForTheNextWaitOnce() async {
        let signal = PullSignal()
        signal.notify()
        signal.notify()
        await signal.wait(atMost: .seconds(3600))
        // Both collapsed into one: the next wait runs to its backstop.
        let second = ContinuousClock.now
        await signal.wait(atMost: .milliseconds(300))
        #expect(ContinuousClock.now - second >= .milliseconds(250))
    }

    @Test func withoutANotificationTheBackstopEndsTheWait() async {
        let started = ContinuousClock.now
        await PullSignal().wait(atMost: .milliseconds(200))
        #expect(ContinuousClock.now - started >= .milliseconds(150))
    }

    @Test func cancellationEndsTheWait() async {
        let signal = PullSignal()
        let waiting = Task { await signal.wait(atMost: .seconds(3600)) }
        try? await Task.sleep(for: .milliseconds(100))
        waiting.cancel()
        await waiting.value
    }
}
