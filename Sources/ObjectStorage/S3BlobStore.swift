import ArchiveStore
import AsyncHTTPClient
import Crypto
import Foundation
import NIOCore
import NIOHTTP1

/// Attachments in an S3-compatible bucket (AWS S3, MinIO, Ceph, OSS/COS S3 endpoints), sealed with the archive's
/// data keys exactly as ``FolderBlobStore`` seals them, under `prefix/ab/cd/<sha256>`.
///
/// With Object Lock configured every upload carries a retention mode and date (WORM): the bucket must have been
/// created with Object Lock enabled (``createBucket(objectLock:)`` does that).
public struct S3BlobStore: BlobStore {
    public struct Configuration: Sendable {
        /// `http(s)://host[:port]`, without the bucket; requests use path style (`endpoint/bucket/key`).
        public var endpoint: URL
        public var bucket: String
        public var region: String
        public var accessKey: String
        public var secretKey: String
        /// Prepended to every key (`chatledger/`), so one bucket can hold several archives.
        public var prefix: String
        public var objectLock: ObjectLock?

        public init(endpoint: URL, bucket: String, region: String = "us-east-1", accessKey: String, secretKey: String,
                    prefix: String = "", objectLock: ObjectLock? = nil) {
            self.endpoint = endpoint
            self.bucket = bucket
            self.region = region
            self.accessKey = accessKey
            self.secretKey = secretKey
            self.prefix = prefix
            self.objectLock = objectLock
        }

        /// Reads `s3://bucket/prefix?endpoint=http://host:9000&region=…&lock=compliance&retain-days=2555`;
        /// credentials come from `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY`.
        public init(url text: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
            guard let components = URLComponents(string: text), components.scheme == "s3", let bucket = components.host, !bucket.isEmpty else {
                throw StorageError("'\(text)' is not an S3 location; write s3://bucket/prefix?endpoint=https://s3.example.com&region=…")
            }
            let query = Dictionary((components.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { _, last in last })
            let region = query["region"] ?? environment["AWS_REGION"] ?? "us-east-1"
            guard let endpoint = URL(string: query["endpoint"] ?? "https://s3.\(region).amazonaws.com"), endpoint.host != nil else {
                throw StorageError("the S3 endpoint in '\(text)' is not a URL")
            }
            guard let accessKey = environment["AWS_ACCESS_KEY_ID"], let secretKey = environment["AWS_SECRET_ACCESS_KEY"] else {
                throw StorageError("S3 credentials are missing: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY")
            }
            var lock: ObjectLock?
            if let mode = query["lock"] {
                guard let parsed = ObjectLock.Mode(rawValue: mode.uppercased()) else {
                    throw StorageError("lock=\(mode) is not an Object Lock mode; use governance or compliance")
                }
                guard let days = Int(query["retain-days"] ?? ""), days > 0 else {
                    throw StorageError("Object Lock needs retain-days=N (how long each attachment stays undeletable)")
                }
                lock = ObjectLock(mode: parsed, retentionDays: days)
            }
            let path = components.path.trimmingCharacters(in: CharacterSet(charactersIn: "/"))
            self.init(endpoint: endpoint, bucket: bucket, region: region, accessKey: accessKey, secretKey: secretKey,
                      prefix: path.isEmpty ? "" : path + "/", objectLock: lock)
        }
    }

    /// S3 Object Lock retention applied to each new object.
    public struct ObjectLock: Sendable, Hashable {
        public enum Mode: String, Sendable {
            /// Users with `s3:BypassGovernanceRetention` may still delete.
            case governance = "GOVERNANCE"
            /// Nobody, the root account included, can delete or shorten it before the date.
            case compliance = "COMPLIANCE"
        }

        public var mode: Mode
        public var retentionDays: Int

        public init(mode: Mode, retentionDays: Int) {
            self.mode = mode
            self.retentionDays = retentionDays
        }
    }

    public let configuration: Configuration
    let sealer: Sealer
    let client: HTTPClient
    let signer: S3Signer
    /// Blobs larger than this are refused on read (a bound on memory; WeCom's media limit is far below).
    static let maximumObjectBytes = 4 << 30

    public init(configuration: Configuration, sealer: Sealer, client: HTTPClient = .shared) {
        self.configuration = configuration
        self.sealer = sealer
        self.client = client
        signer = S3Signer(accessKey: configuration.accessKey, secretKey: configuration.secretKey, region: configuration.region)
    }

    func key(for sha256: String) -> String {
        configuration.prefix + String(sha256.prefix(2)) + "/" + String(sha256.dropFirst(2).prefix(2)) + "/" + sha256
    }

    func url(key: String?, query: String? = nil) -> URL {
        var path = configuration.endpoint.absoluteString
        if path.hasSuffix("/") { path.removeLast() }
        path += "/" + configuration.bucket
        if let key { path += "/" + key }
        if let query { path += "?" + query }
        return URL(string: path)!
    }

