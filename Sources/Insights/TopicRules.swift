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
        var utf8 = text
        // Every customer message passes here at ingest. Within "simple" text (see `isSimple`) a keyword occurs as
        // characters exactly where its UTF-8 occurs as bytes, so the byte search gives the same answer as
        // `String.contains` for a fraction of the cost; any other text takes the character comparison.
        let fast: [String]? = utf8.withUTF8 { bytes in
            guard text.unicodeScalars.allSatisfy(Self.isSimple) else { return nil }
            return topics.filter { topic in
                topic.keywords.contains { keyword in
                    !keyword.isEmpty && keyword.unicodeScalars.allSatisfy(Self.isSimple)
                        ? Self.bytes(bytes, contain: keyword) : text.contains(keyword)
                }
            }.map(\.id)
        }
        return fast ?? topics.filter { topic in topic.keywords.contains { text.contains($0) } }.map(\.id)
    }

    /// Scalars that neither join a grapheme with a neighbour nor have a canonical decomposition: ASCII other than
    /// CR (CR LF is one character), CJK unified ideographs and extension A, CJK punctuation without the tone marks
    /// U+302A–302F, and the full- and half-width forms without the half-width sound marks U+FF9E/FF9F.
    static func isSimple(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x7F: scalar != "\r"
        case 0x4E00...0x9FFF, 0x3400...0x4DBF: true
        case 0x3000...0x303F: !(0x302A...0x302F).contains(scalar.value)
        case 0xFF00...0xFFEF: scalar.value != 0xFF9E && scalar.value != 0xFF9F
        default: false
        }
    }

    static func bytes(_ haystack: UnsafeBufferPointer<UInt8>, contain keyword: String) -> Bool {
        var keyword = keyword
        return keyword.withUTF8 { needle in
            guard let first = needle.first, needle.count <= haystack.count else { return needle.isEmpty }
            var start = 0
            let last = haystack.count - needle.count
            while start <= last {
                if haystack[start] == first {
                    var matched = 1
                    while matched < needle.count && haystack[start + matched] == needle[matched] { matched += 1 }
                    if matched == needle.count { return true }
                }
                start += 1
            }
            return false
        }
    }
}
