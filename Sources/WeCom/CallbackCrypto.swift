import Crypto
import CryptoExtras
import Foundation

/// WeCom's callback encryption (WXBizMsgCrypt): URL verification and event decryption for the
/// archive app's callback, which WeCom calls with `msgaudit_notify` when new messages are waiting.
///
/// AES-256-CBC with IV = the first 16 key bytes and PKCS#7 padding to 32-byte blocks; the plaintext is
/// 16 random bytes ‖ 4-byte big-endian length ‖ message ‖ receive id (the corp id). The signature is
/// the hex SHA-1 of the sorted token, timestamp, nonce and ciphertext.
public struct CallbackCrypto: Sendable {
    let token: String
    let key: [UInt8]
    let receiveID: String

    /// - Parameters:
    ///   - token: the callback Token configured in the admin console.
    ///   - encodingAESKey: the 43-character EncodingAESKey.
    ///   - receiveID: the corp id.
    /// - Throws: ``WeComError`` `invalid-key` when the EncodingAESKey is not 43 base64 characters.
    public init(token: String, encodingAESKey: String, receiveID: String) throws(WeComError) {
        guard encodingAESKey.utf8.count == 43, let key = Base64Text.decode(encodingAESKey + "="), key.count == 32 else {
            throw WeComError(.invalidKey, "EncodingAESKey must be the 43 characters shown in the WeCom admin console")
        }
        self.token = token
        self.key = key
        self.receiveID = receiveID
    }

    /// The `msg_signature` WeCom sends for `encrypted`.
    public func signature(timestamp: String, nonce: String, encrypted: String) -> String {
        let joined = [token, timestamp, nonce, encrypted].sorted().joined()
        return Insecure.SHA1.hash(data: Data(joined.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// URL verification: checks the signature and returns the decrypted `echostr`, to be answered verbatim.
    public func verifyURL(signature: String, timestamp: String, nonce: String, echo: String) throws(WeComError) -> String {
        String(decoding: try open(signature: signature, timestamp: timestamp, nonce: nonce, encrypted: echo), as: UTF8.self)
    }

    /// Event delivery: checks the signature of the POSTed XML's `Encrypt` and returns the event XML.
    public func openEvent(signature: String, timestamp: String, nonce: String, body: String) throws(WeComError) -> String {
        guard let encrypted = XMLField.value("Encrypt", in: body) else {
            throw WeComError(.callbackInvalid, "callback body has no <Encrypt> element")
        }
        return String(decoding: try open(signature: signature, timestamp: timestamp, nonce: nonce, encrypted: encrypted), as: UTF8.self)
    }

    func open(signature: String, timestamp: String, nonce: String, encrypted: String) throws(WeComError) -> [UInt8] {
        guard Self.constantTimeEqual(self.signature(timestamp: timestamp, nonce: nonce, encrypted: encrypted), signature.lowercased()) else {
            throw WeComError(.callbackInvalid, "msg_signature does not match: check the callback Token")
        }
        guard let ciphertext = Base64Text.decode(encrypted), !ciphertext.isEmpty, ciphertext.count % 32 == 0,
              let iv = try? AES._CBC.IV(ivBytes: key[0..<16]),
              let padded = try? Array(AES._CBC.decrypt(ciphertext, using: SymmetricKey(data: key), iv: iv, noPadding: true)),
              let pad = padded.last, (1...32).contains(Int(pad)), padded.count >= 20 + Int(pad) else {
            throw WeComError(.callbackInvalid, "callback ciphertext does not decrypt: check the EncodingAESKey")
        }
        let plain = padded.dropLast(Int(pad))
        let length = plain[plain.startIndex + 16..<plain.startIndex + 20].reduce(0) { $0 << 8 | Int($1) }
        let messageStart = plain.startIndex + 20
        guard length >= 0, messageStart + length <= plain.endIndex else {
            throw WeComError(.callbackInvalid, "callback plaintext length is inconsistent")
        }
        let receive = String(decoding: plain[(messageStart + length)...], as: UTF8.self)
        guard receive == receiveID else {
            throw WeComError(.callbackInvalid, "callback is addressed to \(receive), not this corp")
        }
        return Array(plain[messageStart..<messageStart + length])
    }

    /// Encrypts `message` as WeCom does (used by the simulator and tests to play WeCom's side).
    public func seal(_ message: [UInt8], random: [UInt8]) throws -> String {
        let length = UInt32(message.count)
        var plain = Array(random.prefix(16)) + [UInt8(length >> 24), UInt8(length >> 16 & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length & 0xFF)]
        plain += message + Array(receiveID.utf8)
        let pad = 32 - plain.count % 32
        plain += [UInt8](repeating: UInt8(pad), count: pad)
        let ciphertext = try AES._CBC.encrypt(plain, using: SymmetricKey(data: key), iv: AES._CBC.IV(ivBytes: key[0..<16]), noPadding: true)
        return Data(ciphertext).base64EncodedString()
    }

    /// The POST body WeCom sends for an event: `<xml><ToUserName/><AgentID/><Encrypt/></xml>`.
    public func sealEvent(_ xml: String, agentID: String, random: [UInt8]) throws -> String {
        "<xml><ToUserName><![CDATA[\(receiveID)]]></ToUserName><AgentID><![CDATA[\(agentID)]]></AgentID><Encrypt><![CDATA[\(try seal(Array(xml.utf8), random: random))]]></Encrypt></xml>"
    }
}

/// Reads one element's text from WeCom's flat callback XML (CDATA or plain).
public enum XMLField {
    public static func value(_ name: String, in xml: String) -> String? {
        guard let open = xml.range(of: "<\(name)>"), let close = xml.range(of: "</\(name)>", range: open.upperBound..<xml.endIndex) else {
            return nil
        }
        var text = String(xml[open.upperBound..<close.lowerBound])
        if text.hasPrefix("<![CDATA["), text.hasSuffix("]]>") { text = String(text.dropFirst(9).dropLast(3)) }
        return text
    }
}

extension CallbackCrypto {
    /// Compares without stopping at the first difference, so response time tells a forger nothing.
    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let (x, y) = (Array(a.utf8), Array(b.utf8))
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
