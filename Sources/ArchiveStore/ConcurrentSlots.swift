import Dispatch
import Foundation

/// Results written by concurrent workers, each to its own slot.
package final class ConcurrentSlots<Value: Sendable>: @unchecked Sendable {
    private var storage: [Value?]
    private let lock = NSLock()

    private init(count: Int) { storage = Array(repeating: nil, count: count) }

    /// `transform(0..<count)` on every core, in index order.
    package static func map(_ count: Int, _ transform: @Sendable (Int) -> Value) -> [Value] {
        let slots = ConcurrentSlots(count: count)
        DispatchQueue.concurrentPerform(iterations: count) { index in
            let value = transform(index)
            slots.lock.withLock { slots.storage[index] = value }
        }
        return slots.lock.withLock { slots.storage.map { $0! } }
    }
}
