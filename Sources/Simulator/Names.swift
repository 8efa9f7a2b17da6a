/// Name material for simulated people: Chinese characters with the pinyin used for userids.
enum Names {
    struct Part: Sendable {
        var han: String
        var pinyin: String
    }

    static let surnames: [Part] = [
        ("王", "wang"), ("李", "li"), ("张", "zhang"), ("刘", "liu"), ("陈", "chen"), ("杨", "yang"), ("赵", "zhao"),
        ("黄", "huang"), ("周", "zhou"), ("吴", "wu"), ("徐", "xu"), ("孙", "sun"), ("胡", "hu"), ("朱", "zhu"),
        ("高", "gao"), ("林", "lin"), ("何", "he"), ("郭", "guo"), ("马", "ma"), ("罗", "luo"), ("梁", "liang"),
        ("宋", "song"), ("郑", "zheng"), ("谢", "xie"), ("韩", "han"), ("唐", "tang"), ("冯", "feng"), ("许", "xu"),
    ].map { Part(han: $0.0, pinyin: $0.1) }

    static let givenNames: [Part] = [
        ("伟", "wei"), ("芳", "fang"), ("娜", "na"), ("敏", "min"), ("静", "jing"), ("磊", "lei"), ("洋", "yang"),
        ("艳", "yan"), ("勇", "yong"), ("军", "jun"), ("杰", "jie"), ("娟", "juan"), ("涛", "tao"), ("明", "ming"),
        ("超", "chao"), ("秀英", "xiuying"), ("晓东", "xiaodong"), ("海燕", "haiyan"), ("志强", "zhiqiang"),
        ("婷婷", "tingting"), ("子涵", "zihan"), ("雨欣", "yuxin"), ("浩然", "haoran"), ("思远", "siyuan"),
    ].map { Part(han: $0.0, pinyin: $0.1) }

    static let nicknames = [
        "小鱼儿", "阳光明媚", "Amy", "追风少年", "静待花开", "Lucky", "老张", "豆豆妈", "向日葵", "Kevin",
        "一路向北", "木子", "慢慢来", "晨曦", "Tony", "甜甜圈", "青山", "可乐加冰",
    ]
}
