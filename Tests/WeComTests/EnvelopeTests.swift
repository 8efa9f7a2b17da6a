import ArchiveModel
import Foundation
import Simulator
import Testing
import WeCom

@Suite struct SdkEnvelopeTests {
    @Test func sealedEnvelopesOpenToTheExactPlaintext() throws {
        var rng = SeededRandom(seed: 1)
        for length in [0, 1, 15, 16, 17, 300, 5000] {
            let plaintext = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 31) }
            let (key, message) = try SdkEnvelope.seal(plaintext, using: &rng)
            #expect(try SdkEnvelope().decryptData(randomKey: key, encryptedMessage: message) == plaintext)
            // Junk is inserted, so the envelope is not plain base64 of whole AES blocks (protocol reference §3.2).
            #expect(message.utf8.count > 45)
        }
    }

    @Test func aWrongRandomKeyIsReportedAsSuch() throws {
        var rng = SeededRandom(seed: 2)
        let (_, message) = try SdkEnvelope.seal(Array("{}".utf8), using: &rng)
        let (otherKey, _) = try SdkEnvelope.seal(Array("{}".utf8), using: &rng)
        #expect(throws: WeComError.self) { try SdkEnvelope().decryptData(randomKey: otherKey, encryptedMessage: message) }
        do { _ = try SdkEnvelope().decryptData(randomKey: otherKey, encryptedMessage: message) } catch {
            #expect(error.code == .envelopeDecryptFailed)
        }
    }

    @Test func truncatedAndGarbledEnvelopesFailWithoutCrashing() throws {
        var rng = SeededRandom(seed: 3)
        let (key, message) = try SdkEnvelope.seal(Array(#"{"msgid":"x"}"#.utf8), using: &rng)
        let bytes = Array(message.utf8)
        for cut in [0, 12, 13, 44, 45, 46, 60, bytes.count / 2] {
            let truncated = String(decoding: bytes.prefix(cut), as: UTF8.self)
            #expect(throws: WeComError.self) { try SdkEnvelope().decryptData(randomKey: key, encryptedMessage: truncated) }
        }
        #expect(throws: WeComError.self) { try SdkEnvelope().decryptData(randomKey: "not base64 !!", encryptedMessage: message) }
        var flipped = bytes
        flipped[bytes.count - 30] = flipped[bytes.count - 30] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        // A flipped body character either breaks the padding or garbles the JSON; it must never crash.
        _ = try? SdkEnvelope().decryptData(randomKey: key, encryptedMessage: String(decoding: flipped, as: UTF8.self))
    }
}

@Suite struct RSATests {
    @Test(arguments: RSABackend.allCases)
    func bothBackendsReadPKCS1AndPKCS8AndDecryptOpenSSLCiphertext(backend: RSABackend) throws {
        let folder = try OpenSSLTool.temporaryFolder()
        try OpenSSLTool.run(["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", folder + "/p8.pem"])
        try OpenSSLTool.run(["rsa", "-in", folder + "/p8.pem", "-traditional", "-out", folder + "/p1.pem"])
        try OpenSSLTool.run(["pkey", "-in", folder + "/p8.pem", "-pubout", "-out", folder + "/pub.pem"])
        let secret = "Q2hhdExlZGdlciByYW5kb20ga2V5IHRleHQ="
        try secret.write(toFile: folder + "/secret.txt", atomically: true, encoding: .utf8)
        try OpenSSLTool.run(["pkeyutl", "-encrypt", "-pubin", "-inkey", folder + "/pub.pem", "-pkeyopt", "rsa_padding_mode:pkcs1",
                             "-in", folder + "/secret.txt", "-out", folder + "/secret.bin"])
        let ciphertext = Array(try Data(contentsOf: URL(fileURLWithPath: folder + "/secret.bin")))
        for file in ["p1.pem", "p8.pem"] {
            let pem = try String(contentsOfFile: folder + "/" + file, encoding: .utf8)
            #expect(pem.contains(file == "p1.pem" ? "BEGIN RSA PRIVATE KEY" : "BEGIN PRIVATE KEY"))
            let key = try backend.privateKey(pem: pem)
            #expect(String(decoding: try key.decrypt(ciphertext), as: UTF8.self) == secret)
            var corrupted = ciphertext
            corrupted[10] ^= 0xFF
            #expect(throws: WeComError.self) { try key.decrypt(corrupted) }
        }
    }

    @Test(arguments: RSABackend.allCases)
    func garbageIsNotAKey(backend: RSABackend) {
        #expect(throws: WeComError.self) { try backend.privateKey(pem: "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n") }
        #expect(throws: WeComError.self) { try backend.privateKey(pem: "hello") }
    }
}

@Suite struct EnvelopeOpenerTests {
    static let archive: SimulatedArchive = {
        let archive = try! SimulatedArchive(seed: 11, expectedMessages: 30)
        try! archive.produce(30)
        return archive
    }()

    func opener(_ backend: RSABackend = .openssl, versions: [UInt32] = [1, 2]) throws -> EnvelopeOpener {
        var ring = PrivateKeyRing()
        for version in versions { ring.add(try backend.privateKey(pem: Self.archive.privateKeyPEMs[version]!), version: version) }
        return EnvelopeOpener(keyRing: ring)
    }

    @Test(arguments: RSABackend.allCases)
    func simulatedEnvelopesOpenToTheGroundTruth(backend: RSABackend) throws {
        let opener = try opener(backend)
        let truth = Self.archive.messages
        let envelopes = Self.archive.envelopes
        #expect(Set(envelopes.map(\.publickeyVer)) == [1, 2])
        for (envelope, expected) in zip(envelopes, truth) {
            let message = try opener.open(envelope)
            #expect(message.raw == expected.json)
            #expect(message.seq == envelope.seq && message.id.rawValue == envelope.msgid)
        }
    }

    @Test func aMissingKeyVersionSaysWhichVersionAndWhatToDo() throws {
        let opener = try opener(versions: [1])
        let envelope = Self.archive.envelopes.first { $0.publickeyVer == 2 }!
        do {
            _ = try opener.open(envelope)
            Issue.record("expected unknown-key-version")
        } catch {
            #expect(error.code == .unknownKeyVersion)
            #expect(error.message.contains("publickey_ver 2"))
        }
    }

    @Test func aWrongKeyIsAnRSAFailure() throws {
        var ring = PrivateKeyRing()
        ring.add(try RSABackend.openssl.privateKey(pem: Self.archive.privateKeyPEMs[2]!), version: 1)
        let envelope = Self.archive.envelopes.first { $0.publickeyVer == 1 }!
        do {
            _ = try EnvelopeOpener(keyRing: ring).open(envelope)
            Issue.record("expected a failure")
        } catch {
            #expect([.rsaDecryptFailed, .envelopeDecryptFailed].contains(error.code))
        }
    }

    @Test func malformedEnvelopesGetTypedErrors() throws {
        let opener = try opener()
        var envelope = Self.archive.envelopes[0]
        envelope.encryptRandomKey = "%%%not-base64%%%"
        #expect(throws: WeComError.self) { try opener.open(envelope) }
        envelope = Self.archive.envelopes[0]
        envelope.encryptChatMsg = String(envelope.encryptChatMsg.prefix(40))
        #expect(throws: WeComError.self) { try opener.open(envelope) }
        envelope = Self.archive.envelopes[0]
        envelope.encryptChatMsg = String(repeating: "A", count: 30 << 20)
        do { _ = try opener.open(envelope) } catch { #expect(error.code == .oversized) }
    }
}

/// Runs the system `openssl` tool, the independent oracle for our RSA code.
enum OpenSSLTool {
    static func temporaryFolder() throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("chatledger-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url.path
    }

    static func run(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = arguments
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw CocoaError(.fileWriteUnknown) }
    }
}

@Suite struct PrivateKeyRingTests {
    @Test func aMissingKeyFolderSaysWhatToPass() {
        do {
            _ = try PrivateKeyRing.load(directory: URL(fileURLWithPath: "/nonexistent/keys"))
            Issue.record("expected an error")
        } catch let error as WeComError {
            #expect(error.code == .invalidKey && error.message.contains("--keys"))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }
}
