import Foundation

/// Per-client-address limits on sign-in attempts, in memory, in front of the account lockout the store keeps.
///
/// Two limits, both counted when an attempt starts (so a burst of parallel requests cannot overtake them) and refunded
/// when it succeeds or never reached a password check:
/// - **Address and username**: at most ``LoginLimits/attemptsPerAccountAndAddress`` attempts within a sliding
///   ``LoginLimits/window``. It is below the lockout threshold and its window is longer than the store's, so one address
///   can never lock an account by itself. A refusal is answered exactly like a wrong password.
/// - **Address**: a bucket of ``LoginLimits/attemptsPerAddress`` attempts over all usernames, known or not, refilling
///   over the window; empty, the address is answered 429 with Retry-After. It stops one address spraying guesses
///   across many accounts.
///
/// Neither limit looks at whether a username exists, so neither tells it. IPv6 addresses count per /64 (what one
/// subscriber usually holds), IPv4-mapped IPv6 addresses as IPv4. Without an address (a Unix socket, tests in process)
/// callers skip the throttle and only the account lockout applies.
///
/// Each `serve` process keeps its own tables: a load balancer spreading one client over n processes gives it n times the
/// attempts (the account lockout, kept in the database, is shared). The tables are bounded (``LoginLimits/trackedKeys``
/// each): entries whose window has passed are forgotten when a table is full, and when it is still full a new address or
/// pair goes untracked rather than refused, so a flood of addresses cannot lock everyone out; the account lockout still
/// bounds guessing then.
package actor LoginThrottle {
    /// What ``admit(address:username:now:)`` decided.
    package enum Admission: Sendable, Hashable {
        case admitted
        /// This address used up its attempts on this username: answer as for a wrong password.
        case refusedForAccount
        /// This address used up its attempts on all usernames: answer 429.
        case refusedForAddress(retryAfterSeconds: Int)
    }

    private struct Pair: Hashable {
        var address: String
        var username: String
    }

    private struct Bucket {
        var tokens: Double
        var updated: TimeInterval
    }

    private let limits: LoginLimits
    /// Start times of the attempts within the window, oldest first.
    private var attempts: [Pair: [TimeInterval]] = [:]
    private var buckets: [String: Bucket] = [:]

    package init(limits: LoginLimits) {
        self.limits = limits
    }

    /// Counts an attempt from `address` on `username` when both limits allow it.
    package func admit(address: String, username: String, now: Date) -> Admission {
        let time = now.timeIntervalSince1970
        let capacity = Double(limits.attemptsPerAddress)
        var bucket = refilled(buckets[address], at: time)
        guard bucket.tokens >= 1 else {
            buckets[address] = bucket
            let seconds = (1 - bucket.tokens) * limits.window / capacity
            return .refusedForAddress(retryAfterSeconds: max(1, Int(seconds.rounded(.up))))
        }
        bucket.tokens -= 1
        if buckets[address] != nil || roomForNewAddress(at: time) { buckets[address] = bucket }

        let pair = Pair(address: address, username: Self.trimmed(username))
        var recent = (attempts[pair] ?? []).filter { $0 > time - limits.window }
        guard recent.count < limits.attemptsPerAccountAndAddress else {
            attempts[pair] = recent
            return .refusedForAccount
        }
        recent.append(time)
        if attempts[pair] != nil || roomForNewPair(at: time) { attempts[pair] = recent }
        return .admitted
    }

    /// A successful sign-in: the pair starts afresh and the attempt is given back to the address.
    package func succeeded(address: String, username: String, now: Date) {
        attempts[Pair(address: address, username: Self.trimmed(username))] = nil
        refund(address: address, at: now.timeIntervalSince1970)
    }

    /// An admitted attempt that never reached a password check (the checks were all busy): given back in full.
    package func withdraw(address: String, username: String, now: Date) {
        let pair = Pair(address: address, username: Self.trimmed(username))
        if var recent = attempts[pair], !recent.isEmpty {
            recent.removeLast()
            attempts[pair] = recent.isEmpty ? nil : recent
        }
        refund(address: address, at: now.timeIntervalSince1970)
    }

    /// How many addresses and pairs are tracked (for tests of the bounds).
    package var trackedCounts: (addresses: Int, pairs: Int) { (buckets.count, attempts.count) }

    private func refund(address: String, at time: TimeInterval) {
        guard let bucket = buckets[address] else { return }
        var updated = self.refilled(bucket, at: time)
        updated.tokens = min(Double(limits.attemptsPerAddress), updated.tokens + 1)
        buckets[address] = updated
    }

    private func refilled(_ bucket: Bucket?, at time: TimeInterval) -> Bucket {
        let capacity = Double(limits.attemptsPerAddress)
        guard let bucket else { return Bucket(tokens: capacity, updated: time) }
        let elapsed = max(0, time - bucket.updated)
        return Bucket(tokens: min(capacity, bucket.tokens + elapsed * capacity / limits.window), updated: max(time, bucket.updated))
    }

    /// Whether a new address fits, after forgetting the ones whose bucket has refilled.
    private func roomForNewAddress(at time: TimeInterval) -> Bool {
        if buckets.count < limits.trackedKeys { return true }
        let capacity = Double(limits.attemptsPerAddress)
        buckets = buckets.filter { refilled($0.value, at: time).tokens < capacity }
        return buckets.count < limits.trackedKeys
    }

    /// Whether a new pair fits, after forgetting the ones with no attempt within the window.
    private func roomForNewPair(at time: TimeInterval) -> Bool {
        if attempts.count < limits.trackedKeys { return true }
        let floor = time - limits.window
        attempts = attempts.filter { $0.value.contains { $0 > floor } }
        return attempts.count < limits.trackedKeys
    }

    /// Usernames as keys: long ones cut short, so a huge name cannot take much memory.
    private static func trimmed(_ username: String) -> String { String(username.prefix(128)) }

    /// The throttle key of a client's IP address: IPv4 as it is, IPv6 as its /64, IPv4-mapped IPv6 as IPv4.
    package static func key(forAddress address: String) -> String {
        var text = address.lowercased().trimmingCharacters(in: .whitespaces)
        // A forwarded address may carry a port (`1.2.3.4:5678`, `[2001:db8::1]:443`): the port must not make a fresh key.
        if text.hasPrefix("["), let end = text.firstIndex(of: "]") {
            text = String(text[text.index(after: text.startIndex)..<end])
        } else if text.contains("."), text.filter({ $0 == ":" }).count == 1, let colon = text.firstIndex(of: ":") {
            text = String(text[..<colon])
        }
        if let zone = text.firstIndex(of: "%") { text = String(text[..<zone]) }
        guard text.contains(":") else { return text }
        if text.hasPrefix("::ffff:"), text.contains(".") { return String(text.dropFirst(7)) }
        let halves = text.components(separatedBy: "::")
        func groups(_ part: String) -> [String] { part.isEmpty ? [] : part.split(separator: ":", omittingEmptySubsequences: false).map(String.init) }
        let head = groups(halves[0])
        let tail = halves.count > 1 ? groups(halves[1]) : []
        let all = head + Array(repeating: "0", count: halves.count > 1 ? max(0, 8 - head.count - tail.count) : 0) + tail
        let prefix = (all + Array(repeating: "0", count: 4)).prefix(4).map { String(UInt16($0, radix: 16) ?? 0, radix: 16) }
        return prefix.joined(separator: ":") + "::/64"
    }
}
