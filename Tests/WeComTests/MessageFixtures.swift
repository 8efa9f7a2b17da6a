/// One documented payload per msgtype (shapes from the protocol reference §4.2), with the searchable text each must yield.
enum MessageFixtures {
    static func envelope(_ msgtype: String, _ payloadKey: String, _ payload: String, extra: String = "") -> String {
        #"{"msgid":"id_\#(msgtype)","action":"send","from":"zhangsan","tolist":["wmCustomer01"],"roomid":"","msgtime":1603875610123,"msgtype":"\#(msgtype)"\#(extra),"\#(payloadKey)":\#(payload)}"#
    }

    /// (msgtype, JSON, expected searchable text)
    static let all: [(String, String, String)] = [
        ("text", envelope("text", "text", #"{"content":"您好，这款产品保本吗"}"#), "您好，这款产品保本吗"),
        ("image", envelope("image", "image", #"{"md5sum":"50de8e5ae8ffe4f1df7a93841f71993a","filesize":70961,"sdkfileid":"CtYBMzA2OTAyMDEwMjA0"}"#), ""),
        ("revoke", #"{"msgid":"id_revoke","action":"recall","from":"zhangsan","tolist":["wmCustomer01"],"roomid":"","msgtime":1603875610123,"msgtype":"revoke","revoke":{"pre_msgid":"14822339130656386894_1603875600"}}"#, ""),
        ("agree", envelope("agree", "agree", #"{"userid":"wmCustomer01","agree_time":1603875610123}"#), ""),
        ("disagree", envelope("disagree", "disagree", #"{"userid":"wmCustomer01","disagree_time":1603875610123}"#), ""),
        ("voice", envelope("voice", "voice", #"{"md5sum":"9db09c7fa627c9e53f17736c786a74d5","voice_size":6810,"play_length":10,"sdkfileid":"kcyZjZqOXhETGYxajB2Zkp"}"#), ""),
        ("video", envelope("video", "video", #"{"md5sum":"d06fc80c01d6fbffcca3b229ba41eac6","filesize":15169724,"play_length":108,"sdkfileid":"Cp4Bmo6NzE2NzE"}"#), ""),
        ("card", envelope("card", "card", #"{"corpname":"北京星河","userid":"lisi"}"#), "北京星河\nlisi"),
        ("location", envelope("location", "location", #"{"longitude":116.586285899,"latitude":39.911125799,"address":"北京市朝阳区","title":"国贸大厦","zoom":15}"#), "国贸大厦\n北京市朝阳区"),
        ("emotion", envelope("emotion", "emotion", #"{"type":1,"width":100,"height":100,"imagesize":2944,"md5sum":"c5ee97ab","sdkfileid":"Cs4BMzA2"}"#), ""),
        ("file", envelope("file", "file", #"{"md5sum":"18e93fc2ea884df23b3d2d3b8667b9f0","filename":"资料.docx","fileext":"docx","filesize":18181,"sdkfileid":"E4ODRkZjIzYjNkMmQzYjg2NjdiOWYwMDAwMDAwMDA"}"#), "资料.docx"),
        ("link", envelope("link", "link", #"{"title":"邀请你加入群聊","description":"技术支持群","link_url":"https://work.weixin.qq.com/wework_admin/external_room/join/exceed?vcode=xxx","image_url":"https://wework.qpic.cn/wwpic/x"}"#), "邀请你加入群聊\n技术支持群\nhttps://work.weixin.qq.com/wework_admin/external_room/join/exceed?vcode=xxx"),
        ("weapp", envelope("weapp", "weapp", #"{"title":"开始聊天前请仔细阅读服务须知事项","description":"客户需同意存档聊天记录","username":"xxx@app","displayname":"服务须知"}"#), "开始聊天前请仔细阅读服务须知事项\n客户需同意存档聊天记录\n服务须知"),
        ("chatrecord", envelope("chatrecord", "chatrecord", #"{"title":"群聊","item":[{"type":"ChatRecordText","msgtime":1603875610,"content":"{\"content\":\"test\"}","from_chatroom":false},{"type":"ChatRecordFile","msgtime":1603875620,"content":"{\"filename\":\"合同.pdf\",\"fileext\":\"pdf\",\"sdkfileid\":\"abc\"}","from_chatroom":false}]}"#), "群聊\ntest\n合同.pdf"),
        ("todo", envelope("todo", "todo", #"{"title":"测试待办","content":"待办内容"}"#), "测试待办\n待办内容"),
        ("vote", #"{"msgid":"id_vote","action":"send","from":"zhangsan","tolist":["lisi"],"roomid":"wrROOM","msgtime":1603875610123,"msgtype":"vote","vote":{"votetitle":"去哪吃","voteitem":["火锅","烧烤"],"votetype":101,"voteid":"2010081"}}"#, "去哪吃\n火锅\n烧烤"),
        ("collect", envelope("collect", "collect", #"{"room_name":"这是一个群","creator":"张三","create_time":"2020-03-27 14:33:43","title":"这是填表title","details":[{"id":1,"ques":"表项1，文本","type":"Text"},{"id":2,"ques":"表项2，数字","type":"Number"}]}"#), "这是一个群\n这是填表title\n表项1，文本\n表项2，数字"),
        ("redpacket", envelope("redpacket", "redpacket", #"{"type":1,"wish":"恭喜发财，大吉大利","totalcnt":1,"totalamount":3000}"#), "恭喜发财，大吉大利"),
        ("meeting", envelope("meeting", "meeting", #"{"topic":"夕会","starttime":1603877328,"endtime":1603884528,"address":"广州","remarks":"备注","meetingtype":102,"meetingid":1306387,"status":1}"#), "夕会\n广州\n备注"),
        ("docmsg", envelope("docmsg", "doc", #"{"title":"测试&演示客户","doc_creator":"lisi","link_url":"https://doc.weixin.qq.com/txdoc/excel?docid=xxx"}"#), "测试&演示客户\nhttps://doc.weixin.qq.com/txdoc/excel?docid=xxx"),
        ("markdown", envelope("markdown", "info", #"{"content":"请前往系统查看，谢谢。"}"#), "请前往系统查看，谢谢。"),
        ("news", envelope("news", "info", #"{"item":[{"title":"service","description":"test","url":"http://xxx","picurl":"https://www.qq.com"}]}"#), "service\ntest"),
        ("calendar", envelope("calendar", "calendar", #"{"title":"复盘安排","creatorname":"张三","attendeename":["李四"],"starttime":1603876200,"endtime":1603879800,"place":"深圳","remarks":"日程备注"}"#), "复盘安排\n深圳\n日程备注"),
        ("mixed", envelope("mixed", "mixed", #"{"item":[{"type":"text","content":"{\"content\":\"你好[微笑]\\n\"}"},{"type":"image","content":"{\"md5sum\":\"368b6c18\",\"filesize\":10,\"sdkfileid\":\"CtYBMzA\"}"}]}"#), "你好[微笑]\n"),
        ("meeting_voice_call", envelope("meeting_voice_call", "meeting_voice_call", #"{"endtime":1603875720,"sdkfileid":"3eJzfpKV","demofiledata":[{"filename":"演示文档.pdf","demooperator":"zhangsan","starttime":1603875630,"endtime":1603875670}],"sharescreendata":[{"share":"zhangsan","starttime":1603875680,"endtime":1603875690}]}"#, extra: #","voiceid":"grb8a4c48a3c094a70982c518d55e40557""#), "演示文档.pdf"),
        ("voip_doc_share", envelope("voip_doc_share", "voip_doc_share", #"{"filename":"欢迎使用微盘.pdf.pdf","md5sum":"ff893900f24e55e216e617a40e5c4648","filesize":4400654,"sdkfileid":"CpsBKjAqZUlLdWJMd2gvQ1JxMzd0ZjlpdW5ENE5"}"#, extra: #","voipid":"gr2751c98b19300571f8afb3b74514bd32""#), "欢迎使用微盘.pdf.pdf"),
        ("external_redpacket", envelope("external_redpacket", "redpacket", #"{"type":1,"wish":"恭喜发财","totalcnt":"2","totalamount":"200"}"#), "恭喜发财"),
        ("sphfeed", envelope("sphfeed", "sphfeed", #"{"feed_type":4,"sph_name":"星河财经","feed_desc":"三分钟看懂本周市场"}"#), "星河财经\n三分钟看懂本周市场"),
        ("voiptext", envelope("voiptext", "info", #"{"callduration":10,"invitetype":1}"#), ""),
        ("qydiskfile", envelope("qydiskfile", "info", #"{"filename":"微盘文件.xlsx"}"#), "微盘文件.xlsx"),
    ]
}
