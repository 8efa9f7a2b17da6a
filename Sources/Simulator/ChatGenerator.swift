import ArchiveModel
import WeCom

/// Produces realistic conversations of a ``SimulatedCorp`` in every msgtype, deterministically from a seed.
///
/// Sessions alternate between customer chats (with slow replies, recalls, media and a small share
/// of planted violations), customer groups, internal chats, consent events and switch records.
/// Halfway through, one employee resigns and hands customers over to a colleague.
public struct ChatGenerator: Sendable {
    public private(set) var corp: SimulatedCorp
    var rng: SeededRandom
    var clock: Int64
    var nextSeq: UInt64
    var produced = 0
    var pending: [SimulatedMessage] = []
    let handoverAt: Int
    var handedOver = false
    var recentStaffMessages: [(msgid: String, time: Int64, from: String, to: [String], room: String)] = []

    /// - Parameters:
    ///   - seed: the same seed gives the same corp and the same messages.
    ///   - start: the first msgtime (default 2026-11-02 09:00 Beijing time).
    ///   - expectedMessages: used to place the staff handover halfway.
    public init(seed: UInt64, start: WeComTime = WeComTime(milliseconds: 1_793_581_200_000), expectedMessages: Int = 1000,
                firstSeq: UInt64 = 1) {
        corp = SimulatedCorp(seed: seed)
        rng = SeededRandom(seed: seed)
        clock = start.milliseconds
        nextSeq = firstSeq
        handoverAt = max(1, expectedMessages / 2)
    }

    /// The next `count` messages in seq order.
    public mutating func next(_ count: Int) -> [SimulatedMessage] {
        while pending.count < count { generateSession() }
        let batch = Array(pending.prefix(count))
        pending.removeFirst(count)
        return batch
    }

    // MARK: - sessions

    mutating func generateSession() {
        if !handedOver && produced >= handoverAt { handOver(); return }
        advance(minutes: Double.random(in: 1...25, using: &rng))
        let roll = Double.random(in: 0..<1, using: &rng)
        switch roll {
        case ..<0.58: customerChat()
        case ..<0.80: groupChat()
        case ..<0.93: internalChat()
        case ..<0.985: consentEvent()
        default: emit(switchRecord: rng.pick(corp.employees).userID)
        }
    }

    mutating func customerChat() {
        let customer = rng.pick(corp.customers)
        guard let staff = corp.employee(customer.ownerUserID) else { return }
        let exchanges = ConversationScripts.exchanges[customer.industry]!
        emit(from: customer.externalUserID, to: [staff.userID], content: text(rng.pick(ConversationScripts.greetingsByCustomer)))
        // Most replies come within minutes; some customers wait long enough to trip a reply-timeout rule.
        replyDelay()
        emit(from: staff.userID, to: [customer.externalUserID], content: text(rng.pick(ConversationScripts.greetingsByStaff)))
        for _ in 0..<Int.random(in: 1...3, using: &rng) {
            let exchange = rng.pick(exchanges)
            advance(minutes: Double.random(in: 0.2...3, using: &rng))
            emit(from: customer.externalUserID, to: [staff.userID], content: text(exchange.customer))
            if rng.chance(0.12) { emit(from: customer.externalUserID, to: [staff.userID], content: customerAttachment()) }
            replyDelay()
            emit(from: staff.userID, to: [customer.externalUserID], content: text(exchange.staff))
            if rng.chance(0.35) { emit(from: staff.userID, to: [customer.externalUserID], content: staffAttachment(customer.industry)) }
        }
        if rng.chance(0.05) {
            let (category, line) = rng.pick(ConversationScripts.riskyStaffLines[customer.industry]!)
            emit(from: staff.userID, to: [customer.externalUserID], content: text(line), risk: category)
            if rng.chance(0.3) { recallLast(by: staff.userID) }
        }
        if rng.chance(0.02) {
            emit(from: customer.externalUserID, to: [staff.userID], content: text(rng.pick(ConversationScripts.riskyCustomerLines)))
        }
        if rng.chance(0.03) {
            emit(from: staff.userID, to: [customer.externalUserID], content: text("不好意思发错了"))
            recallLast(by: staff.userID)
        }
        if rng.chance(0.02) {
            emit(from: staff.userID, to: [customer.externalUserID],
                 content: ("external_redpacket", redPacket(type: 1, wish: "感谢支持", count: 1, amount: 888)))
        }
        advance(minutes: Double.random(in: 0.5...5, using: &rng))
        emit(from: customer.externalUserID, to: [staff.userID], content: text(rng.pick(ConversationScripts.closingsByCustomer)))
        if rng.chance(0.6) {
            emit(from: staff.userID, to: [customer.externalUserID], content: text(rng.pick(ConversationScripts.closingsByStaff)))
        }
    }

