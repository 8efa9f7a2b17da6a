import ArchiveModel

extension RiskScanner {
    /// Who a message is from and to, as rules see it.
    public static func direction(of message: ChatMessage) -> Direction {
        let fromStaff = message.from.inferredKind == .employee
        let toCustomer = message.toList.contains { $0.inferredKind == .externalContact }
        return fromStaff && toCustomer ? .staffToCustomer : .any
    }

    /// Scans a message: its searchable text, and the message-type rules (personal contact cards, links outside
    /// the allowed domains, red packets to customers). Spans are offsets into ``ChatMessage/searchableText``.
    public func scan(_ message: ChatMessage, senderContext: SenderContext? = nil) -> [RiskHit] {
        let direction = Self.direction(of: message)
        var hits = scan(message.searchableText, sentBy: direction, senderContext: senderContext)
        guard direction == .staffToCustomer else { return hits }
        let text = message.searchableText
        func whole(_ rule: String, _ category: RiskCategory, _ severity: Severity) -> RiskHit {
            RiskHit(category: category, rule: rule, severity: severity, match: text, start: 0, end: text.count)
        }
        switch message.content {
        case .card(_, let userID) where userID.inferredKind == .externalContact:
            hits.append(whole("diversion.personal-card", .privateDiversion, .high))
        case .link(let link) where !isAllowed(url: link.url):
            hits.append(whole("diversion.outside-link", .privateDiversion, .medium))
        case .redPacket, .externalRedPacket:
            hits.append(whole("side-deal.red-packet", .sideDeal, .medium))
        default:
            break
        }
        return hits
    }

    func isAllowed(url: String) -> Bool {
        guard let host = url.split(separator: "/", omittingEmptySubsequences: true).dropFirst().first?.lowercased() else { return true }
        let bare = host.split(separator: ":").first.map(String.init) ?? host
        return policy.allowedLinkDomains.contains { bare == $0 || bare.hasSuffix("." + $0) }
    }
}
