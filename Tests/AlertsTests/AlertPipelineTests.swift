import Alerts
import ArchiveModel
import ArchiveStore
import Crypto
import Foundation
import Ingest
import Risk
import SQLiteStore
import Simulator
import Testing
import WeCom

/// A transport that records requests and answers from a closure.
final class RecordingTransport: HTTPTransport, @unchecked Sendable {
    let lock = NSLock()
    var requests: [(url: URL, body: [UInt8], headers: [String: String])] = []
    var failing = false

    func send(method: String, url: URL, body: [UInt8]?, headers: [String: String]) async throws -> (status: Int, body: [UInt8]) {
        try lock.withLock {
            if failing { throw AlertDeliveryError("connection refused") }
            requests.append((url, body ?? [], headers))
        }
        return (200, Array(#"{"errcode":0}"#.utf8))
    }
}

@Suite(.serialized) struct AlertPipelineTests {
    static func archive(messages: Int, channels: [String]) async throws -> (SQLiteArchiveStore, SimulatedArchive) {
        let simulated = try SimulatedArchive(seed: 61, expectedMessages: messages)
        try simulated.produce(messages)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("alerts-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let store = try SQLiteArchiveStore(path: folder.appendingPathComponent("a.sqlite").path, masterKey: .generate())
        var ring = PrivateKeyRing()
        for (version, pem) in simulated.privateKeyPEMs { ring.add(try RSABackend.openssl.privateKey(pem: pem), version: version) }
        var pipeline = IngestPipeline(store: store, opener: EnvelopeOpener(keyRing: ring))
        pipeline.risk = RiskAnalysis(scanner: RiskScanner(policy: .builtIn), policyVersion: 1, channels: channels)
        _ = try await pipeline.ingest(simulated.envelopes)
        return (store, simulated)
    }

    @Test func everyPlantedViolationIsCaughtAtIngestAndRaisesAnAlert() async throws {
        let (store, simulated) = try await Self.archive(messages: 3000, channels: ["webhook"])
        let planted = simulated.messages.filter { $0.plantedRisk != nil }
        #expect(planted.count > 10)
        var alertedMessages = Set<String>()
        for alert in try await store.alerts(limit: 10_000) {
            let (_, hits, events) = try #require(try await store.alert(id: alert.id))
            #expect(hits.allSatisfy { !$0.match.isEmpty })
            #expect(events.first?.action == "opened")
            for hit in hits where hit.policyVersion == 1 { alertedMessages.insert(hit.msgid + "|" + alert.category) }
        }
        for message in planted {
            #expect(alertedMessages.contains(message.msgid + "|" + message.plantedRisk!), "missed planted \(message.plantedRisk!): \(String(decoding: message.json, as: UTF8.self))")
        }
        // Each new alert was queued for delivery in the same transaction.
        #expect(try await store.undeliveredCount() == (try await store.alerts(limit: 10_000)).count)
    }

    @Test func deliveriesAreSignedRetriedAndNeverLost() async throws {
        let (store, _) = try await Self.archive(messages: 1500, channels: ["webhook"])
        let alerts = try await store.alerts(limit: 10_000).count
        #expect(alerts > 0)
        let transport = RecordingTransport()
        transport.failing = true
        let dispatcher = AlertDispatcher(store: store, channels: [
            WebhookChannel(url: URL(string: "http://receiver.invalid/hook")!, secret: "s3cret", transport: transport),
        ])
        let first = try await dispatcher.deliverDue()
        #expect(first.delivered == 0 && first.failed == alerts)
        #expect(try await store.undeliveredCount() == alerts)
        // The receiver comes back; once the backoff has passed, everything goes out, exactly once.
        transport.failing = false
        try await Task.sleep(for: .milliseconds(2100))
        let second = try await dispatcher.deliverDue()
        #expect(second.delivered == alerts)
        #expect(try await store.undeliveredCount() == 0)
        #expect(try await dispatcher.deliverDue().delivered == 0)
        let request = try #require(transport.requests.first)
        let expected = WebhookChannel.signature(secret: "s3cret", timestamp: request.headers["X-ChatLedger-Timestamp"]!, body: request.body)
        #expect(request.headers["X-ChatLedger-Signature"] == expected)
        let payload = try #require(try JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any])
        #expect((payload["text"] as? String)?.contains("风险告警") == true)
    }

    @Test func alertsGoToWeComAppMessagesAndGroupRobotsWithTheRobotLimit() async throws {
        let (store, simulated) = try await Self.archive(messages: 1500, channels: ["wecom-app", "wecom-robot"])
        let server = FakeWeComServer(archive: simulated)
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.run(port: 0) { continuation.yield($0) } }
            var iterator = ports.makeAsyncIterator()
            let port = try #require(await iterator.next())
            let base = "http://127.0.0.1:\(port)/cgi-bin/"
            let dispatcher = AlertDispatcher(store: store, channels: [
                WeComAppMessageChannel(api: WeComAPIClient(baseURL: URL(string: base)!, corpID: server.corpID, secret: server.secret),
                                       agentID: 1_000_002, toUsers: ["risk-officer"]),
                WeComRobotChannel(url: URL(string: base + "webhook/send?key=test")!),
            ])
            _ = try await dispatcher.deliverDue()
            let alerts = try await store.alerts(limit: 10_000).count
            #expect(server.receivedAppMessages.count == alerts)
            #expect(server.receivedRobotMessages.count == min(20, alerts))
            #expect(server.receivedAppMessages.first?["touser"]?.stringValue == "risk-officer")
            // What the robot could not take this minute is still waiting, not lost.
            #expect(try await store.undeliveredCount() == max(0, alerts - 20))
            group.cancelAll()
        }
    }

    @Test func theLifecycleIsEnforcedAndRecorded() async throws {
        let (store, _) = try await Self.archive(messages: 1500, channels: [])
        let alert = try #require(try await store.alerts(limit: 1).first)
        try await store.updateAlert(id: alert.id, action: .assign, actor: "admin", assignee: "auditor1")
        try await store.updateAlert(id: alert.id, action: .acknowledge, actor: "auditor1")
        try await store.updateAlert(id: alert.id, action: .falsePositive, actor: "auditor1", note: "客户自己发的")
        await #expect(throws: StorageError.self) { try await store.updateAlert(id: alert.id, action: .resolve, actor: "auditor1") }
        await #expect(throws: StorageError.self) { try await store.updateAlert(id: 999_999, action: .resolve, actor: "x") }
        let (record, _, events) = try #require(try await store.alert(id: alert.id))
        #expect(record.status == "false-positive" && record.assignee == "auditor1")
        #expect(events.map(\.action) == ["opened", "assign → auditor1", "acknowledge", "false-positive"])
        #expect(events.last?.note == "客户自己发的")
    }
}
