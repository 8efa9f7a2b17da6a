import Alerts
import ArchiveModel
import ArchiveStore
import Crypto
import Foundation
import Ledger
import PostgresStore
import Testing

/// What only a shared server adds: several processes on one archive, partitions, and tampering at the SQL level.
@Suite(.serialized, .enabled(if: Engine.available.contains(.postgres)))
struct PostgresClusterTests {
    typealias Message = ArchiveConformanceTests

    @Test func oneIngesterAtATimeAndTheNextTakesOverWhenItGoes() async throws {
        try await withArchive(.postgres) { opened in
            let store = try #require(opened.postgres)
            let first = try #require(try await IngestLease.tryAcquire(store.location, holder: "node-a"))
            #expect(try await IngestLease.tryAcquire(store.location, holder: "node-b") == nil)
            #expect(try await IngestLease.currentHolder(store) == "node-a")
            store.commitUnder(first)
            _ = try await store.commit(IngestBatch(source: "wecom", messages: [try Message.message("l1", seq: 1)], cursor: 1))

            // Node b waits; node a's connection goes away (a crash closes it the same way).
            let waiter = Task { try await IngestLease.acquire(store.location, holder: "node-b", interval: .milliseconds(100)) }
            try await Task.sleep(for: .milliseconds(300))
            await first.release()
            let second = try #require(try await waiter.value)
            #expect(try await IngestLease.currentHolder(store) == "node-b")

            // A process that lost its lease cannot write any more (the fence), until it takes the lease again.
            await #expect(throws: StorageError.self) {
                _ = try await store.commit(IngestBatch(source: "wecom", messages: [try Message.message("l2", seq: 2)], cursor: 2))
            }
            #expect(try await store.message(id: "l2") == nil)
            let other = try await opened.openAgain()
            other.commitUnder(second)
            _ = try await other.commit(IngestBatch(source: "wecom", messages: [try Message.message("l2", seq: 2)], cursor: 2))
            #expect(try await store.cursor(source: "wecom") == 2)
            await second.release()
            other.close()
        }
    }

    @Test func aHolderWhoseConnectionIsCutCannotWriteAndTheLeaseIsFreeAgain() async throws {
        try await withArchive(.postgres) { opened in
            let store = try #require(opened.postgres)
            let url = try #require(opened.url)
            let lease = try #require(try await IngestLease.tryAcquire(store.location, holder: "node-a"))
            store.commitUnder(lease)
            _ = try await store.commit(IngestBatch(source: "wecom", messages: [try Message.message("c1", seq: 1)], cursor: 1))
            // The network drops the holder's lease connection (or an operator terminates it); the timeout waits until it is gone.
            try await ScratchDatabase.execute("SELECT pg_terminate_backend(\(lease.backendPID), 5000)", on: url)
            await #expect(throws: StorageError.self) {
                _ = try await store.commit(IngestBatch(source: "wecom", messages: [try Message.message("c2", seq: 2)], cursor: 2))
            }
            #expect(try await store.cursor(source: "wecom") == 1)
            let next = try #require(try await IngestLease.tryAcquire(store.location, holder: "node-b"))
            #expect(try await IngestLease.currentHolder(store) == "node-b")
            await next.release()
            await lease.release()
        }
    }

    @Test func dispatchersInSeveralProcessesDeliverEachAlertOnce() async throws {
        try await withArchive(.postgres) { opened in
            let store = try #require(opened.postgres)
            let hit = StoredRiskHit(category: "guarantee", rule: "guaranteed-return", severity: "high", start: 0, end: 2)
            // 60 conversations, one alert each.
            let messages = try (1...60).map { try Message.message("d\($0)", seq: UInt64($0), text: "保本", room: "room\($0)") }
            _ = try await store.commit(IngestBatch(source: "wecom", messages: messages,
                                                   riskHits: Dictionary(uniqueKeysWithValues: messages.map { ($0.id, [hit]) }),
                                                   alertChannels: ["recorder"]))
            let processes = [store, try await opened.openAgain(), try await opened.openAgain()]
            let channels = processes.indices.map { RecordingChannel(name: "recorder", delay: .milliseconds(5 + $0)) }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (process, channel) in zip(processes, channels) {
                    group.addTask {
                        let dispatcher = AlertDispatcher(store: process, channels: [channel])
                        for _ in 0..<20 { _ = try await dispatcher.deliverDue() }
                    }
                }
                try await group.waitForAll()
            }
            var all: [Int64] = []
            for channel in channels { all += await channel.delivered.map(\.id) }
            #expect(all.count == 60)
            #expect(Set(all).count == 60)
            #expect(try await store.undeliveredCount() == 0)
            // More than one process took part.
            var busy = 0
            for channel in channels where !(await channel.delivered.isEmpty) { busy += 1 }
            #expect(busy > 1)
            for process in processes.dropFirst() { process.close() }
        }
    }

    @Test func monthsGetTheirOwnPartitions() async throws {
        try await withArchive(.postgres) { opened in
            let store = try #require(opened.postgres)
            let january = Int64(1_704_067_200_000)  // 2024-01-01 UTC
            let messages = try (0..<4).map { try Message.message("t\($0)", seq: UInt64($0 + 1), time: january + Int64($0) * 32 * 86_400_000) }
            _ = try await store.commit(IngestBatch(source: "wecom", messages: messages))
            let url = try #require(opened.url)
            #expect(try await ScratchDatabase.scalar("SELECT count(*) FROM pg_inherits WHERE inhparent = 'message'::regclass", on: url) == 4)
            #expect(try await ScratchDatabase.scalar("SELECT count(*) FROM message_y2024m03", on: url) == 1)
            var query = MessageQuery()
            query.since = january + 31 * 86_400_000
            query.until = january + 70 * 86_400_000
            #expect(try await store.search(query).messages.map(\.id) == ["t2", "t1"])
        }
    }

    @Test func tamperingThroughSQLIsCaught() async throws {
        try await withArchive(.postgres) { opened in
            let store = try #require(opened.postgres)
            let url = try #require(opened.url)
            let key = Curve25519.Signing.PrivateKey()
            _ = try await store.commit(IngestBatch(source: "wecom", messages: try (1...30).map { try Message.message("x\($0)", seq: UInt64($0)) }))
            try await store.writeCheckpoint(signingKey: key)
            #expect(try await store.verify(publicKey: key.publicKey, blobs: nil).ok)

            // A body swapped for another message's sealed body does not open under this msgid.
            try await ScratchDatabase.execute("CREATE TABLE saved AS SELECT body FROM message WHERE msgid = 'x5'", on: url)
            try await ScratchDatabase.execute("UPDATE message SET body = (SELECT body FROM message WHERE msgid = 'x2') WHERE msgid = 'x5'", on: url)
            let swapped = try await store.verify(publicKey: key.publicKey, blobs: nil)
            #expect(swapped.failure?.kind == "message" && swapped.failure?.ref == "x5")
            try await ScratchDatabase.execute("UPDATE message SET body = (SELECT body FROM saved) WHERE msgid = 'x5'", on: url)
            #expect(try await store.verify(publicKey: key.publicKey, blobs: nil).ok)

            // A deleted message leaves its leaf without a record.
            try await ScratchDatabase.execute("DELETE FROM message WHERE msgid = 'x9'", on: url)
            let deleted = try await store.verify(publicKey: key.publicKey, blobs: nil)
            #expect(deleted.failure?.kind == "message" && deleted.failure?.ref == "x9")

            // A rewritten interior node.
            try await ScratchDatabase.execute("UPDATE ledger_node SET hash = sha256('x') WHERE level = 2 AND idx = 3", on: url)
            try await ScratchDatabase.execute("DELETE FROM ledger_leaf WHERE idx = 8", on: url)
            let broken = try await store.verify(publicKey: key.publicKey, blobs: nil)
            #expect(!broken.ok)
        }
    }

    @Test func aWrongMasterKeyIsRefusedWithBothFingerprints() async throws {
        try await withArchive(.postgres) { opened in
            let url = try #require(opened.url)
            let wrong = MasterKey.generate()
            do {
                _ = try await PostgresArchiveStore.open(url: url, masterKey: wrong)
                Issue.record("opened with the wrong master key")
            } catch let error as StorageError {
                #expect(error.message.contains(wrong.fingerprint) && error.message.contains(opened.masterKey.fingerprint))
            }
        }
    }

    @Test func unreachableServersAndMissingDatabasesSayWhatToDo() async throws {
        let location = try PostgresLocation(url: try #require(Engine.postgresURL))
        do {
            _ = try await PostgresArchiveStore.open(url: "postgres://\(location.username):\(location.password ?? "")@\(location.host):\(location.port)/no_such_db?sslmode=disable",
                                                    masterKey: .generate())
            Issue.record("opened a database that does not exist")
        } catch let error as StorageError {
            #expect(error.message.contains("does not exist"))
        }
        #expect(throws: StorageError.self) { try PostgresLocation(url: "mysql://localhost/x") }
    }
}
