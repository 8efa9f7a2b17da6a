import Foundation
import Testing

/// The console reads messages for display only through `ContentAccess.swift`, where every read takes a grant
/// that `AccessPolicy` alone can make. A route that read the store directly could show content the policy
/// never allowed (as the QA page once showed a protected member's group); this keeps such reads from coming back.
@Suite struct ContentReadGuardTests {
    static let console = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Sources/Console")

    @Test func noConsoleFileButContentAccessReadsMessagesFromTheStore() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.console.path).filter { $0.hasSuffix(".swift") }
        #expect(files.contains("ContentAccess.swift"))
        let direct = ["store.messages(", "store.message(", "store.context(", "store.mediaHashes(", "store.partyNames("]
        for file in files where file != "ContentAccess.swift" {
            let text = try String(contentsOf: Self.console.appendingPathComponent(file), encoding: .utf8)
            for call in direct {
                #expect(!text.contains(call), "\(file) calls \(call)…) directly; read through ContentAccess with a grant")
            }
        }
    }
}
