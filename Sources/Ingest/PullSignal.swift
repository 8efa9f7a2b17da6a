import Foundation

/// Wakes the pull loop early: WeCom's `msgaudit_notify` callback calls ``notify()``; the loop's interval is the backstop.
///
/// Several notifications while a pull runs collapse into one more pull. One loop waits on a signal at a time.
public final class PullSignal: @unchecked Sendable {
    private let lock = NSLock()
    /// A notification nobody has waited for yet.
    private var pending = false
    private var waiter: CheckedContinuation<Void, Never>?

    public init() {}

    public func notify() {
        let woken: CheckedContinuation<Void, Never>? = lock.withLock {
            guard let waiter else {
                pending = true
                return nil
            }
            self.waiter = nil
            return waiter
        }
        woken?.resume()
    }

    /// Returns at the first notification since the last return, after `timeout`, or when the task is cancelled.
    public func wait(atMost timeout: Duration) async {
        if takePending() { return }
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                try? await Task.sleep(for: timeout)
            }
            group.addTask {
                await withTaskCancellationHandler {
                    await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                        if !self.install(continuation) { continuation.resume() }
                    }
                } onCancel: {
                    self.wakeWaiter()
                }
            }
            await group.next()
            group.cancelAll()
        }
    }

    private func takePending() -> Bool {
        lock.withLock {
            defer { pending = false }
            return pending
        }
    }

    /// Installs the waiter, unless a notification is pending or the task is cancelled already (then `false`: resume at
    /// once). Cancellation is checked under the lock the cancellation handler takes, so one of the two resumes it.
    private func install(_ continuation: CheckedContinuation<Void, Never>) -> Bool {
        let earlier: CheckedContinuation<Void, Never>?
        let installed: Bool
        lock.lock()
        if pending || Task.isCancelled {
            pending = false
            earlier = nil
            installed = false
        } else {
            earlier = waiter
            waiter = continuation
            installed = true
        }
        lock.unlock()
        earlier?.resume()
        return installed
    }

    private func wakeWaiter() {
        lock.lock()
        let woken = waiter
        waiter = nil
        lock.unlock()
        woken?.resume()
    }
}
