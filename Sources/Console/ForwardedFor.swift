import Foundation

/// Reads `X-Forwarded-For` as a trusted proxy wrote it: the header lists hops, nearest last, and only the hops a
/// trusted proxy appended can be believed, so the client is the nearest hop that is not itself a trusted proxy.
public enum ForwardedFor {
    /// - Parameters:
    ///   - headers: every `X-Forwarded-For` field, in order (each a comma-separated list).
    ///   - trustedProxies: the proxies' addresses.
    /// - Returns: nil when the header names no one but trusted proxies (or nothing an address could be).
    public static func client(_ headers: [String], trustedProxies: [String]) -> String? {
        let hops = headers.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        return hops.reversed().first { !trustedProxies.contains($0) }.flatMap { $0.utf8.count <= 64 ? $0 : nil }
    }
}
