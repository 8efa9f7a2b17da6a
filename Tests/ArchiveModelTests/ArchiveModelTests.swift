import ArchiveModel
import Testing

@Suite struct WeComTimeTests {
    @Test func secondsAreScaledToMilliseconds() {
        #expect(WeComTime(secondsOrMilliseconds: 1_603_875_610).milliseconds == 1_603_875_610_000)
        #expect(WeComTime(secondsOrMilliseconds: 1_603_875_610_123).milliseconds == 1_603_875_610_123)
    }

    @Test func iso8601IsUTCWithMilliseconds() {
        #expect(WeComTime(milliseconds: 1_762_045_200_123).iso8601 == "2025-11-02T01:00:00.123Z")
        #expect(WeComTime(milliseconds: 951_782_400_005).iso8601 == "2000-02-29T00:00:00.005Z")
        #expect(WeComTime(milliseconds: -1).iso8601 == "1969-12-31T23:59:59.999Z")
    }

    @Test func beijingWallClock() {
        let time = CivilTime(milliseconds: 1_762_045_200_000, utcOffsetSeconds: 8 * 3600)
        #expect(time.dateText == "2025-11-02" && time.timeText == "09:00:00")
    }
}

@Suite struct ConversationTests {
    @Test func singleChatIsTheSameWhoeverSends() {
        #expect(ConversationID.single("zhangsan", "wmABC") == ConversationID.single("wmABC", "zhangsan"))
    }

    @Test func messageConversationPrefersTheRoom() {
        let message = ChatMessage(id: "m1", seq: 1, action: .send, from: "a", toList: ["b", "c"], room: "wr1",
                                  time: WeComTime(milliseconds: 0), msgtype: "text", content: .text(content: "hi"), raw: [])
        #expect(message.conversation == .room("wr1"))
    }

    @Test func partyKindFollowsThePrefix() {
        #expect(PartyID("wmXYZ").inferredKind == .externalContact)
        #expect(PartyID("woXYZ").inferredKind == .externalContact)
        #expect(PartyID("wbXYZ").inferredKind == .robot)
        #expect(PartyID("0000726").inferredKind == .employee)
    }
}

@Suite struct SearchableTextTests {
    @Test func nestedItemsAndTitlesAreSearchable() {
        let content = MessageContent.chatRecord(title: "群聊记录", items: [
            RecordItem(type: "ChatRecordText", time: nil, fromChatroom: false, content: .text(content: "保本保息")),
            RecordItem(type: "ChatRecordFile", time: nil, fromChatroom: false,
                       content: .file(MediaReference(sdkFileID: "x", md5: nil, size: 1), fileName: "合同.pdf", fileExtension: "pdf")),
        ])
        #expect(content.searchableText == "群聊记录\n保本保息\n合同.pdf")
        #expect(content.mediaReferences.map(\.sdkFileID) == ["x"])
    }

    @Test func mediaIdsAreNotSearchableText() {
        let image = MessageContent.image(MediaReference(sdkFileID: "CtYBMzA2OTAyMDEwMjA0", md5: "abc", size: 10))
        #expect(image.searchableText.isEmpty)
    }

    @Test func unknownPayloadStringsAreSearchableButIdsAreNot() {
        let payload = JSONValue.object(["title": .string("接龙：周末聚餐"), "sdkfileid": .string("SECRETID")])
        #expect(MessageContent.unknown(msgtype: "solitaire", payload: payload).searchableText == "接龙：周末聚餐")
    }

    @Test func fileExtensionFallsBackToTheName() {
        let file = MessageContent.file(MediaReference(sdkFileID: "", md5: nil, size: nil), fileName: "报价单.XLSX", fileExtension: "")
        #expect(file.fileExtension == "xlsx")
    }
}
