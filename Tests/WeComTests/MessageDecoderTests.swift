import ArchiveModel
import Testing
import WeCom

@Suite struct MessageDecoderTests {
    let decoder = MessageDecoder()

    @Test(arguments: MessageFixtures.all.map(\.0))
    func everyMsgtypeDecodesToItsOwnCase(msgtype: String) throws {
        let (_, json, expectedText) = MessageFixtures.all.first { $0.0 == msgtype }!
        let raw = Array(json.utf8)
        let message = try decoder.decode(raw, seq: 9)
        #expect(message.msgtype == msgtype)
        #expect(message.raw == raw)
        #expect(message.seq == 9)
        #expect(message.searchableText == expectedText)
        if case .unknown = message.content { Issue.record("\(msgtype) fell through to unknown") }
    }

    @Test func typedFieldsSurviveTheWireQuirks() throws {
        let all = Dictionary(uniqueKeysWithValues: MessageFixtures.all.map { ($0.0, $0.1) })
        func content(_ type: String) throws -> MessageContent { try decoder.decode(Array(all[type]!.utf8), seq: 1).content }

        guard case .externalRedPacket(let packet) = try content("external_redpacket") else { Issue.record(); return }
        #expect(packet.totalCount == 2 && packet.totalAmount == 200)  // numbers sent as strings
        guard case .meeting(let meeting) = try content("meeting") else { Issue.record(); return }
        #expect(meeting.start?.milliseconds == 1_603_877_328_000)  // seconds → milliseconds
        #expect(meeting.meetingID == 1_306_387)
        guard case .chatRecord(_, let items) = try content("chatrecord") else { Issue.record(); return }
        #expect(items[0].time?.milliseconds == 1_603_875_610_000)
        #expect(items[1].content.mediaReferences.first?.sdkFileID == "abc")  // inner JSON string parsed
        guard case .revoke(let target) = try content("revoke") else { Issue.record(); return }
        #expect(target == "14822339130656386894_1603875600")
        guard case .voice(let voice, let seconds) = try content("voice") else { Issue.record(); return }
        #expect(voice.size == 6810 && seconds == 10 && voice.md5 == "9db09c7fa627c9e53f17736c786a74d5")
        guard case .meetingVoiceCall(let call) = try content("meeting_voice_call") else { Issue.record(); return }
        #expect(call.voiceID == "grb8a4c48a3c094a70982c518d55e40557")
    }

    @Test func voteIsReadNestedOrFlat() throws {
        let flat = #"{"msgid":"v2","action":"send","from":"a","tolist":["b"],"roomid":"wr1","msgtime":1,"msgtype":"vote","votetitle":"去哪吃","voteitem":["火锅"],"votetype":102,"voteid":"9"}"#
        guard case .vote(let vote) = try decoder.decode(Array(flat.utf8), seq: 1).content else { Issue.record(); return }
        #expect(vote.title == "去哪吃" && vote.items == ["火锅"] && vote.voteType == 102)
    }

    @Test func rawControlCharactersInsideStringsAreTolerated() throws {
        var raw = Array(#"{"msgid":"c1","action":"send","from":"a","tolist":["b"],"roomid":"","msgtime":1603875610123,"msgtype":"text","text":{"content":"第一行"#.utf8)
        raw += [0x0A, 0x01, 0x09]
        raw += Array(#"第二行"}}"#.utf8)
        let message = try decoder.decode(raw, seq: 1)
        #expect(message.raw == raw)
        #expect(message.searchableText == "第一行\n\u{01}\t第二行")
    }

    @Test(arguments: ["9223372036854775807", "-9223372036854775808", "-1000", "253402300800000"])
    func aMsgtimeNoRealMessageCanHaveIsRefusedWithItsReason(msgtime: String) {
        let json = #"{"msgid":"t1","action":"send","from":"a","tolist":["b"],"roomid":"","msgtime":\#(msgtime),"msgtype":"text","text":{"content":"x"}}"#
        #expect {
            try decoder.decode(Array(json.utf8), seq: 1)
        } throws: { error in
            (error as? WeComError)?.code == .outOfRange
        }
    }

    @Test func switchRecordsAreNotChatMessages() throws {
        let raw = Array(#"{"msgid":"125289002219525886280","action":"switch","time":1554119421840,"user":"XuJinSheng"}"#.utf8)
        let message = try decoder.decode(raw, seq: 3)
        #expect(message.action == .switch && message.content == .switchRecord(user: "XuJinSheng"))
        #expect(message.time.milliseconds == 1_554_119_421_840)
        #expect(message.conversation == nil)
    }

    @Test func unknownMsgtypesKeepTheirPayload() throws {
        let raw = Array(#"{"msgid":"u1","action":"send","from":"a","tolist":["b"],"roomid":"","msgtime":1,"msgtype":"solitaire","solitaire":{"title":"周末聚餐接龙","items":[1,2]}}"#.utf8)
        let message = try decoder.decode(raw, seq: 1)
        guard case .unknown(let type, let payload) = message.content else { Issue.record(); return }
        #expect(type == "solitaire")
        #expect(payload?["title"]?.stringValue == "周末聚餐接龙")
        #expect(message.searchableText == "周末聚餐接龙")
    }

    @Test(arguments: [
        (#"{"action":"send","from":"a","msgtime":1,"msgtype":"text","text":{"content":"x"}}"#, WeComError.Code.missingField),
        (#"{"msgid":"m","action":"send","msgtime":1,"msgtype":"text"}"#, .missingField),
        (#"{"msgid":"m","action":"send","from":"a","msgtype":"text"}"#, .missingField),
        (#"{"msgid":"m","action":"fly","from":"a","msgtime":1}"#, .missingField),
        (#"{"msgid":"m","#, .invalidJSON),
        (#"[1,2,3]"#, .invalidJSON),
        ("", .invalidJSON),
    ])
    func badMessagesGetATypedError(json: String, code: WeComError.Code) {
        #expect(throws: WeComError.self) { try decoder.decode(Array(json.utf8), seq: 1) }
        do {
            _ = try decoder.decode(Array(json.utf8), seq: 1)
        } catch {
            #expect(error.code == code)
        }
    }

    @Test func oversizedMessagesAreRefused() {
        let small = MessageDecoder(maximumMessageBytes: 10)
        do {
            _ = try small.decode(Array(MessageFixtures.all[0].1.utf8), seq: 1)
            Issue.record("expected a refusal")
        } catch {
            #expect(error.code == .oversized)
        }
    }
}
