import Synchronization

/// A value read at most once per `lifetime`: what an unauthenticated endpoint (`/metrics`) may compute from the
/// archive without letting anyone make the archive scan a table on every request.
final class CachedValue<Value: Sendable>: Sendable {
    private let state = Mutex<(value: Value?, readAt: ContinuousClock.Instant?)>((nil, nil))
    private let lifetime: Duration

    init(lifetime: Duration) { self.lifetime = lifetime }

    /// The cached value, or `load()`'s when it is older than the lifetime (a failed load keeps the old value).
    func get(_ load: () async throws -> Value) async -> Value? {
        let now = ContinuousClock.now
        let cached = state.withLock { state -> Value? in
            guard let readAt = state.readAt, now - readAt < lifetime else { return nil }
            return state.value
        }
        if let cached { return cached }
        // Mark the read first, so concurrent requests use the old value instead of loading too.
        let previous = state.withLock { state -> Value? in
            state.readAt = now
            return state.value
        }
        guard let fresh = try? await load() else { return previous }
        state.withLock { $0.value = fresh }
        return fresh
    }
}
