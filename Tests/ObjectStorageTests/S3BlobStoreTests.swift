import ArchiveStore
import Crypto
import Foundation
import ObjectStorage
import Testing

/// Against a real S3 API: moto's server, started by scripts/start-services.sh (`CHATLEDGER_TEST_S3_ENDPOINT`).
@Suite(.enabled(if: S3TestServer.endpoint != nil || S3TestServer.required))
struct S3BlobStoreTests {
    let sealer = Sealer(keys: [1: SymmetricKey(size: .bits256)], activeKeyID: 1)

    func store(lock: S3BlobStore.ObjectLock? = nil, secret: String = "test-secret") throws -> S3BlobStore {
        let endpoint = try #require(S3TestServer.endpoint, "CHATLEDGER_REQUIRE_S3=1 but CHATLEDGER_TEST_S3_ENDPOINT is not set; run scripts/start-services.sh")
        let bucket = "chatledger-" + UUID().uuidString.lowercased().prefix(13)
        return S3BlobStore(configuration: .init(endpoint: endpoint, bucket: String(bucket), accessKey: "test", secretKey: secret,
                                                prefix: "archive-1/", objectLock: lock), sealer: sealer)
    }

    @Test func blobsRoundTripSealedAndContentAddressed() async throws {
        let blobs = try store()
        try await blobs.createBucket()
        let bytes = Array("语音 voice 0001".utf8) + (0..<70_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let sha = try await blobs.put(bytes)
        #expect(sha == FolderBlobStore.sha256Hex(bytes))
        #expect(try await blobs.put(bytes) == sha)
        #expect(try await blobs.get(sha) == bytes)
        #expect(try await blobs.get(String(repeating: "0", count: 64)) == nil)
        #expect(try await blobs.get("not-a-hash") == nil)
        // What the bucket holds is sealed: a different archive's keys cannot read it.
        let stranger = S3BlobStore(configuration: blobs.configuration, sealer: Sealer(keys: [1: SymmetricKey(size: .bits256)], activeKeyID: 1))
        await #expect(throws: (any Error).self) { _ = try await stranger.get(sha) }
        #expect(try await blobs.retention(of: sha) == nil)
    }

    @Test func objectLockRetentionTravelsWithEveryUpload() async throws {
        let blobs = try store(lock: .init(mode: .compliance, retentionDays: 30))
        try await blobs.createBucket()
        let sha = try await blobs.put(Array("合同.pdf".utf8))
        let retention = try #require(try await blobs.retention(of: sha))
        #expect(retention.mode == "COMPLIANCE")
        let until = try #require(ISO8601DateFormatter().date(from: String(retention.retainUntil.prefix(19)) + "Z"))
        #expect(abs(until.timeIntervalSinceNow - 30 * 86_400) < 3600)
    }

    @Test func locationsParseAndRefuseWhatTheyCannotUse() throws {
        let environment = ["AWS_ACCESS_KEY_ID": "a", "AWS_SECRET_ACCESS_KEY": "b"]
        let parsed = try S3BlobStore.Configuration(url: "s3://evidence/bank-a?endpoint=http://127.0.0.1:9000&region=cn-north-1&lock=compliance&retain-days=2555",
                                                   environment: environment)
        #expect(parsed.bucket == "evidence" && parsed.prefix == "bank-a/" && parsed.region == "cn-north-1")
        #expect(parsed.endpoint.absoluteString == "http://127.0.0.1:9000")
        #expect(parsed.objectLock == .init(mode: .compliance, retentionDays: 2555))
        #expect(throws: StorageError.self) { try S3BlobStore.Configuration(url: "s3://evidence", environment: [:]) }
        #expect(throws: StorageError.self) { try S3BlobStore.Configuration(url: "s3://evidence?lock=forever&retain-days=1", environment: environment) }
        #expect(throws: StorageError.self) { try S3BlobStore.Configuration(url: "s3://evidence?lock=governance", environment: environment) }
        #expect(throws: StorageError.self) { try S3BlobStore.Configuration(url: "http://evidence", environment: environment) }
    }
}

enum S3TestServer {
    static var endpoint: URL? { ProcessInfo.processInfo.environment["CHATLEDGER_TEST_S3_ENDPOINT"].flatMap(URL.init(string:)) }
    static var required: Bool { ProcessInfo.processInfo.environment["CHATLEDGER_REQUIRE_S3"] == "1" }
}