    mutating func groupChat() {
        let group = rng.pick(corp.groups)
        let exchanges = ConversationScripts.exchanges[group.industry]!
        for _ in 0..<Int.random(in: 1...3, using: &rng) {
            let asker = rng.pick(group.customers)
            let answerer = rng.pick(group.staff)
            let exchange = rng.pick(exchanges)
            emitInRoom(group, from: asker, content: text(exchange.customer))
            replyDelay()
            emitInRoom(group, from: answerer, content: text(exchange.staff))
        }
        if rng.chance(0.25) {
            emitInRoom(group, from: corp.robotID, content: rng.chance(0.5)
                ? ("markdown", .object([("content", "**今日提醒**\n> 请各位及时关注\(group.name)公告")]))
                : ("news", .object([("item", .array([.object([
                    ("title", "本周精选：\(group.name)福利"), ("description", "点击查看详情"),
                    ("url", "https://www.example.com/news/\(rng.token(6))"), ("picurl", "https://www.example.com/p.png"),
                ])]))])))
        }
        if rng.chance(0.15) {
            emitInRoom(group, from: group.ownerUserID, content: ("redpacket", redPacket(type: 2, wish: "恭喜发财，大吉大利", count: 10, amount: 2000)))
        }
        if rng.chance(0.1) {
            emitInRoom(group, from: group.ownerUserID, content: ("sphfeed", .object([
                ("feed_type", 4), ("sph_name", "星河财经"), ("feed_desc", "三分钟看懂本周市场"),
            ])))
        }
        if rng.chance(0.08) {
            emitInRoom(group, from: rng.pick(group.staff), content: ("vote", .object([
                ("votetitle", "下次活动时间投票"), ("voteitem", .array(["周六上午", "周日下午"])), ("votetype", 101),
                ("voteid", .string(rng.token(20))),
            ])))
        }
        if rng.chance(0.08) {
            emitInRoom(group, from: group.ownerUserID, content: ("collect", .object([
                ("room_name", .string(group.name)), ("creator", .string(corp.employee(group.ownerUserID)?.name ?? "")),
                ("create_time", .string(dateTimeText(clock))), ("title", "活动报名"),
                ("details", .array([
                    .object([("id", 1), ("ques", "姓名"), ("type", "Text")]),
                    .object([("id", 2), ("ques", "联系电话"), ("type", "Number")]),
                ])),
            ])))
        }
    }

    mutating func internalChat() {
        let a = rng.pick(corp.employees)
        let colleagues = corp.employees.filter { $0.departmentID == a.departmentID && $0.userID != a.userID }
        guard let b = colleagues.isEmpty ? nil : rng.pick(colleagues) else { return }
        emit(from: a.userID, to: [b.userID], content: text(rng.pick(["下午的例会别忘了", "客户资料我整理好了", "这周的业绩表发一下"])))
        replyDelay()
        let kinds = ["todo", "meeting", "docmsg", "calendar", "chatrecord", "mixed", "card", "location",
                     "meeting_voice_call", "voip_doc_share", "voiptext", "qydiskfile", "weapp"]
        let kind = rng.pick(kinds)
        emit(from: b.userID, to: [a.userID], content: internalPayload(kind, a: a, b: b))
    }

    mutating func consentEvent() {
        let customer = rng.pick(corp.customers)
        let agreed = rng.chance(0.85)
        let type = agreed ? "agree" : "disagree"
        emit(from: customer.externalUserID, to: [customer.ownerUserID], content: (type, .object([
            ("userid", .string(customer.externalUserID)), ("\(type)_time", .int(clock)),
        ])))
    }

    mutating func handOver() {
        handedOver = true
        let candidates = corp.employees.filter { !$0.isLeader && $0.status == 1 }
        guard let leaving = candidates.isEmpty ? nil : rng.pick(candidates),
              let index = corp.employees.firstIndex(of: leaving) else { return }
        let takeover = corp.employees.first { $0.departmentID == leaving.departmentID && $0.userID != leaving.userID && !$0.isLeader }
            ?? corp.employees.first { $0.departmentID == leaving.departmentID && $0.userID != leaving.userID }!
        corp.employees[index].status = 5
        for customerIndex in corp.customers.indices where corp.customers[customerIndex].ownerUserID == leaving.userID {
            corp.customers[customerIndex].ownerUserID = takeover.userID
            advance(minutes: 1)
            emit(from: takeover.userID, to: [corp.customers[customerIndex].externalUserID],
                 content: text("您好，我是\(takeover.name)，原顾问\(leaving.name)已离职，以后由我为您服务。"))
        }
    }

