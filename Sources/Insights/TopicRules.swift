/// What customers ask about, by keyword rules: a message belongs to every topic one of whose keywords it
/// contains. Configurable; the defaults cover finance, education and e-commerce.
public struct TopicRules: Sendable, Hashable, Codable {
    public struct Topic: Sendable, Hashable, Codable {
        public var id: String
        public var name: String
        public var keywords: [String]
        public init(id: String, name: String, keywords: [String]) {
            self.id = id
            self.name = name
            self.keywords = keywords
        }
    }

    public var topics: [Topic]

    public init(topics: [Topic]) { self.topics = topics }

    public static let standard = TopicRules(topics: [
        Topic(id: "price", name: "价格优惠", keywords: ["多少钱", "价格", "价钱", "优惠", "便宜", "打折", "折扣", "费用", "手续费", "学费"]),
        Topic(id: "refund", name: "退款退货", keywords: ["退款", "退货", "退钱", "退费", "退回", "赎回"]),
        Topic(id: "delivery", name: "发货物流", keywords: ["发货", "快递", "物流", "到货", "配送", "签收", "单号"]),
        Topic(id: "complaint", name: "投诉不满", keywords: ["投诉", "差评", "不满意", "太差", "骗", "举报", "曝光", "12315"]),
        Topic(id: "course", name: "课程学习", keywords: ["课程", "上课", "报名", "老师", "考试", "试听", "课时", "排课"]),
        Topic(id: "product-risk", name: "产品与风险", keywords: ["收益", "风险", "保本", "亏损", "到期", "年化", "理财", "基金"]),
    ])

    /// Topic ids of a text, in rule order.
    public func topics(of text: String) -> [String] {
        topics.filter { topic in topic.keywords.contains { text.contains($0) } }.map(\.id)
    }
}
