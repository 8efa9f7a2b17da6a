import Foundation
import Testing
import WeCom

@Suite struct CallbackCryptoTests {
    static let key = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"
    let crypto = try! CallbackCrypto(token: "QDG6eK", encodingAESKey: Self.key, receiveID: "wx5823bf96d3bd56c7")

    @Test func anEventSealedLikeWeComOpensAndItsSignatureChecks() throws {
        let event = "<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName><FromUserName><![CDATA[sys]]></FromUserName><CreateTime>1629101687</CreateTime><MsgType><![CDATA[event]]></MsgType><AgentID>2000004</AgentID><Event><![CDATA[msgaudit_notify]]></Event></xml>"
        let body = try crypto.sealEvent(event, agentID: "2000004", random: Array(repeating: 7, count: 16))
        let encrypted = try #require(XMLField.value("Encrypt", in: body))
        let signature = crypto.signature(timestamp: "1409659813", nonce: "1372623149", encrypted: encrypted)
        let opened = try crypto.openEvent(signature: signature, timestamp: "1409659813", nonce: "1372623149", body: body)
        #expect(opened == event)
        #expect(XMLField.value("Event", in: opened) == "msgaudit_notify")
        #expect(throws: WeComError.self) {
            try crypto.openEvent(signature: signature, timestamp: "1409659814", nonce: "1372623149", body: body)
        }
    }

    /// The URL-verification sample of WeCom's WXBizMsgCrypt documentation: produced by WeCom, not by us.
    @Test func weComsPublishedSampleVerifies() throws {
        let echo = "P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ=="
        #expect(crypto.signature(timestamp: "1409659589", nonce: "263014780", encrypted: echo) == "5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3")
        #expect(try crypto.verifyURL(signature: "5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3", timestamp: "1409659589",
                                     nonce: "263014780", echo: echo) == "1616140317555161061")
    }

    @Test func urlVerificationReturnsThePlainEcho() throws {
        let echo = try crypto.seal(Array("1616140317555161061".utf8), random: Array(repeating: 1, count: 16))
        let signature = crypto.signature(timestamp: "1", nonce: "2", encrypted: echo)
        #expect(try crypto.verifyURL(signature: signature, timestamp: "1", nonce: "2", echo: echo) == "1616140317555161061")
    }

    @Test func aCallbackForAnotherCorpOrWithAWrongKeyIsRefused() throws {
        let other = try CallbackCrypto(token: "QDG6eK", encodingAESKey: Self.key, receiveID: "another-corp")
        let echo = try other.seal(Array("x".utf8), random: Array(repeating: 1, count: 16))
        let signature = crypto.signature(timestamp: "1", nonce: "2", encrypted: echo)
        #expect(throws: WeComError.self) { try crypto.verifyURL(signature: signature, timestamp: "1", nonce: "2", echo: echo) }
        #expect(throws: WeComError.self) { try CallbackCrypto(token: "t", encodingAESKey: "short", receiveID: "c") }
        #expect(throws: WeComError.self) {
            try crypto.verifyURL(signature: crypto.signature(timestamp: "1", nonce: "2", encrypted: "AAAA"), timestamp: "1", nonce: "2", echo: "AAAA")
        }
    }
}