    // MARK: - emitting

    mutating func emit(from: String, to: [String], content: (String, OrderedJSON), risk: String? = nil) {
        emitMessage(from: from, to: to, room: "", content: content, risk: risk)
    }

    mutating func emitInRoom(_ group: SimulatedCorp.Group, from: String, content: (String, OrderedJSON)) {
        let members = group.staff + group.customers
        emitMessage(from: from, to: members.filter { $0 != from }, room: group.roomID, content: content, risk: nil)
    }

    mutating func emitMessage(from: String, to: [String], room: String, content: (type: String, payload: OrderedJSON), risk: String?) {
        advance(seconds: Double.random(in: 2...40, using: &rng))
        let external = !(from.hasPrefix("wm") || from.hasPrefix("wo")) && !to.contains { $0.hasPrefix("wm") || $0.hasPrefix("wo") }
        let msgid = rng.token(24) + (external ? "" : "_external")
        let payloadKey = Self.payloadKeys[content.type] ?? content.type
        var members: [(String, OrderedJSON)] = [
            ("msgid", .string(msgid)), ("action", "send"), ("from", .string(from)),
            ("tolist", .array(to.map { .string($0) })), ("roomid", .string(room)), ("msgtime", .int(clock)),
            ("msgtype", .string(content.type)),
        ]
        if content.type == "meeting_voice_call" { members.append(("voiceid", .string(rng.token(32)))) }
        if content.type == "voip_doc_share" { members.append(("voipid", .string(rng.token(32)))) }
        members.append((payloadKey, content.payload))
        append(json: .object(members), msgid: msgid, risk: risk)
        if !(from.hasPrefix("wm") || from.hasPrefix("wo") || from.hasPrefix("wb")) {
            recentStaffMessages.append((msgid, clock, from, to, room))
            if recentStaffMessages.count > 16 { recentStaffMessages.removeFirst() }
        }
    }

    mutating func emit(switchRecord user: String) {
        let msgid = rng.token(24)
        append(json: .object([("msgid", .string(msgid)), ("action", "switch"), ("time", .int(clock)), ("user", .string(user))]),
               msgid: msgid, risk: nil)
    }

    /// The staff member withdraws their last message within two minutes, as WeCom allows.
    mutating func recallLast(by userID: String) {
        guard let last = recentStaffMessages.last(where: { $0.from == userID }) else { return }
        advance(seconds: Double.random(in: 5...100, using: &rng))
        let msgid = rng.token(24) + "_external"
        append(json: .object([
            ("msgid", .string(msgid)), ("action", "recall"), ("from", .string(userID)),
            ("tolist", .array(last.to.map { .string($0) })), ("roomid", .string(last.room)), ("msgtime", .int(clock)),
            ("msgtype", "revoke"), ("revoke", .object([("pre_msgid", .string(last.msgid))])),
        ]), msgid: msgid, risk: nil)
    }

    mutating func append(json: OrderedJSON, msgid: String, risk: String?) {
        pending.append(SimulatedMessage(seq: nextSeq, msgid: msgid, json: json.bytes, media: newMedia, plantedRisk: risk))
        newMedia = [:]
        nextSeq += 1
        produced += 1
    }

    /// Attachments created for the message being built.
    var newMedia: [String: [UInt8]] = [:]

    // MARK: - time

    mutating func advance(minutes: Double) { advance(seconds: minutes * 60) }

    mutating func advance(seconds: Double) {
        clock += Int64(seconds * 1000)
        // Beijing time = UTC+8; nights jump to 08:30 the next morning.
        let beijingMs = clock + 8 * 3_600_000
        let hour = (beijingMs / 3_600_000) % 24
        if hour >= 22 || hour < 8 {
            let dayStart = beijingMs - beijingMs % 86_400_000
            let nextMorning = (hour >= 22 ? dayStart + 86_400_000 : dayStart) + 8 * 3_600_000 + 30 * 60_000
            clock = nextMorning - 8 * 3_600_000 + Int64.random(in: 0...1_800_000, using: &rng)
        }
    }

    mutating func replyDelay() {
        if rng.chance(0.06) {
            advance(minutes: Double.random(in: 35...95, using: &rng))
        } else {
            advance(minutes: Double.random(in: 0.3...6, using: &rng))
        }
    }

    func dateTimeText(_ ms: Int64) -> String {
        let beijing = CivilTime(milliseconds: ms, utcOffsetSeconds: 8 * 3600)
        return beijing.dateText + " " + beijing.timeText
    }
}
