import ArchiveModel
import Testing
import WeCom

@Suite struct ChatDataResponseTests {
    @Test func entriesAreRead() throws {
        let json = #"{"errcode":0,"errmsg":"ok","chatdata":[{"seq":196,"msgid":"CAQQ2fbb4QUY0On2rYSAgAMgip/yzgs=","publickey_ver":3,"encrypt_random_key":"ftJ+uz3n","encrypt_chat_msg":"898WSfGMnIeytTsea7Rc0WsOocs0bIAerF6de0v2cFwqo9uOxrW9wYe5rCjCHHH5bDrNvLxBE/xOoFfcwOTYX0HQxTJaH0ES9OHDZ61p8gcbfGdJKnq2UU4tAEgGb8H+Q9n8syRXIjaI3KuVCqGIi4QGHFmxWenPFfjF/vRuPd0EpzUNwmqfUxLBWLpGhv+dLnqiEOBW41Zdc0OO0St6E+JeIeHlRZAR+E13Isv9eS09xNbF0qQXWIyNUi+ucLr5VuZnPGXBrSfvwX8f0QebTwpy1tT2zvQiMM2MBugKH6NuMzzuvEsXeD+6+3VRqL"}]}"#
        let response = try ChatDataResponse.parse(Array(json.utf8))
        #expect(response.chatdata.count == 1)
        #expect(response.chatdata[0].seq == 196 && response.chatdata[0].publickeyVer == 3)
    }

    @Test func anErrcodeInsideTheJSONIsAnErrorEvenWhenTheSDKSaidZero() {
        let json = #"{"errcode":48002,"errmsg":"api forbidden","chatdata":[]}"#
        do {
            _ = try ChatDataResponse.parse(Array(json.utf8))
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .apiError)
            #expect(error.message.contains("会话内容存档 secret"))
        }
    }
}

@Suite struct MediaChunkTests {
    @Test func chunksFollowTheRangeIndexBuffer() throws {
        let bytes = (0..<(MediaChunk.size * 2 + 10)).map { UInt8(truncatingIfNeeded: $0) }
        let first = try MediaChunk.slice(of: bytes, indexBuffer: "")
        #expect(first.data.count == MediaChunk.size && !first.isFinished)
        #expect(first.nextIndexBuffer == "Range:bytes=524288-1048575")
        let second = try MediaChunk.slice(of: bytes, indexBuffer: first.nextIndexBuffer)
        let third = try MediaChunk.slice(of: bytes, indexBuffer: second.nextIndexBuffer)
        #expect(third.isFinished && third.data.count == 10)
        #expect(first.data + second.data + third.data == bytes)
        #expect(throws: WeComError.self) { try MediaChunk.slice(of: bytes, indexBuffer: "Range:bytes=abc") }
    }
}