    public func put(_ bytes: [UInt8]) async throws -> String {
        let sha = FolderBlobStore.sha256Hex(bytes)
        let key = key(for: sha)
        // Content-addressed: an object already under this name holds these bytes (get checks on the way out).
        if try await send("HEAD", key: key).status == .ok { return sha }
        let sealed = try sealer.seal(bytes, context: SealContext.blob(sha))
        var headers = [
            "content-type": "application/octet-stream",
            // Required by S3 for uploads into an Object Lock bucket, and an integrity check on the way in.
            "content-md5": Data(Insecure.MD5.hash(data: sealed)).base64EncodedString(),
        ]
        if let lock = configuration.objectLock {
            let until = Date().addingTimeInterval(Double(lock.retentionDays) * 86_400)
            headers["x-amz-object-lock-mode"] = lock.mode.rawValue
            headers["x-amz-object-lock-retain-until-date"] = Self.iso8601(until)
        }
        let response = try await send("PUT", key: key, headers: headers, body: sealed)
        guard response.status == .ok else {
            throw StorageError("S3 refused to store blob \(sha) in \(configuration.bucket): \(response.status.code) \(response.summary)")
        }
        return sha
    }

    public func get(_ sha256: String) async throws -> [UInt8]? {
        guard sha256.count == 64, sha256.allSatisfy(\.isHexDigit) else { return nil }
        let response = try await send("GET", key: key(for: sha256))
        if response.status == .notFound { return nil }
        guard response.status == .ok else {
            throw StorageError("S3 refused to read blob \(sha256) from \(configuration.bucket): \(response.status.code) \(response.summary)")
        }
        let bytes = try sealer.open(response.body, context: SealContext.blob(sha256))
        guard FolderBlobStore.sha256Hex(bytes) == sha256 else { throw StorageError("blob \(sha256) does not match its hash") }
        return bytes
    }

    /// The retention S3 reports for a stored blob (`mode`, `retain-until`), or nil without Object Lock.
    public func retention(of sha256: String) async throws -> (mode: String, retainUntil: String)? {
        let response = try await send("HEAD", key: key(for: sha256))
        guard let mode = response.headers.first(name: "x-amz-object-lock-mode"),
              let until = response.headers.first(name: "x-amz-object-lock-retain-until-date") else { return nil }
        return (mode, until)
    }

    /// Creates the bucket when it does not exist, with Object Lock enabled when this store applies retention.
    public func createBucket() async throws {
        if try await send("HEAD", key: nil).status == .ok { return }
        var headers: [String: String] = [:]
        if configuration.objectLock != nil { headers["x-amz-bucket-object-lock-enabled"] = "true" }
        var body: [UInt8] = []
        if configuration.region != "us-east-1" {
            body = Array("""
                <CreateBucketConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><LocationConstraint>\(configuration.region)</LocationConstraint></CreateBucketConfiguration>
                """.utf8)
        }
        let response = try await send("PUT", key: nil, headers: headers, body: body)
        guard response.status == .ok else {
            throw StorageError("cannot create bucket \(configuration.bucket): \(response.status.code) \(response.summary)")
        }
    }

    /// Deletes a blob (only tests and operators on unlocked buckets need this; WORM buckets refuse).
    public func delete(_ sha256: String) async throws -> Bool {
        let response = try await send("DELETE", key: key(for: sha256))
        return response.status == .noContent || response.status == .ok
    }

    struct Response {
        var status: HTTPResponseStatus
        var headers: HTTPHeaders
        var body: [UInt8]

        /// S3's error code and message, for error texts.
        var summary: String {
            let text = String(decoding: body.prefix(600), as: UTF8.self)
            func element(_ name: String) -> String? {
                guard let start = text.range(of: "<\(name)>"), let end = text.range(of: "</\(name)>", range: start.upperBound..<text.endIndex) else { return nil }
                return String(text[start.upperBound..<end.lowerBound])
            }
            return [element("Code"), element("Message")].compactMap { $0 }.joined(separator: ": ")
        }
    }

    func send(_ method: String, key: String?, headers: [String: String] = [:], body: [UInt8] = []) async throws -> Response {
        let url = url(key: key.map { S3Signer.encodeKey($0) })
        let payloadHash = FolderBlobStore.sha256Hex(body)
        var request = HTTPClientRequest(url: url.absoluteString)
        request.method = HTTPMethod(rawValue: method)
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        for (name, value) in signer.sign(method: method, url: url, headers: headers, payloadSHA256: payloadHash) {
            request.headers.add(name: name, value: value)
        }
        if !body.isEmpty || method == "PUT" {
            request.body = .bytes(ByteBuffer(bytes: body))
            request.headers.replaceOrAdd(name: "content-length", value: String(body.count))
        }
        let response: HTTPClientResponse
        do {
            response = try await client.execute(request, timeout: .seconds(60))
        } catch {
            throw StorageError("cannot reach S3 at \(configuration.endpoint.absoluteString): \(error)")
        }
        let collected = method == "HEAD" ? ByteBuffer() : try await response.body.collect(upTo: Self.maximumObjectBytes)
        return Response(status: response.status, headers: response.headers, body: Array(buffer: collected))
    }

    static func iso8601(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }
}
