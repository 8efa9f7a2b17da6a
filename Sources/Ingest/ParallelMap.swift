import Foundation

/// Maps `items` with CPU-bound `transform` on every core, preserving order.
///
/// Work is cut into small contiguous chunks: large enough that per-task overhead stays negligible
/// next to an RSA-2048 decryption per item, small enough that a core shared with a concurrent
/// commit does not leave the other idle at the end of a batch.
public func parallelMap<T: Sendable, R: Sendable>(
    _ items: [T], parallelism: Int = ProcessInfo.processInfo.activeProcessorCount,
    _ transform: @escaping @Sendable (T) -> R
) async -> [R] {
    guard parallelism > 1, items.count > 1 else { return items.map(transform) }
    // About 32 items per chunk: an RSA-bound chunk then takes ~7 ms, so the idle tail at the end of a batch stays short.
    let workers = max(1, min(max(parallelism * 4, items.count / 32), items.count))
    let chunkSize = (items.count + workers - 1) / workers
    return await withTaskGroup(of: (Int, [R]).self) { group in
        for worker in 0..<workers {
            let range = min(items.count, worker * chunkSize)..<min(items.count, (worker + 1) * chunkSize)
            guard !range.isEmpty else { continue }
            let slice = Array(items[range])
            group.addTask { (worker, slice.map(transform)) }
        }
        var parts = [[R]](repeating: [], count: workers)
        for await (worker, part) in group { parts[worker] = part }
        return parts.flatMap { $0 }
    }
}
