/// The lines simulated people say. Written for this project (no customer-service corpus is installable here).
enum ConversationScripts {
    struct Exchange: Sendable {
        var customer: String
        var staff: String
    }

    static let greetingsByCustomer = ["你好", "在吗？", "您好，想咨询一下", "hello，有人吗", "你好，打扰了"]
    static let greetingsByStaff = ["您好，我是您的专属顾问，有什么可以帮您？", "在的，您请说～", "您好！很高兴为您服务"]
    static let closingsByCustomer = ["好的，谢谢", "明白了，我再考虑一下", "行，回头联系", "谢谢你的耐心解答👍", "好的"]
    static let closingsByStaff = ["不客气，有问题随时找我", "好的，祝您生活愉快！", "收到，稍后我把资料发您"]

    static let exchanges: [SimulatedCorp.Industry: [Exchange]] = [
        .finance: [
            Exchange(customer: "请问这款稳健理财产品收益怎么样？",
                     staff: "这款产品业绩比较基准是年化3.8%-4.2%，业绩比较基准不代表实际收益，产品不保本，有亏损风险。"),
            Exchange(customer: "可以随时赎回吗？手续费多少", staff: "持有满30天后可以赎回，7天内赎回有1.5%的赎回费，30天以上免费。"),
            Exchange(customer: "最近市场波动这么大，我的基金亏了好多，心里很慌", staff: "理解您的心情，短期波动比较正常，建议您结合风险承受能力考虑是否调整，我把最新的持仓分析发您。"),
            Exchange(customer: "定投每个月最少投多少？", staff: "最低每月500元起，可以选择每周或每月扣款。"),
            Exchange(customer: "我风险测评是C3，能买这个吗？", staff: "C3可以购买R3及以下风险等级的产品，这款是R2，符合您的风险等级。"),
            Exchange(customer: "上次买的那个产品到期了吗？钱什么时候到账", staff: "已经到期了，本金和收益预计T+2个工作日到账，到账后我通知您。"),
            Exchange(customer: "利率太低了，有没有高一点的", staff: "收益越高风险越大哦，我可以给您介绍几款权益类产品，但要先做风险提示。"),
        ],
        .education: [
            Exchange(customer: "孩子初三数学比较弱，有没有冲刺班？", staff: "有的，我们的中考冲刺班每周两次课，小班8人，下周六有试听。"),
            Exchange(customer: "报名费多少钱？可以分期吗", staff: "一学期是6800元，支持3期免息分期，也可以先报名试听再交费。"),
            Exchange(customer: "如果孩子不想上了可以退款吗", staff: "开课前可以全额退款，开课后按剩余课时比例退费，合同里都有写。"),
            Exchange(customer: "老师是哪个学校毕业的？教龄多久", staff: "主讲是北师大毕业的王老师，有8年初中数学教学经验。"),
            Exchange(customer: "课程回放能看多久？", staff: "每节课的回放保留一年，随时可以看。"),
            Exchange(customer: "考研英语一对一怎么收费？", staff: "一对一每小时380元，20课时起报，可以先做个水平测试。"),
        ],
        .ecommerce: [
            Exchange(customer: "我的快递怎么还没到？订单号 2026112712345", staff: "亲，帮您查了，包裹在中转站，预计明天下午送达。"),
            Exchange(customer: "衣服尺码不合适，可以换吗", staff: "可以的亲，7天无理由退换，在订单页面申请换货就行。"),
            Exchange(customer: "收到的杯子是碎的，我要退款", staff: "非常抱歉给您带来不便，麻烦拍一下照片，我马上帮您申请退款。"),
            Exchange(customer: "这款有优惠券吗？", staff: "现在下单满299减30，会员再打95折。"),
            Exchange(customer: "质量太差了，用了两天就坏了，我要投诉！", staff: "真的很抱歉，我先帮您登记售后，给您补发一个新的可以吗？"),
            Exchange(customer: "发票怎么开？", staff: "在订单详情页点申请开票，电子发票会发到您的邮箱。"),
            Exchange(customer: "什么时候发货？", staff: "付款后48小时内发货，预售商品以页面时间为准。"),
        ],
    ]

    /// Staff lines that break the rules, by the category a risk officer would file them under.
    static let riskyStaffLines: [SimulatedCorp.Industry: [(category: String, text: String)]] = [
        .finance: [
            ("false-promise", "放心吧，这个产品保本保息，稳赚不赔的"),
            ("false-promise", "我们这个是刚性兑付的，年化10%没问题"),
            ("private-diversion", "加我私人微信吧，wxid_lx8826，细节那边聊"),
            ("private-diversion", "方便的话加下我v信：licai_2026，这里不方便说"),
            ("side-deal", "你私下转账给我，我帮你买内部额度，有返点"),
        ],
        .education: [
            ("false-promise", "报我们的班保过，考不过全额退款，包录取"),
            ("private-diversion", "加我威信 edu-wang88，私下给你优惠"),
            ("side-deal", "别走公司合同了，直接转我个人，便宜一千"),
        ],
        .ecommerce: [
            ("side-deal", "你直接转我个人支付宝，比店里便宜50，算私单"),
            ("private-diversion", "加我私人微信 13912345678，以后找我直接发货"),
            ("abuse", "你是不是脑子有病，说了多少遍了"),
            ("data-leak", "客户名单发你：张三 13812345678 身份证110101199003071234"),
        ],
    ]

    static let riskyCustomerLines = ["你们这是骗子吧，再这样我就去投诉", "垃圾服务，滚", "能不能加你私人微信聊？"]

    static let fileNames: [SimulatedCorp.Industry: [(String, String)]] = [
        .finance: [("产品说明书-稳健增利3号.pdf", "pdf"), ("风险揭示书.docx", "docx"), ("持仓分析-2026Q4.xlsx", "xlsx")],
        .education: [("中考冲刺班课表.pdf", "pdf"), ("入学测试卷.docx", "docx"), ("报名协议.pdf", "pdf")],
        .ecommerce: [("售后申请单.xlsx", "xlsx"), ("商品质检报告.pdf", "pdf"), ("发票.pdf", "pdf")],
    ]

    static let links: [SimulatedCorp.Industry: [(String, String, String)]] = [
        .finance: [("2026年四季度市场展望", "宏观经济与资产配置建议", "https://www.example-fund.com/report/2026q4")],
        .education: [("中考数学必考题型汇总", "20个常考题型详解", "https://edu.example.com/articles/math-2026")],
        .ecommerce: [("双十二会员专享", "全场满299减30", "https://shop.example.com/promo/1212"),
                     ("私域福利：扫码领券", "外部链接", "https://coupon-free.example.net/get?id=8")],
    ]
}
