/// The packs ChatLedger ships: finance, education, e-commerce and general rules, written for this project
/// (no installable package carries a sales-compliance lexicon).
extension Policy {
    public static let builtIn = Policy(
        name: "chatledger-builtin", version: 1,
        lexicons: [
            // General: pulling customers onto private channels.
            LexiconRule(id: "diversion.private-wechat", category: .privateDiversion, severity: .high, terms: [
                "加我微信", "加微信", "加个微信", "加下微信", "加一下微信", "加我的微信", "我的微信", "私人微信", "个人微信", "微信号",
                "微信联系", "微信聊", "微信上聊", "微信详聊", "加我v", "加v", "加我vx", "加vx", "vx号", "vx", "wx号", "加wx", "weixin",
                "v信", "私聊", "私下联系", "私下聊", "单独联系我", "加我好友", "加好友", "加我qq", "加qq", "qq号", "扣扣", "企鹅号",
                "我私人号", "私人电话", "打我手机", "打我电话", "我手机号", "换个地方聊", "这里不方便说", "这里不方便聊", "其他平台聊",
                "小号联系", "私信我", "微信上找我", "微信找我", "留个微信", "留下微信", "留微信", "微信上联系", "微信发你", "微信上说",
            ]),
            // Finance and general: guaranteed returns.
            LexiconRule(id: "promise.guaranteed-return", category: .falsePromise, severity: .critical, terms: [
                "保本", "保息", "保本保息", "稳赚", "稳赚不赔", "只赚不赔", "包赚", "稳赢", "刚性兑付", "刚兑", "零风险", "无风险", "没有风险",
                "没风险", "保证收益", "收益保证", "保证盈利", "保证赚", "肯定赚", "一定赚", "绝对赚", "稳稳赚", "不会亏", "亏不了",
                "绝对安全", "百分百安全", "100%安全", "保收益", "保底收益", "承诺收益", "固定高收益", "收益翻倍", "翻倍收益", "本金安全",
                "本金无忧", "躺赚",
            ], negationAware: true),
            // Education: guaranteed passes and admissions.
            LexiconRule(id: "promise.guaranteed-pass", category: .falsePromise, severity: .high, terms: [
                "保过", "包过", "包录取", "保录取", "保证录取", "保证通过", "稳过", "百分百通过", "100%通过", "必过", "包拿证", "保拿证",
                "包考上", "保考上", "保证考上", "包上岸", "保上岸", "不过全额退", "考不过全额退", "包提分", "保证提分",
            ], negationAware: true),
            // E-commerce and general: deals outside the company.
            LexiconRule(id: "side-deal.outside-company", category: .sideDeal, severity: .critical, terms: [
                "私单", "飞单", "私下转账", "私下交易", "私下付款", "私下给你", "转我个人", "转到我个人", "转给我个人", "我个人账户",
                "个人账户", "个人支付宝", "个人银行卡", "转我支付宝", "转我微信", "打我卡上", "打到我卡", "不走公司", "别走公司", "绕过公司",
                "不走合同", "别走公司合同", "返点", "回扣", "好处费", "内部额度", "内部价", "走私账", "私账", "现金返还", "返现给你",
                "比店里便宜", "比公司便宜", "店外交易", "打我卡", "转我卡", "打我账户",
            ], negationAware: true),
            // Abuse, either way.
            LexiconRule(id: "abuse.insult", category: .abuse, severity: .medium, terms: [
                "脑子有病", "有病吧", "你有病", "神经病", "傻逼", "傻b", "傻x", "煞笔", "sb", "白痴", "智障", "蠢货", "废物", "滚蛋",
                "给我滚", "你滚", "滚开", "去死", "你妈的", "他妈的", "tmd", "nmsl", "垃圾东西", "狗东西", "骗子", "死骗子",
            ], direction: .any),
            // Customer data sent out.
            LexiconRule(id: "data-leak.customer-list", category: .dataLeak, severity: .high, terms: [
                "客户名单", "客户资料发你", "客户信息发你", "客户信息表", "客户资料表", "导出客户", "客户通讯录", "客户手机号发你",
                "客户名单发你", "名单发你", "资料打包发你",
            ]),
        ],
        proximity: [
            ProximityRule(id: "diversion.add-contact", category: .privateDiversion, severity: .high,
                          first: ["加我", "加下", "加个", "联系我"], second: ["微信", "vx", "wx", "qq", "扣扣", "手机", "电话"], within: 6),
            ProximityRule(id: "side-deal.private-discount", category: .sideDeal, severity: .high,
                          first: ["私下", "偷偷", "单独"], second: ["优惠", "便宜", "折扣", "返"], within: 6),
            ProximityRule(id: "side-deal.personal-payment", category: .sideDeal, severity: .critical,
                          first: ["转", "付", "打"], second: ["我个人", "我私人", "我自己的"], within: 4),
            ProximityRule(id: "promise.return-rate", category: .falsePromise, severity: .high,
                          first: ["保证", "承诺", "肯定", "一定", "绝对"], second: ["年化", "收益", "回报", "利息"], within: 6),
        ],
        patterns: [
            PatternRule(id: "diversion.mobile-number", kind: .mobileNumber, category: .privateDiversion, severity: .high),
            PatternRule(id: "diversion.wechat-id", kind: .wechatID, category: .privateDiversion, severity: .high),
            PatternRule(id: "diversion.qq-number", kind: .qqNumber, category: .privateDiversion, severity: .high),
            PatternRule(id: "data-leak.mobile-list", kind: .mobileNumberList, category: .dataLeak, severity: .high),
            PatternRule(id: "data-leak.id-card", kind: .idCard, category: .dataLeak, severity: .critical),
            PatternRule(id: "data-leak.bank-card", kind: .bankCard, category: .dataLeak, severity: .critical),
        ],
        allowedLinkDomains: ["work.weixin.qq.com", "doc.weixin.qq.com", "weixin.qq.com", "qq.com", "example.com", "example-fund.com"],
        exceptions: [])
}
