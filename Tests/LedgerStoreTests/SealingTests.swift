import ArchiveModel
import ArchiveStore
import Foundation
import Ledger
import SQLiteStore
import Simulator
import Testing

@Suite struct SealingTests {
    /// Neither the database (with its WAL) nor the blob folder shows chat text or attachment bytes in clear.
    @Test func noPlaintextAtRest() async throws {
        let fixture = try await SealedArchiveFixture()
        let messages = SealedArchiveFixture.simulated.messages
        // Distinctive texts the corp really said, and attachment bytes it really sent.
        let texts = messages.compactMap { message -> String? in
            guard let text = (try? JSONValue.parse(message.json))?["text"]?["content"]?.stringValue, text.utf8.count >= 12 else { return nil }
            return text
        }
        #expect(texts.count > 50)
        let needles = Set(texts).map { Array($0.utf8) } + [Array("保本".utf8), Array("微信".utf8)]
        let mediaNeedles = SealedArchiveFixture.simulated.mediaFiles.values.prefix(20).map { Array($0[8..<40]) }
        var files = [fixture.databasePath, fixture.databasePath + "-wal"]
        let blobs = FileManager.default.enumerator(atPath: fixture.folder.appendingPathComponent("blobs").path)!
        while let name = blobs.nextObject() as? String {
            let path = fixture.folder.appendingPathComponent("blobs").appendingPathComponent(name).path
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue { files.append(path) }
        }
        #expect(files.count > 10)
        for file in files where FileManager.default.fileExists(atPath: file) {
            let haystack = Array(try Data(contentsOf: URL(fileURLWithPath: file)))
            for needle in needles + mediaNeedles {
                #expect(!Self.contains(haystack, needle), "\(file) holds plaintext \(String(decoding: needle, as: UTF8.self))")
            }
        }
    }

    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard needle.count <= haystack.count, let first = needle.first else { return false }
        var index = 0
        while index <= haystack.count - needle.count {
            if haystack[index] == first && Array(haystack[index..<index + needle.count]) == needle { return true }
            index += 1
        }
        return false
    }

    @Test func aWrongMasterKeyIsAClearErrorAtOpen() async throws {
        let fixture = try await SealedArchiveFixture(messages: 20)
        do {
            _ = try SQLiteArchiveStore(path: fixture.databasePath, masterKey: .generate())
            Issue.record("a wrong master key must be refused")
        } catch let error as StorageError {
            #expect(error.message.contains(fixture.masterKey.fingerprint) && error.message.contains("does not open this archive"))
        }
    }

    @Test func rotatingTheMasterKeyKeepsEveryRecordReadable() async throws {
        let fixture = try await SealedArchiveFixture(messages: 40)
        let newKey = MasterKey.generate()
        try await fixture.store.rewrapDataKeys(under: newKey)
        let reopened = try SQLiteArchiveStore(path: fixture.databasePath, masterKey: newKey)
        #expect(try await reopened.verify(publicKey: fixture.signingKey.publicKey, blobs: nil).ok)
        #expect(throws: StorageError.self) { try SQLiteArchiveStore(path: fixture.databasePath, masterKey: fixture.masterKey) }
        // A new data key seals new records; old ones still open.
        _ = try await reopened.addDataKey(masterKey: newKey)
        let again = try SQLiteArchiveStore(path: fixture.databasePath, masterKey: newKey)
        #expect(try await again.verify(publicKey: fixture.signingKey.publicKey, blobs: nil).ok)
    }

    @Test func aProofVerifiesOfflineAndATamperedOneDoesNot() async throws {
        let fixture = try await SealedArchiveFixture(messages: 80)
        let msgid = SealedArchiveFixture.simulated.messages[33].msgid
        let bundle = try await fixture.store.inclusionProof(msgid: msgid)
        #expect(bundle.verify(publicKey: fixture.signingKey.publicKey) == nil)
        guard case .message(_, let leafMsgid, let raw)? = LeafEncoding.decode(bundle.leaf) else { Issue.record(); return }
        #expect(leafMsgid == msgid && raw == SealedArchiveFixture.simulated.messages[33].json)
        var forged = bundle
        forged.leaf[forged.leaf.count - 3] ^= 1
        #expect(forged.verify(publicKey: fixture.signingKey.publicKey) != nil)
        #expect(bundle.verify(publicKey: Curve25519Key.other) != nil)
    }
}

import Crypto
enum Curve25519Key {
    static let other = Curve25519.Signing.PrivateKey().publicKey
}
