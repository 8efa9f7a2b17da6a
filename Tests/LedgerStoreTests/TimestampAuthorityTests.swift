import ArchiveStore
import Crypto
import Foundation
import Ingest
import Ledger
import SQLiteStore
import Testing
import WeCom

/// A local RFC 3161 TSA made with `openssl ts`: a test root, a TSA certificate with the critical
/// timeStamping usage, and a transport that answers each query with `openssl ts -reply`.
struct OpenSSLTimestampAuthority: HTTPTransport {
    let folder: String

    static func make() throws -> OpenSSLTimestampAuthority {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tsa-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try """
            [ req ]
            distinguished_name = dn
            prompt = no
            [ dn ]
            CN = ChatLedger Test TSA
            [ tsa_ext ]
            basicConstraints = CA:FALSE
            keyUsage = critical, digitalSignature, nonRepudiation
            extendedKeyUsage = critical, timeStamping
            [ ca_ext ]
            basicConstraints = critical, CA:TRUE
            keyUsage = critical, keyCertSign, cRLSign
            [ tsa_config ]
            serial = \(folder)/serial
            signer_cert = \(folder)/tsa.crt
            signer_key = \(folder)/tsa.key
            signer_digest = sha256
            default_policy = 1.2.3.4.1
            other_policies = 1.2.3.4.2
            digests = sha256
            accuracy = secs:1
            ordering = yes
            tsa_name = no
            ess_cert_id_chain = no
            ess_cert_id_alg = sha256
            certs = \(folder)/tsa.crt
            """.write(toFile: folder + "/tsa.cnf", atomically: true, encoding: .utf8)
        try "01\n".write(toFile: folder + "/serial", atomically: true, encoding: .utf8)
        try openssl(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", folder + "/ca.key", "-out", folder + "/ca.crt",
                     "-days", "30", "-subj", "/CN=Test Root", "-extensions", "ca_ext", "-config", folder + "/tsa.cnf"])
        try openssl(["req", "-newkey", "rsa:2048", "-nodes", "-keyout", folder + "/tsa.key", "-out", folder + "/tsa.csr",
                     "-subj", "/CN=Test TSA", "-config", folder + "/tsa.cnf"])
        try openssl(["x509", "-req", "-in", folder + "/tsa.csr", "-CA", folder + "/ca.crt", "-CAkey", folder + "/ca.key",
                     "-CAcreateserial", "-out", folder + "/tsa.crt", "-days", "30", "-extfile", folder + "/tsa.cnf", "-extensions", "tsa_ext"])
        return OpenSSLTimestampAuthority(folder: folder)
    }

    func send(method: String, url: URL, body: [UInt8]?, headers: [String: String]) async throws -> (status: Int, body: [UInt8]) {
        guard headers["Content-Type"] == "application/timestamp-query", let body else { return (415, []) }
        let name = UUID().uuidString
        try Data(body).write(to: URL(fileURLWithPath: "\(folder)/\(name).tsq"))
        try Self.openssl(["ts", "-reply", "-queryfile", "\(folder)/\(name).tsq", "-config", "\(folder)/tsa.cnf", "-section", "tsa_config",
                          "-out", "\(folder)/\(name).tsr"])
        return (200, Array(try Data(contentsOf: URL(fileURLWithPath: "\(folder)/\(name).tsr"))))
    }

    /// `openssl ts -verify` of a token over a digest, against the test root.
    func verify(token: [UInt8], digest: [UInt8]) throws -> Bool {
        let path = "\(folder)/\(UUID().uuidString).tst"
        try Data(token).write(to: URL(fileURLWithPath: path))
        let hex = digest.map { String(format: "%02x", $0) }.joined()
        return (try? Self.openssl(["ts", "-verify", "-digest", hex, "-in", path, "-token_in", "-CAfile", "\(folder)/ca.crt",
                                    "-untrusted", "\(folder)/tsa.crt"])) != nil
    }

    static func openssl(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw LedgerError("openssl \(arguments.first ?? "") failed") }
    }
}

@Suite struct TimestampAuthorityTests {
    @Test func checkpointsCarryATokenThatOpenSSLVerifies() async throws {
        let tsa = try OpenSSLTimestampAuthority.make()
        let authority = TimestampAuthority(url: URL(string: "http://tsa.invalid/")!, transport: tsa)
        let fixture = try await SealedArchiveFixture(messages: 30)
        _ = try await IngestPipelineAppend.oneMore(fixture)
        let checkpoint = try #require(try await fixture.store.writeCheckpoint(signingKey: fixture.signingKey) { digest in
            try await authority.timestamp(sha256: digest)
        })
        let token = try #require(checkpoint.timestampToken)
        let digest = Array(SHA256.hash(data: checkpoint.note))
        #expect(try tsa.verify(token: token, digest: digest))
        var other = digest
        other[0] ^= 1
        #expect(try !tsa.verify(token: token, digest: other))
        #expect(try await fixture.store.checkpoints().last?.timestampToken == token)
    }

    @Test func aRefusalOrGarbageFromTheTSAIsAClearError() {
        #expect(throws: LedgerError.self) { try TimestampProtocol.token(fromResponse: [0x30, 0x03, 0x02, 0x01, 0x02]) }
        #expect(throws: LedgerError.self) { try TimestampProtocol.token(fromResponse: Array("<html>".utf8)) }
    }
}

/// Adds one more message so that a new checkpoint is due.
enum IngestPipelineAppend {
    static func oneMore(_ fixture: SealedArchiveFixture) async throws -> Int {
        let raw = Array(#"{"msgid":"tsa-extra","action":"send","from":"a","tolist":["b"],"roomid":"","msgtime":1793581200000,"msgtype":"text","text":{"content":"x"}}"#.utf8)
        return try await fixture.store.commit(IngestBatch(source: "test", messages: [try MessageDecoder().decode(raw, seq: 0)])).inserted
    }
}
