import ArchiveModel
import ArchiveStore
import Foundation
import Ingest
import Simulator

/// What the console asks of each engine in `bench engines`: conversation pages (all, and a manager's scope of ten
/// employees), the first recomputation of every conversation's reply waits, and a 30-day report.
struct ConsoleWorkload {
    let employees: [String]
    let pages: Int

    struct Figures: Codable {
        /// Latency per kind of request, milliseconds.
        var requests: [String: QueryClass]
        /// The tracker's first pass over every conversation (what a new archive's first report pays once).
        var recomputeSeconds: Double
    }

    func measure(_ name: String, _ store: any ConsoleArchive) async throws -> Figures {
        let started = Date()
        try await ReplyTimeoutTracker(store: store, channels: []).recomputeDirty()
        let recompute = Date().timeIntervalSince(started)
        BenchLog.write("\(name) reply waits recomputed in \(String(format: "%.1f", recompute)) s")
        var rng = SeededRandom(seed: 8)
        let scopes = (0..<pages).map { _ in Set((0..<10).map { _ in rng.pick(employees) }) }
        var latencies: [String: [Double]] = [:]
        func time(_ kind: String, _ body: () async throws -> Void) async throws {
            let started = Date()
            try await body()
            latencies[kind, default: []].append(Date().timeIntervalSince(started) * 1000)
        }
        for page in 0..<pages {
            try await time("conversations page") { _ = try await store.conversations(ConversationFilter(limit: 50, offset: page * 50)) }
            try await time("conversations, 10-employee scope") {
                _ = try await store.conversations(ConversationFilter(visibleStaff: scopes[page], limit: 50))
            }
        }
        let last = try await store.stats().lastMessageTime?.milliseconds ?? 0
        for _ in 0..<max(1, pages / 4) {
            try await time("report, 30 days") {
                _ = try await InsightReport.build(store: store, since: last - 30 * 86_400_000, until: last + 1)
            }
        }
        let figures = Figures(requests: latencies.mapValues { QueryClass($0, []) }, recomputeSeconds: recompute)
        for (kind, figure) in figures.requests.sorted(by: { $0.key < $1.key }) {
            BenchLog.write("\(name) \(kind): p50 \(String(format: "%.1f", figure.p50)) ms, p95 \(String(format: "%.1f", figure.p95)) ms")
        }
        return figures
    }
}
